package io.heapwatch.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heapwatch.gc.GcEventTracker;
import io.heapwatch.gc.LiveHeapListener;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The periodic writes of the samples ({@link DiagnosisSettings#writeInterval()}): a diagnosis reads every object the
 * recording's writes saw, once, and ranks those seen alive two collections after their allocation.
 */
class SampleWritesTest {

    /** An array length only this test allocates, so that its samples can be told apart. */
    static final int MARKER_LENGTH = 32_771;

    static final List<long[]> KEEP = new ArrayList<>();

    static List<ObjectSample> markers(List<ObjectSample> samples) {
        return samples.stream()
                .filter(s -> s.type().equals("long[]") && s.arrayElements() == MARKER_LENGTH)
                .toList();
    }

    @Test
    void aDiagnosisReadsTheObjectsOfEarlierWritesOnceAfterTheSamplerLetThemGo() throws Exception {
        try (OldObjectEvidence evidence = OldObjectEvidence.start(8 << 20, Duration.ofMinutes(5))) {
            for (int i = 0; i < 100; i++) {
                KEEP.add(new long[MARKER_LENGTH]); // 256 KiB each: slow-path allocations, so sampled
            }
            System.gc();
            evidence.write();
            System.gc();
            evidence.write();
            long lastWrite = System.currentTimeMillis();
            // three writes (these two and the dump's own) saw most of them: each object is read once
            int seen = markers(evidence.dumpEveryWrite().samples()).size();
            assertThat(seen).isPositive().isLessThanOrEqualTo(100);
            KEEP.clear();
            System.gc();
            System.gc();
            Thread.sleep(1200); // past the slack that reads writes within a second of the latest as one
            List<ObjectSample> latest = markers(evidence.dump().samples());
            List<ObjectSample> every = markers(evidence.dumpEveryWrite().samples());

            assertThat(latest)
                    .as("the sampler no longer holds the dead objects")
                    .isEmpty();
            assertThat(every).as("the earlier writes saw them, each once").hasSizeBetween(1, 100);
            for (ObjectSample s : every) {
                // the age runs to the latest write that saw it alive, not to the dump
                assertThat(s.allocationMillis() + s.ageMillis()).isLessThanOrEqualTo(lastWrite + 1000);
            }
        } finally {
            KEEP.clear();
        }
    }

    /** A type only {@link #aDiagnosisWithWritesRanksObjectsAWriteSawSurviveTwoCollectionsAfterTheyDied} keeps. */
    static final class Retained {}

    static final List<Object> HELD = new ArrayList<>();

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void aDiagnosisWithWritesRanksObjectsAWriteSawSurviveTwoCollectionsAfterTheyDied() throws Exception {
        DiagnosisSettings settings = DiagnosisSettings.defaults()
                .withEvidence(true)
                .withWriteInterval(Duration.ofMillis(20))
                .withApplicationPackages(List.of(SampleWritesTest.class.getName()));
        List<Long> collections = new CopyOnWriteArrayList<>();
        LiveHeapListener seen = (epochMillis, liveBytes, maxBytes) -> collections.add(epochMillis);
        try (GcEventTracker tracker = new GcEventTracker(Tags.empty());
                LeakDiagnostics diagnostics = GcRootPathTest.diagnostics(tracker, settings)) {
            diagnostics.start(); // its heap history listens first: it has every collection this listener saw
            tracker.addListener(seen);
            for (int i = 0; i < 100; i++) {
                HELD.add(new Retained[65_536]); // 256 KiB or more each: slow-path allocations, so sampled
            }
            int before = collections.size();
            System.gc();
            System.gc();
            await(() -> collections.size() >= before + 2);
            long writes = diagnostics.writesForTests()[0];
            await(() -> diagnostics.writesForTests()[0] >= writes + 2); // one began after both collections
            HELD.clear();
            int alive = collections.size();
            System.gc();
            System.gc();
            await(() -> collections.size() >= alive + 2); // the sampler let them go
            // past the slack within which a dump reads the earlier writes as its own: the dump's own write does
            // not hold them, only the earlier writes do
            Thread.sleep(1500);

            Diagnosis d = diagnostics.take("request");

            assertThat(d).isNotNull();
            assertThat(d.types())
                    .as("dead now, but a write saw them alive two collections after their allocation")
                    .extracting(LeakingType::type)
                    .contains(Retained.class.getName() + "[]");
        } finally {
            HELD.clear();
        }
    }

    static ObjectSample sample(long allocated, long written) {
        return new ObjectSample("byte[]", 16, allocated, written - allocated, -1, "t", List.of("A.b:1"), List.of("A"));
    }

    @Test
    void onlySamplesSeenAliveTwoCollectionsAfterTheirAllocationAreKept() {
        HeapHistory history = new HeapHistory();
        history.onLiveHeap(1000, 1, 10);
        history.onLiveHeap(2000, 1, 10);
        history.onLiveHeap(3000, 1, 10);
        ObjectSample twoBefore = sample(500, 2500);
        ObjectSample oneBefore = sample(1500, 2500);
        ObjectSample twoAtItsWrite = sample(1500, 3000);
        ObjectSample none = sample(3500, 4000);

        assertThat(LeakDiagnostics.survivedTwo(List.of(twoBefore, oneBefore, twoAtItsWrite, none), history))
                .containsExactly(twoBefore, twoAtItsWrite);
        assertThat(history.collectionsBetween(1000, 3000)).isEqualTo(2);
        assertThat(history.collectionsBetween(999, 3000)).isEqualTo(3);
        assertThat(history.collectionsBetween(3000, 9000)).isZero();
    }

    @Test
    void withoutWritesADumpReadsOnlyItsOwnWriteEvenWhenItIsEmpty() {
        ObjectSample earlier = sample(100, 1000);
        ObjectSample own = sample(100, 5000);
        assertThat(OldObjectEvidence.writtenSince(List.of(earlier, own), 4000)).containsExactly(own);
        assertThat(OldObjectEvidence.writtenSince(List.of(earlier), 4000)).isEmpty();
    }

    @Test
    void writesRunAtTheirIntervalWhileTheEvidenceIsOnAndNeverWhenOff() throws Exception {
        DiagnosisSettings on = DiagnosisSettings.defaults().withEvidence(true);
        try (GcEventTracker tracker = new GcEventTracker(Tags.empty());
                LeakDiagnostics writing =
                        GcRootPathTest.diagnostics(tracker, on.withWriteInterval(Duration.ofMillis(20)));
                LeakDiagnostics quiet = GcRootPathTest.diagnostics(tracker, on.withWriteInterval(Duration.ZERO))) {
            writing.start();
            quiet.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (writing.writesForTests()[0] < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(writing.writesForTests()[0]).isGreaterThanOrEqualTo(3);
            assertThat(quiet.writesForTests()[0]).isZero();
            Diagnosis d = writing.take("request");
            assertThat(d).isNotNull();
            assertThat(d.evidenceDetail()).contains("in the writes of the recording");
            Diagnosis q = quiet.take("request");
            assertThat(q).isNotNull();
            assertThat(q.evidenceDetail()).doesNotContain("writes");
        }
    }

    @Test
    void noWritesRunWhilePathsToGcRootsAreOnForEachWouldSearchAtASafepoint() throws Exception {
        DiagnosisSettings roots = DiagnosisSettings.defaults()
                .withEvidence(true)
                .withGcRoots(true)
                .withWriteInterval(Duration.ofMillis(20));
        try (GcEventTracker tracker = new GcEventTracker(Tags.empty());
                LeakDiagnostics d = GcRootPathTest.diagnostics(tracker, roots)) {
            d.start();
            Thread.sleep(300);
            assertThat(d.writesForTests()[0]).isZero();
            Diagnosis taken = d.take("request");
            assertThat(taken).isNotNull();
            assertThat(taken.evidenceDetail()).doesNotContain("writes");
        }
    }

    @Test
    void theWriteIntervalIsZeroOrAtLeastTenMilliseconds() {
        DiagnosisSettings d = DiagnosisSettings.defaults();
        assertThat(d.writeInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(d.withWriteInterval(Duration.ZERO).writeInterval()).isZero();
        assertThat(d.withWriteInterval(Duration.ofMillis(10)).writeInterval()).isEqualTo(Duration.ofMillis(10));
        assertThatThrownBy(() -> d.withWriteInterval(Duration.ofMillis(9)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withWriteInterval(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
