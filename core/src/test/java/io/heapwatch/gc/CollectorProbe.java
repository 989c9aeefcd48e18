package io.heapwatch.gc;

import io.micrometer.core.instrument.Tags;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Run in a child JVM by {@link CollectorCoverageTest} under one collector. Prints {@code key=value} lines: the pools
 * the tracker chose, the signal after an explicit GC, its rise when {@value #RETAINED_MIB} MiB are retained,
 * measured after the first young collection (when there are survivor pools) and after an explicit GC, and the lowest
 * signal of any sample after the baseline.
 */
final class CollectorProbe {

    static final int RETAINED_MIB = 4;

    private static final AtomicLong live = new AtomicLong(-1);
    private static final AtomicLong max = new AtomicLong(-1);
    private static final AtomicLong samples = new AtomicLong();
    private static volatile boolean lastConfirmed;
    /** The lowest signal of any sample once the baseline is taken: a sample of zero would pull a floor to zero. */
    private static final AtomicLong lowest = new AtomicLong(Long.MAX_VALUE);

    private static volatile boolean baselineTaken;

    @SuppressWarnings("unused") // keeps the retained arrays reachable
    private static final List<byte[]> retained = new ArrayList<>();

    private static volatile byte[] sink;

    private CollectorProbe() {}

    public static void main(String[] args) throws Exception {
        try (GcEventTracker tracker = new GcEventTracker(Tags.empty())) {
            tracker.addListener(new LiveHeapListener() {
                @Override
                public void onLiveHeap(long at, long liveBytes, long maxBytes) {
                    throw new AssertionError("the tracker calls the four-argument method");
                }

                @Override
                public void onLiveHeap(long at, long liveBytes, long maxBytes, boolean confirmed) {
                    live.set(liveBytes);
                    max.set(maxBytes);
                    lastConfirmed = confirmed;
                    if (baselineTaken) {
                        lowest.accumulateAndGet(liveBytes, Math::min);
                    }
                    samples.incrementAndGet();
                }
            });
            System.out.println("heapPools="
                    + ManagementFactory.getMemoryPoolMXBeans().stream()
                            .filter(p -> p.getType() == MemoryType.HEAP)
                            .map(MemoryPoolMXBean::getName)
                            .collect(Collectors.joining(",")));
            System.out.println("tracked=" + String.join(",", tracker.trackedPools()));
            System.out.println("survivors=" + String.join(",", tracker.survivorPools()));

            long baseline = afterExplicitGc();
            baselineTaken = true;
            System.out.println("baseline=" + baseline);
            System.out.println("max=" + max.get());

            if (!tracker.survivorPools().isEmpty()) {
                // settle the young generation first, so that the next collection's survivors are mostly ours
                // a collection while retaining would promote part of it before the measured one (a CI run saw 2.3 of
                // 4 MiB): then drop it and retain again after a fresh baseline, at most three times
                long youngBaseline;
                long seen;
                int attempts = 0;
                do {
                    retained.clear();
                    youngBaseline = afterYoungGc();
                    seen = samples.get();
                    retain();
                } while (samples.get() != seen && ++attempts < 3);
                System.out.println("riseAfterFirstYoungGc=" + (afterYoungGc() - youngBaseline));
                System.out.println("youngGcConfirmed=" + lastConfirmed);
            } else {
                retain();
            }
            System.out.println("riseAfterExplicitGc=" + (afterExplicitGc() - baseline));
            System.out.println("explicitGcConfirmed=" + lastConfirmed);
            System.out.println("lowestAfterBaseline=" + lowest.get());
        }
    }

    private static void retain() {
        for (int i = 0; i < RETAINED_MIB * 64; i++) {
            retained.add(new byte[16 * 1024]);
        }
    }

    /**
     * The signal after two explicit collections in a row: a concurrent collector's cycle leaves behind what was
     * allocated while it ran (whole-heap signals count it), and the second cycle reclaims most of that.
     */
    private static long afterExplicitGc() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            long before = samples.get();
            System.gc();
            awaitSample(before);
        }
        return live.get();
    }

    private static long afterYoungGc() throws InterruptedException {
        long before = samples.get();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (samples.get() == before && System.nanoTime() < deadline) {
            sink = new byte[1024];
        }
        return awaitSample(before);
    }

    private static long awaitSample(long before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (samples.get() == before) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no GC notification within 20 s");
            }
            Thread.sleep(5);
        }
        // a concurrent collector may notify more than once per cycle, and on a loaded machine the notification of the
        // cycle just ended can come after one of an earlier cycle (a CI run read generational ZGC's signal before its
        // explicit cycle's notification, a rise of 0): wait until none has come for 300 ms, up to 5 s
        long seen;
        long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        do {
            seen = samples.get();
            Thread.sleep(300);
        } while (samples.get() != seen && System.nanoTime() < settle);
        return live.get();
    }
}
