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

    private final Level[] levels;
    private long firstMillis = Long.MIN_VALUE;

    FloorLevels(long bucketMillis, int buckets) {
        levels = new Level[LEVELS];
        levels[0] = new Level(Math.max(1, bucketMillis / FINE_RATIO), buckets);
        long length = bucketMillis;
        for (int i = 1; i < LEVELS; i++) {
            levels[i] = new Level(length, buckets);
            length *= LEVEL_RATIO;
        }
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

    synchronized void record(long epochMillis, long liveBytes, long maxBytes, boolean confirmed) {
        if (firstMillis == Long.MIN_VALUE) {
            firstMillis = epochMillis;
        }
        for (Level level : levels) {
            level.record(epochMillis, liveBytes, maxBytes, confirmed);
        }
    }

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
