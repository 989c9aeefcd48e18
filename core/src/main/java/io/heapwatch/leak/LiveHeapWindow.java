package io.heapwatch.leak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A sliding window of after-GC live heap samples that keeps only the floor (minimum) of each sub-window.
 *
 * <p>Sub-windows are aligned to the epoch: sample {@code t} belongs to {@code floorDiv(t, subWindowMillis)}. The
 * window holds a fixed ring of {@code subWindows + 1} slots (the closed sub-windows of the window plus the one
 * being filled), so its memory is constant however long the process runs. Samples older than the ring are
 * dropped. Thread-safe; {@link #record} does a few field writes under an uncontended lock.
 *
 * <p>The sub-window of the very first sample is never reported. It is partial, and it holds the process's start:
 * the collections before the application has built its working set and before traffic arrives, whose floor sits
 * below everything that follows. Counting it would add a startup step to every window that still contains it,
 * which inflates the slope and, for the first window, can look like a leak on its own.
 */
public final class LiveHeapWindow {

    private final long subWindowMillis;
    private final int subWindows;
    private final long[] index;
    private final long[] floorBytes;
    private final long[] floorMillis;
    private final long[] maxBytes;
    private final int[] samples;
    private long newestIndex = Long.MIN_VALUE;
    private long firstIndex = Long.MIN_VALUE;

    /** Creates a window of {@code subWindows} sub-windows covering {@code window}. */
    public LiveHeapWindow(Duration window, int subWindows) {
        if (subWindows < 1) {
            throw new IllegalArgumentException("subWindows must be positive, was " + subWindows);
        }
        this.subWindowMillis = window.toMillis() / subWindows;
        if (subWindowMillis <= 0) {
            throw new IllegalArgumentException("window " + window + " is too short for " + subWindows + " sub-windows");
        }
        this.subWindows = subWindows;
        int slots = subWindows + 1;
        this.index = new long[slots];
        this.floorBytes = new long[slots];
        this.floorMillis = new long[slots];
        this.maxBytes = new long[slots];
        this.samples = new int[slots];
        Arrays.fill(index, Long.MIN_VALUE);
    }

    /** The length of one sub-window in milliseconds. */
    public long subWindowMillis() {
        return subWindowMillis;
    }

    /** The number of sub-windows in the window. */
    public int subWindows() {
        return subWindows;
    }

    /** The number of ring slots; constant for the life of the window. */
    int capacity() {
        return index.length;
    }

    /**
     * Records one after-GC sample.
     *
     * @param epochMillis when the GC ended
     * @param liveBytes the retained heap (old generation plus survivors) after the GC
     * @param maxBytes their maximum, or -1 when undefined
     */
    public synchronized void record(long epochMillis, long liveBytes, long maxBytes) {
        long sub = Math.floorDiv(epochMillis, subWindowMillis);
        if (newestIndex != Long.MIN_VALUE && sub <= newestIndex - index.length) {
            return;
        }
        if (firstIndex == Long.MIN_VALUE) {
            firstIndex = sub;
        }
        newestIndex = Math.max(newestIndex, sub);
        int slot = (int) Math.floorMod(sub, (long) index.length);
        if (index[slot] != sub) {
            index[slot] = sub;
            floorBytes[slot] = liveBytes;
            floorMillis[slot] = epochMillis;
            this.maxBytes[slot] = maxBytes;
            samples[slot] = 1;
            return;
        }
        if (liveBytes < floorBytes[slot]) {
            floorBytes[slot] = liveBytes;
            floorMillis[slot] = epochMillis;
        }
        this.maxBytes[slot] = Math.max(this.maxBytes[slot], maxBytes);
        samples[slot]++;
    }

    /**
     * Returns the floors of the closed sub-windows of the window ending at {@code nowMillis}, oldest first: those
     * in {@code [current - subWindows, current)} that received at least one sample, where {@code current} is the
     * sub-window containing {@code nowMillis}, except the sub-window of the first sample ever recorded.
     */
    public synchronized List<Floor> floors(long nowMillis) {
        long current = Math.floorDiv(nowMillis, subWindowMillis);
        List<Floor> floors = new ArrayList<>(subWindows);
        for (long sub = current - subWindows; sub < current; sub++) {
            int slot = (int) Math.floorMod(sub, (long) index.length);
            if (index[slot] == sub && samples[slot] > 0 && sub != firstIndex) {
                floors.add(new Floor(sub, floorMillis[slot], floorBytes[slot], maxBytes[slot], samples[slot]));
            }
        }
        return List.copyOf(floors);
    }
}
