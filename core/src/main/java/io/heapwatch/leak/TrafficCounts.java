package io.heapwatch.leak;

import java.util.Arrays;
import java.util.List;

/**
 * Per-route request counts per sub-window, as seen by the analyzer. Immutable.
 */
final class TrafficCounts {

    private static final TrafficCounts NONE = new TrafficCounts(0, 1, List.of(), new double[0][0], new boolean[0]);

    private final long firstSubWindow;
    private final long subWindowMillis;
    private final List<RouteKey> routes;
    private final double[][] counts;
    private final boolean[] covered;

    private TrafficCounts(
            long firstSubWindow, long subWindowMillis, List<RouteKey> routes, double[][] counts, boolean[] covered) {
        this.firstSubWindow = firstSubWindow;
        this.subWindowMillis = subWindowMillis;
        this.routes = routes;
        this.counts = counts;
        this.covered = covered;
    }

    /** No traffic information at all. */
    static TrafficCounts none() {
        return NONE;
    }

    /**
     * Creates counts for consecutive sub-windows starting at {@code firstSubWindow}, every one of them observed.
     *
     * @param firstSubWindow the index of the first sub-window, {@code floorDiv(epochMillis, subWindowMillis)}
     * @param subWindowMillis the sub-window length
     * @param routes the routes, one per row of {@code counts}
     * @param counts {@code counts[route][subWindow - firstSubWindow]}
     */
    static TrafficCounts of(long firstSubWindow, long subWindowMillis, List<RouteKey> routes, double[][] counts) {
        int length = counts.length == 0 ? 0 : counts[0].length;
        boolean[] covered = new boolean[length];
        Arrays.fill(covered, true);
        return of(firstSubWindow, subWindowMillis, routes, counts, covered);
    }

    static TrafficCounts of(
            long firstSubWindow, long subWindowMillis, List<RouteKey> routes, double[][] counts, boolean[] covered) {
        if (subWindowMillis <= 0) {
            throw new IllegalArgumentException("subWindowMillis must be positive, was " + subWindowMillis);
        }
        if (routes.size() != counts.length) {
            throw new IllegalArgumentException(routes.size() + " routes but " + counts.length + " count rows");
        }
        double[][] copy = new double[counts.length][];
        for (int r = 0; r < counts.length; r++) {
            if (counts[r].length != covered.length) {
                throw new IllegalArgumentException(
                        "count row " + r + " has " + counts[r].length + " sub-windows, expected " + covered.length);
            }
            copy[r] = counts[r].clone();
        }
        return new TrafficCounts(firstSubWindow, subWindowMillis, List.copyOf(routes), copy, covered.clone());
    }

    /** The routes with traffic, in a stable order. */
    List<RouteKey> routes() {
        return routes;
    }

    /** Whether the traffic of {@code subWindow} was fully observed (a count of 0 then means no requests). */
    boolean covered(long subWindow) {
        long offset = subWindow - firstSubWindow;
        return offset >= 0 && offset < covered.length && covered[(int) offset];
    }

    /** The requests on route number {@code route} during {@code subWindow}; 0 outside the observed range. */
    double count(int route, long subWindow) {
        long offset = subWindow - firstSubWindow;
        if (offset < 0 || offset >= covered.length) {
            return 0.0;
        }
        return counts[route][(int) offset];
    }

    /**
     * Whether every sub-window overlapping {@code [fromMillis, toMillis]} was observed, so that
     * {@link #countBetween} is meaningful.
     */
    boolean coveredBetween(long fromMillis, long toMillis) {
        long first = Math.floorDiv(fromMillis, subWindowMillis);
        long last = Math.floorDiv(Math.max(fromMillis, toMillis), subWindowMillis);
        for (long sub = first; sub <= last; sub++) {
            if (!covered(sub)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Estimates the requests on route number {@code route} between two instants, taking each sub-window's
     * requests as spread evenly over it.
     */
    double countBetween(int route, long fromMillis, long toMillis) {
        if (toMillis <= fromMillis) {
            return 0.0;
        }
        long first = Math.floorDiv(fromMillis, subWindowMillis);
        long last = Math.floorDiv(toMillis, subWindowMillis);
        double total = 0.0;
        for (long sub = first; sub <= last; sub++) {
            long start = sub * subWindowMillis;
            long overlap = Math.min(toMillis, start + subWindowMillis) - Math.max(fromMillis, start);
            if (overlap > 0) {
                total += count(route, sub) * overlap / subWindowMillis;
            }
        }
        return total;
    }
}
