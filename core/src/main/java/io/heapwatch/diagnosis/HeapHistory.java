package io.heapwatch.diagnosis;

import io.heapwatch.gc.LiveHeapListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The live heap after the most recent collections, in a fixed ring: the report's chart and the floors. */
final class HeapHistory implements LiveHeapListener {

    static final int CAPACITY = 4096;

    private final long[] times = new long[CAPACITY];
    private final long[] live = new long[CAPACITY];
    private final long[] max = new long[CAPACITY];
    private int next;
    private int size;

    @Override
    public synchronized void onLiveHeap(long epochMillis, long liveBytes, long maxBytes) {
        times[next] = epochMillis;
        live[next] = liveBytes;
        max[next] = maxBytes;
        next = (next + 1) % CAPACITY;
        size = Math.min(size + 1, CAPACITY);
    }

    /** The points since {@code fromMillis}, oldest first. */
    synchronized List<HeapPoint> since(long fromMillis) {
        List<HeapPoint> points = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            int k = Math.floorMod(next - size + i, CAPACITY);
            if (times[k] >= fromMillis) {
                points.add(new HeapPoint(times[k], live[k], max[k]));
            }
        }
        return points;
    }

    /** The lowest point of each sub-window of {@code subWindowMillis} among {@code points}, oldest first. */
    static List<HeapPoint> floors(List<HeapPoint> points, long subWindowMillis) {
        List<HeapPoint> floors = new ArrayList<>();
        long current = Long.MIN_VALUE;
        HeapPoint low = null;
        for (HeapPoint p : points) {
            long sub = Math.floorDiv(p.epochMillis(), subWindowMillis);
            if (sub != current) {
                if (low != null) {
                    floors.add(low);
                }
                current = sub;
                low = p;
            } else if (low == null || p.liveBytes() < low.liveBytes()) {
                low = p;
            }
        }
        if (low != null) {
            floors.add(low);
        }
        return floors;
    }

    /** How many of the kept collections happened after {@code fromMillis} and at or before {@code toMillis}. */
    int collectionsBetween(long fromMillis, long toMillis) {
        return between(collectionTimes(), fromMillis, toMillis);
    }

    /** The times of the kept collections, in ascending order: one snapshot for many {@link #between} counts. */
    synchronized long[] collectionTimes() {
        long[] sorted = Arrays.copyOf(times, size);
        Arrays.sort(sorted);
        return sorted;
    }

    /** How many of {@code sorted} lie after {@code fromMillis} and at or before {@code toMillis}. */
    static int between(long[] sorted, long fromMillis, long toMillis) {
        return Math.max(0, upTo(sorted, toMillis) - upTo(sorted, fromMillis));
    }

    /** How many of {@code sorted} are at most {@code t}. */
    private static int upTo(long[] sorted, long t) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * The time of the {@code n}-th most recent collection (1 = the latest), or {@code Long.MIN_VALUE} when fewer
     * were seen.
     */
    synchronized long collectionTime(int n) {
        if (n < 1 || n > size) {
            return Long.MIN_VALUE;
        }
        return times[Math.floorMod(next - n, CAPACITY)];
    }
}
