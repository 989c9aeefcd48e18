package io.heapwatch.leak;

/**
 * The floor of one closed sub-window: its lowest after-GC live heap sample.
 *
 * @param subWindow the sub-window's index, {@code floorDiv(epochMillis, subWindowMillis)}
 * @param epochMillis when the lowest sample was taken
 * @param liveBytes the lowest live bytes after a GC in the sub-window
 * @param maxBytes the largest maximum reported in the sub-window, or -1 when undefined
 * @param samples the number of after-GC samples in the sub-window
 */
public record Floor(long subWindow, long epochMillis, long liveBytes, long maxBytes, int samples) {}
