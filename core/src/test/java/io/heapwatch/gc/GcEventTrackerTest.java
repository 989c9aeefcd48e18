package io.heapwatch.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class GcEventTrackerTest {

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(10);
        }
    }

    @Test
    void collectionsSomebodyAskedForAreTheRequestedOnes() {
        assertThat(GcEventTracker.requested("System.gc()")).isTrue();
        assertThat(GcEventTracker.requested("Diagnostic Command")).isTrue();
        assertThat(GcEventTracker.requested("Heap Inspection Initiated GC")).isTrue();
        assertThat(GcEventTracker.requested("Heap Dump Initiated GC")).isTrue();
        assertThat(GcEventTracker.requested("JvmtiEnv ForceGarbageCollection")).isTrue();
        assertThat(GcEventTracker.requested("G1 Evacuation Pause")).isFalse();
        assertThat(GcEventTracker.requested("G1 Humongous Allocation")).isFalse();
        assertThat(GcEventTracker.requested("Allocation Failure")).isFalse();
        assertThat(GcEventTracker.requested("Metadata GC Threshold")).isFalse();
        assertThat(GcEventTracker.requested("")).isFalse();
    }

    @Test
    void countsRealCollectionsAndReportsTheLongLivedHeapAfterEach() throws Exception {
        List<long[]> samples = Collections.synchronizedList(new ArrayList<>());
        try (GcEventTracker tracker = new GcEventTracker(Tags.of("container", "t"))) {
            tracker.addListener((at, live, max) -> samples.add(new long[] {at, live, max}));
            long before = tracker.gcCount();
            System.gc();
            await(() -> tracker.gcCount() > before && !samples.isEmpty());
            long[] last = samples.get(samples.size() - 1);
            assertThat(last[1]).isPositive();
            assertThat(last[2]).isGreaterThanOrEqualTo(last[1]);
            assertThat(tracker.liveBytesAfterLastGc()).isPositive();
        }
    }

    @Test
    void tracksTheOldGenerationAndTheSurvivorsOfTheRunningCollector() {
        try (GcEventTracker tracker = new GcEventTracker(Tags.empty())) {
            // G1 is the default collector of the JVMs heapwatch is tested on.
            assertThat(tracker.trackedPools()).containsExactly("G1 Old Gen");
            assertThat(tracker.survivorPools()).containsExactly("G1 Survivor Space");
        }
    }

    @Test
    void signalIsOldGenerationPlusSurvivorsAfterTheCollectionAndMaxIsTheOldGenerations() throws Exception {
        System.gc();
        com.sun.management.GcInfo info = null;
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            com.sun.management.GcInfo last = ((com.sun.management.GarbageCollectorMXBean) bean).getLastGcInfo();
            if (last != null && last.getMemoryUsageAfterGc().containsKey("G1 Old Gen")) {
                info = last;
            }
        }
        assertThat(info).as("a G1 collection's GcInfo").isNotNull();
        Map<String, MemoryUsage> after = info.getMemoryUsageAfterGc();
        List<long[]> samples = new ArrayList<>();
        try (GcEventTracker tracker = new GcEventTracker(Tags.empty())) {
            tracker.addListener((at, live, max) -> samples.add(new long[] {at, live, max}));
            tracker.onCollection(info, 1234L);
        }
        long expectedMax = after.get("G1 Old Gen").getMax();
        assertThat(samples).hasSize(1);
        assertThat(samples.get(0)[0]).isEqualTo(1234L);
        assertThat(samples.get(0)[1])
                .isEqualTo(after.get("G1 Old Gen").getUsed()
                        + after.get("G1 Survivor Space").getUsed());
        assertThat(samples.get(0)[2])
                .isEqualTo(expectedMax > 0 ? expectedMax : Runtime.getRuntime().maxMemory());
    }

    @Test
    void poolsAreClassifiedAsLongLivedByCollector() {
        assertThat(GcEventTracker.isLongLivedPool("G1 Old Gen")).isTrue();
        assertThat(GcEventTracker.isLongLivedPool("PS Old Gen")).isTrue();
        assertThat(GcEventTracker.isLongLivedPool("Tenured Gen")).isTrue();
        assertThat(GcEventTracker.isLongLivedPool("ZGC Old Generation")).isTrue();
        assertThat(GcEventTracker.isLongLivedPool("G1 Eden Space")).isFalse();
        assertThat(GcEventTracker.isLongLivedPool("G1 Survivor Space")).isFalse();
        assertThat(GcEventTracker.isLongLivedPool("ZHeap")).isFalse();
        assertThat(GcEventTracker.isLongLivedPool("Shenandoah")).isFalse();
    }

    @Test
    void survivorSpacesOfTheGenerationalCollectorsAreRecognised() {
        assertThat(GcEventTracker.isSurvivorPool("G1 Survivor Space")).isTrue();
        assertThat(GcEventTracker.isSurvivorPool("PS Survivor Space")).isTrue();
        assertThat(GcEventTracker.isSurvivorPool("Survivor Space")).isTrue();
        assertThat(GcEventTracker.isSurvivorPool("G1 Eden Space")).isFalse();
        assertThat(GcEventTracker.isSurvivorPool("ZGC Young Generation")).isFalse();
        assertThat(GcEventTracker.isSurvivorPool("G1 Old Gen")).isFalse();
    }

    @Test
    void closeRemovesItsListenersSoLaterCollectionsAreNotSeen() throws Exception {
        GcEventTracker tracker = new GcEventTracker(Tags.empty());
        tracker.close();
        long after = tracker.gcCount();
        System.gc();
        // A live tracker sees this collection within milliseconds; give a closed one ample time to misbehave.
        Thread.sleep(300);
        assertThat(tracker.gcCount()).isEqualTo(after);
    }

    @Test
    void bindsExactMeterNamesAndRemovesThemOnClose() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        GcEventTracker tracker = new GcEventTracker(Tags.of("container", "t"));
        tracker.bindTo(registry);
        assertThat(registry.get("heapwatch.heap.used").gauge().value()).isPositive();
        assertThat(registry.get("heapwatch.heap.max").gauge().value())
                .isEqualTo(
                        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax());
        assertThat(registry.get("heapwatch.gc.collections").functionCounter().count())
                .isNotNegative();
        assertThat(registry.get("heapwatch.gc.collection")
                        .functionCounter()
                        .getId()
                        .getBaseUnit())
                .isEqualTo("seconds");
        assertThat(registry.get("heapwatch.live.heap.after.gc").gauge()).isNotNull();
        tracker.close();
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void failingListenerDoesNotStopOthers() throws Exception {
        List<Long> seen = Collections.synchronizedList(new ArrayList<>());
        try (GcEventTracker tracker = new GcEventTracker(Tags.empty())) {
            tracker.addListener((at, live, max) -> {
                throw new IllegalStateException("listener bug");
            });
            tracker.addListener((at, live, max) -> seen.add(live));
            System.gc();
            await(() -> !seen.isEmpty());
        }
    }

    @Test
    void aPauseNotificationThatReportsEveryPoolEmptyIsNotASample() {
        List<Long> seen = Collections.synchronizedList(new ArrayList<>());
        try (GcEventTracker tracker = new GcEventTracker(Tags.empty())) {
            // real collections may notify meanwhile; only the sample at the made-up time is this test's
            tracker.addListener((at, live, max) -> {
                if (at == 1234L) {
                    seen.add(live);
                }
            });
            Map<String, MemoryUsage> empty = new HashMap<>();
            for (String pool : tracker.trackedPools()) {
                empty.put(pool, new MemoryUsage(0, 0, 0, 0));
            }
            for (String pool : tracker.survivorPools()) {
                empty.put(pool, new MemoryUsage(0, 0, 0, 0));
            }
            empty.put("Metaspace", new MemoryUsage(0, 0, 0, 0));
            com.sun.management.GcInfo pause = mock(com.sun.management.GcInfo.class);
            when(pause.getMemoryUsageAfterGc()).thenReturn(empty);

            tracker.onCollection(pause, 1234L);

            assertThat(seen).isEmpty();
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} / {1}, old {2} -> {3} of 1000: {5}")
    @org.junit.jupiter.params.provider.CsvSource({
        // names and actions as JDK 17 and 25 report them (checked with real JVMs under each collector)
        "G1 Old Generation,  end of major GC,            500, 400, false, true",
        "G1 Old Generation,  end of major GC,            500, 500, false, true",
        "PS MarkSweep,       end of major GC,            500, 500, false, true",
        "MarkSweepCompact,   end of major GC,            500, 500, false, true",
        "ZGC Major Cycles,   end of GC cycle,            500, 500, false, true",
        "ZGC Cycles,         end of GC cycle,            500, 500, false, true",
        "Shenandoah Cycles,  end of GC cycle,            500, 500, false, true",
        "anything,           end of minor GC,            500, 600, true,  true",
        // a mixed collection (JDK 17 names it like a young one) or a concurrent cycle's cleanup: old shrank >= 1%
        "G1 Young Generation, end of minor GC,           500, 490, false, true",
        "G1 Concurrent GC,   end of concurrent GC pause, 500, 450, false, true",
        // young collections: old grew, stayed, or shrank by less than 1% (a humongous object freed)
        "G1 Young Generation, end of minor GC,           500, 520, false, false",
        "G1 Young Generation, end of minor GC,           500, 500, false, false",
        "G1 Young Generation, end of minor GC,           500, 491, false, false",
        "G1 Concurrent GC,   end of concurrent GC pause, 500, 500, false, false",
        "PS Scavenge,        end of minor GC,            500, 530, false, false",
        "Copy,               end of minor GC,            500, 530, false, false",
        "ZGC Minor Cycles,   end of GC cycle,            500, 400, false, true",
        "ZGC Minor Cycles,   end of GC cycle,            500, 500, false, false",
    })
    void tellsCollectionsThatReclaimedLongLivedSpace(
            String name, String action, long before, long after, boolean wholeHeapOnly, boolean expected) {
        assertThat(GcEventTracker.reclaimedLongLived(name, action, before, after, 1000, wholeHeapOnly))
                .isEqualTo(expected);
    }
}
