package io.heapwatch.leak;

import java.util.Random;

/**
 * A model of what a production collector reports after each collection: the retained heap (old generation plus
 * survivors) and whether the collection reclaimed long-lived space, as {@code GcEventTracker} tells them apart.
 *
 * <ul>
 *   <li><b>G1</b> with default flags: young collections promote some objects that die soon after (dead promotion);
 *       they stay in the old generation until a concurrent cycle, which starts when old occupancy crosses the
 *       initiating heap occupancy (45% until G1 has seen a few cycles, then adaptive: what leaves a 10% reserve
 *       plus the promotion expected while marking, clamped to 30&ndash;85%). The cycle's marking takes 20&ndash;60
 *       s; its cleanup frees the regions found empty (a share of the garbage; JDK 20+ notify it as
 *       {@code G1 Concurrent GC}); then 4&ndash;8 mixed collections, one per young collection, reclaim the rest
 *       down to a residue of 0&ndash;5% of the heap ({@code G1HeapWastePercent}). A full collection runs when the
 *       heap fills.
 *   <li><b>Parallel</b>: young collections promote dead objects until the old generation (two thirds of the heap)
 *       fills; then a full collection leaves only the live set. The heap is exhausted when the live set fills the
 *       old generation.
 * </ul>
 * A collection counts as reclaiming long-lived space exactly as the tracker decides: a full collection, or the old
 * generation shrinking by at least 1% of the maximum.
 */
final class GcModel {

    enum Collector {
        G1,
        PARALLEL
    }

    /** One collection's report. */
    record Report(long retainedBytes, boolean confirmed, boolean outOfMemory) {}

    private static final double CONFIRMING_DROP = 0.01;

    final Collector collector;
    final long maxBytes;
    private final Random random;
    private double garbage;
    private double ihop = 0.45;
    private int cycles;
    private boolean marking;
    private double markEnd;
    private double markStartGarbage;
    private double markStart;
    private int mixedLeft;
    private double residue;

    GcModel(Collector collector, long maxBytes, Random random) {
        this.collector = collector;
        this.maxBytes = maxBytes;
        this.random = random;
    }

    /**
     * The most the live set can hold: under Parallel the old generation's maximum (two thirds of the heap, fixed as
     * with {@code -Xms} equal to {@code -Xmx}): a live set that fills it leaves every full collection with nothing to
     * reclaim; under G1 the heap.
     */
    double liveCapacity() {
        return collector == Collector.PARALLEL ? maxBytes * 2.0 / 3.0 : maxBytes;
    }

    /**
     * The maximum {@code GcEventTracker} reports: the sum of the long-lived pools' maxima (survivors count in the
     * retained bytes, not in the maximum), the old generation's under Parallel and the heap's under G1, whose old
     * generation may take the whole heap.
     */
    long reportedMaxBytes() {
        return (long) liveCapacity();
    }

    /**
     * A young collection at {@code seconds}, after {@code promotedDead} bytes of soon-dead objects were promoted,
     * with {@code live} bytes truly live and {@code survivors} bytes in the survivor spaces.
     */
    Report youngCollection(double seconds, double live, double promotedDead, double survivors) {
        garbage += promotedDead;
        double oldBefore = live + garbage;
        boolean full = false;
        if (collector == Collector.PARALLEL) {
            if (oldBefore >= maxBytes * 2.0 / 3.0) {
                full = true;
            }
        } else {
            if (marking && seconds >= markEnd) {
                marking = false;
                cycles++;
                garbage *= 0.4 + 0.4 * random.nextDouble(); // the cleanup frees the regions found empty
                residue = maxBytes * 0.05 * random.nextDouble();
                mixedLeft = 4 + random.nextInt(5);
                double promotedWhileMarking =
                        Math.max(0, garbage - markStartGarbage) / Math.max(1, seconds - markStart);
                if (cycles >= 3) {
                    double wanted = 0.9 - (promotedWhileMarking * 60 + 0.08 * maxBytes) / maxBytes;
                    ihop = Math.max(0.30, Math.min(0.85, wanted));
                }
            } else if (mixedLeft > 0) {
                // a mixed collection reclaims down towards the residue, never adds to the old generation
                garbage = Math.min(garbage, Math.max(residue, garbage - (garbage - residue) / mixedLeft));
                mixedLeft--;
            }
            if (!marking && mixedLeft == 0 && live + garbage >= ihop * maxBytes) {
                marking = true;
                markStart = seconds;
                markEnd = seconds + 20 + 40 * random.nextDouble();
                markStartGarbage = garbage;
            }
            if (live + garbage + survivors >= maxBytes) {
                full = true;
            }
        }
        if (full) {
            garbage = 0;
            marking = false;
            mixedLeft = 0;
            return new Report((long) live, true, live >= liveCapacity());
        }
        double oldAfter = live + garbage;
        boolean confirmed = oldBefore - oldAfter >= maxBytes * CONFIRMING_DROP;
        return new Report((long) (oldAfter + survivors), confirmed, false);
    }
}
