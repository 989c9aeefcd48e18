package io.heapwatch.leak;

import java.util.Arrays;

/**
 * The retained heap's after-GC floors at several resolutions, in constant memory.
 *
 * <p>Each level is a ring of {@code buckets + 1} time-aligned buckets (the closed ones of its span and the one being
 * filled). A bucket keeps two floors: the lowest sample of any collection (an upper bound of the live set: a young
 * collection leaves every dead object promoted since the last collection that reclaimed long-lived space), and the
 * lowest sample of the collections that reclaimed long-lived space (a point of the live set), each with its time.
 * The default levels are 7.5 minutes in 30-second buckets (for leaks that fill the heap within the hour), 30
 * minutes in 2-minute buckets, 6 hours in 24-minute buckets and 3 days in 4.8-hour buckets, 4 &times; 16 buckets in
 * all, however long the process runs.
 *
 * <p>It also follows the sawtooth of the after-GC samples between collections that reclaimed long-lived space, and
 * keeps, per bucket of the coarsest level, the largest rate at which a tooth rose before such a collection brought
 * it down ({@link #sawtooth}): the promotion of objects that a collection showed to be dead.
 *
 * <p>The bucket holding the first sample of all is never reported: it is partial and holds the start of the
 * process, before the working set is built, whose floor sits below everything that follows.
 */
final class FloorLevels {

    /** How much longer each level's span is than the previous one's, from the second level on. */
    static final int LEVEL_RATIO = 12;

    /** How much shorter the finest level's buckets are than the second level's. */
    static final int FINE_RATIO = 4;

    /** The number of levels. */
    static final int LEVELS = 4;

    /**
     * The garbage G1 may leave after its mixed collections, as a fraction of the heap ({@code G1HeapWastePercent},
     * 5% by default): a cycle's lowest point may exceed the one before by that much without the live set growing.
     */
    static final double WASTE_FRACTION = 0.05;

    /** One minus the confidence of the upper bound of a tooth's rise rate. */
    static final double TOOTH_ALPHA = 0.05;

    /**
     * The fewest collections a tooth must span to show a rate: a shorter one (the young collections between the end of
     * a concurrent cycle and its mixed collections) gives an upper bound too wide to mean anything.
     */
    static final int MIN_TOOTH_POINTS = 10;

    private final Level[] levels;
    private long firstMillis = Long.MIN_VALUE;

    // the sawtooth: the rise of all collections since the last run of collections that reclaimed long-lived space
    private final Statistics.RunningTrend rise = new Statistics.RunningTrend();
    private long riseStartMillis;
    private boolean inCycle;
    private long cycleLowest;
    private double pendingUpper;
    private double pendingTop;
    private double pendingBottom;
    private double pendingSpan;
    private int pendingPoints;
    // the largest reclaimed rise rate of the teeth ended in each bucket of the coarsest level, and their number
    private final long[] toothBucket;
    private final double[] toothRate;
    private final int[] toothCount;

    FloorLevels(long bucketMillis, int buckets) {
        levels = new Level[LEVELS];
        levels[0] = new Level(Math.max(1, bucketMillis / FINE_RATIO), buckets);
        long length = bucketMillis;
        for (int i = 1; i < LEVELS; i++) {
            levels[i] = new Level(length, buckets);
            length *= LEVEL_RATIO;
        }
        toothBucket = new long[buckets + 1];
        toothRate = new double[buckets + 1];
        toothCount = new int[buckets + 1];
        Arrays.fill(toothBucket, Long.MIN_VALUE);
    }

    int levels() {
        return levels.length;
    }

    long bucketMillis(int level) {
        return levels[level].bucketMillis;
    }

    long spanMillis(int level) {
        return levels[level].bucketMillis * levels[level].buckets;
    }

    void record(long epochMillis, long liveBytes, long maxBytes, boolean confirmed) {
        record(epochMillis, liveBytes, maxBytes, confirmed, false);
    }

    synchronized void record(long epochMillis, long liveBytes, long maxBytes, boolean confirmed, boolean requested) {
        if (firstMillis == Long.MIN_VALUE) {
            firstMillis = epochMillis;
        }
        for (Level level : levels) {
            level.record(epochMillis, liveBytes, maxBytes, confirmed);
        }
        if (requested) {
            // a collection somebody asked for (System.gc(), a class histogram, a heap dump) is a point of the live
            // set, but it cuts the collector's tooth short wherever it happens: the tooth it interrupts shows no rate
            inCycle = false;
            rise.clear();
            return;
        }
        recordTooth(epochMillis, liveBytes, maxBytes, confirmed);
    }

    /**
     * Follows the sawtooth. Between runs of collections that reclaimed long-lived space, the after-GC samples rise
     * with promoted objects: a tooth, fitted by least squares as it grows. When a run ends, the tooth's rise is
     * counted as shown reclaimable up to the run's lowest point: its rate is the upper confidence bound
     * ({@link #TOOTH_ALPHA}) of the tooth's slope, less the part of the rise the run left in place (the run's lowest
     * point, less G1's waste allowance, above the fitted start of the tooth), over the time the tooth rose. A run
     * that did not come below the tooth's fitted top brought nothing down and ends no tooth.
     */
    private void recordTooth(long epochMillis, long bytes, long maxBytes, boolean confirmed) {
        if (confirmed) {
            if (!inCycle) {
                inCycle = true;
                cycleLowest = bytes;
                pendingPoints = rise.points();
                Statistics.Trend t = rise.trend();
                pendingUpper = t.upperBound(TOOTH_ALPHA);
                pendingTop = t.fittedLast();
                pendingBottom = t.fittedLast() - t.slope() * t.xSpan();
                pendingSpan = t.xSpan();
            } else {
                cycleLowest = Math.min(cycleLowest, bytes);
            }
            return;
        }
        if (inCycle) {
            inCycle = false;
            double left = Math.max(0, cycleLowest - WASTE_FRACTION * Math.max(0, maxBytes) - pendingBottom);
            double rate = pendingUpper - left / pendingSpan;
            if (pendingPoints >= MIN_TOOTH_POINTS && cycleLowest < pendingTop && rate > 0) {
                long bucket = Math.floorDiv(epochMillis, coarsest().bucketMillis);
                int slot = (int) Math.floorMod(bucket, (long) toothBucket.length);
                if (toothBucket[slot] != bucket) {
                    toothBucket[slot] = bucket;
                    toothRate[slot] = 0;
                    toothCount[slot] = 0;
                }
                toothRate[slot] = Math.max(toothRate[slot], rate);
                toothCount[slot]++;
            }
            rise.clear();
        }
        if (rise.points() == 0) {
            riseStartMillis = epochMillis;
        }
        rise.add((epochMillis - riseStartMillis) / 1000.0, bytes);
    }

    private Level coarsest() {
        return levels[levels.length - 1];
    }

    /** The teeth of the sawtooth that ended within the coarsest level's span before {@code nowMillis}. */
    synchronized Sawtooth sawtooth(long nowMillis) {
        Level level = coarsest();
        long current = Math.floorDiv(nowMillis, level.bucketMillis);
        int teeth = 0;
        double rate = 0;
        for (int slot = 0; slot < toothBucket.length; slot++) {
            if (toothBucket[slot] > current - level.buckets && toothBucket[slot] <= current) {
                teeth += toothCount[slot];
                rate = Math.max(rate, toothRate[slot]);
            }
        }
        return new Sawtooth(teeth, rate);
    }

    /**
     * The teeth seen within the coarsest level's span.
     *
     * @param teeth how many teeth a collection reclaiming long-lived space brought down
     * @param rate the largest reclaimed rise rate among them, in bytes per second
     */
    record Sawtooth(int teeth, double rate) {}

    /**
     * The closed buckets of {@code level} in the span ending at {@code nowMillis}, oldest first, as parallel arrays.
     */
    synchronized Series series(int level, long nowMillis) {
        return levels[level].series(nowMillis, firstMillis);
    }

    /** The floors of one level's closed buckets, oldest first; the confirmed ones only where a bucket has one. */
    record Series(
            long bucketMillis,
            int size,
            long[] millis,
            long[] bytes,
            long[] maxBytes,
            int confirmedSize,
            long[] confirmedMillis,
            long[] confirmedBytes) {}

    private static final class Level {
        final long bucketMillis;
        final int buckets;
        final long[] index;
        final long[] floor;
        final long[] floorMillis;
        final long[] confirmed;
        final long[] confirmedMillis;
        final long[] max;

        Level(long bucketMillis, int buckets) {
            this.bucketMillis = bucketMillis;
            this.buckets = buckets;
            int slots = buckets + 1;
            index = new long[slots];
            floor = new long[slots];
            floorMillis = new long[slots];
            confirmed = new long[slots];
            confirmedMillis = new long[slots];
            max = new long[slots];
            Arrays.fill(index, Long.MIN_VALUE);
        }

        void record(long epochMillis, long liveBytes, long maxBytes, boolean isConfirmed) {
            long bucket = Math.floorDiv(epochMillis, bucketMillis);
            int slot = (int) Math.floorMod(bucket, (long) index.length);
            if (index[slot] != bucket) {
                if (index[slot] != Long.MIN_VALUE && index[slot] > bucket) {
                    return; // older than the ring
                }
                index[slot] = bucket;
                floor[slot] = Long.MAX_VALUE;
                confirmed[slot] = Long.MAX_VALUE;
                max[slot] = maxBytes;
            }
            if (liveBytes < floor[slot]) {
                floor[slot] = liveBytes;
                floorMillis[slot] = epochMillis;
            }
            if (isConfirmed && liveBytes < confirmed[slot]) {
                confirmed[slot] = liveBytes;
                confirmedMillis[slot] = epochMillis;
            }
            max[slot] = Math.max(max[slot], maxBytes);
        }

        Series series(long nowMillis, long firstMillis) {
            long current = Math.floorDiv(nowMillis, bucketMillis);
            long firstBucket =
                    firstMillis == Long.MIN_VALUE ? Long.MIN_VALUE : Math.floorDiv(firstMillis, bucketMillis);
            long[] millis = new long[buckets];
            long[] bytes = new long[buckets];
            long[] maxBytes = new long[buckets];
            long[] cMillis = new long[buckets];
            long[] cBytes = new long[buckets];
            int n = 0;
            int c = 0;
            for (long b = current - buckets; b < current; b++) {
                int slot = (int) Math.floorMod(b, (long) index.length);
                if (index[slot] != b || b == firstBucket || floor[slot] == Long.MAX_VALUE) {
                    continue;
                }
                millis[n] = floorMillis[slot];
                bytes[n] = floor[slot];
                maxBytes[n] = max[slot];
                n++;
                if (confirmed[slot] != Long.MAX_VALUE) {
                    cMillis[c] = confirmedMillis[slot];
                    cBytes[c] = confirmed[slot];
                    c++;
                }
            }
            return new Series(bucketMillis, n, millis, bytes, maxBytes, c, cMillis, cBytes);
        }
    }
}
