package io.heapwatch.leak;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-route request counts per sub-window, derived from snapshots of cumulative {@link RouteTraffic}.
 *
 * <p>Each {@link #sample} differences the cumulative counts against the previous snapshot and spreads each
 * route's increase over the sub-windows between the two snapshots in proportion to time. A route's first
 * snapshot only sets its baseline. At most {@code maxRoutes} (uri, method) pairs are tracked; later ones are
 * pooled into {@link RouteKey#OTHER}, whose baseline is reset whenever the set of pooled routes changes size.
 * Memory is bounded by a ring of {@code subWindows + 1} slots of at most {@code maxRoutes + 1} counts. Thread-safe,
 * but meant to be used from the analyzer thread only.
 */
final class RouteTrafficWindow {

    private final long subWindowMillis;
    private final int subWindows;
    private final int maxRoutes;
    private final Map<RouteKey, Integer> ids = new HashMap<>();
    private final List<RouteKey> keys = new ArrayList<>();
    private final long[] slotIndex;
    private final long[] slotCoveredMillis;
    private final double[][] slotCounts;
    private double[] current = new double[0];
    private boolean[] present = new boolean[0];
    private double[] previous = new double[0];
    private boolean[] hasPrevious = new boolean[0];
    private int pooledRoutes;
    private long previousMillis = Long.MIN_VALUE;
    private int previousPooledRoutes = -1;

    /**
     * Creates a window.
     *
     * @param subWindowMillis the sub-window length, as in {@link LiveHeapWindow#subWindowMillis()}
     * @param subWindows the number of sub-windows in the window
     * @param maxRoutes the number of distinct routes tracked before pooling into {@link RouteKey#OTHER}
     */
    RouteTrafficWindow(long subWindowMillis, int subWindows, int maxRoutes) {
        if (subWindowMillis <= 0 || subWindows < 1 || maxRoutes < 1) {
            throw new IllegalArgumentException("subWindowMillis, subWindows and maxRoutes must be positive");
        }
        this.subWindowMillis = subWindowMillis;
        this.subWindows = subWindows;
        this.maxRoutes = maxRoutes;
        int slots = subWindows + 1;
        this.slotIndex = new long[slots];
        Arrays.fill(slotIndex, Long.MIN_VALUE);
        this.slotCoveredMillis = new long[slots];
        this.slotCounts = new double[slots][0];
    }

    /** The number of distinct routes currently tracked, {@link RouteKey#OTHER} included; at most maxRoutes + 1. */
    synchronized int trackedRoutes() {
        return keys.size();
    }

    /** Takes a snapshot of {@code traffic} at {@code nowMillis}. */
    synchronized void sample(long nowMillis, RouteTraffic traffic) {
        Arrays.fill(current, 0.0);
        Arrays.fill(present, false);
        pooledRoutes = 0;
        traffic.visit(this::accumulate);
        boolean poolChanged = pooledRoutes != previousPooledRoutes;
        previousPooledRoutes = pooledRoutes;
        for (int id = 0; id < keys.size(); id++) {
            if (!present[id]) {
                continue;
            }
            boolean rebaseline =
                    !hasPrevious[id] || (poolChanged && keys.get(id).equals(RouteKey.OTHER));
            if (!rebaseline && previousMillis != Long.MIN_VALUE) {
                double delta = current[id] - previous[id];
                if (delta > 0) {
                    spread(id, delta, previousMillis, nowMillis);
                }
            }
            previous[id] = current[id];
            hasPrevious[id] = true;
        }
        if (previousMillis != Long.MIN_VALUE) {
            cover(previousMillis, nowMillis);
        }
        previousMillis = Math.max(previousMillis, nowMillis);
    }

    private void accumulate(String uri, String method, double cumulative) {
        RouteKey key = new RouteKey(uri, method);
        Integer id = ids.get(key);
        if (id == null) {
            if (keys.size() < maxRoutes) {
                id = register(key);
            } else {
                id = register(RouteKey.OTHER);
                pooledRoutes++;
            }
        } else if (key.equals(RouteKey.OTHER)) {
            pooledRoutes++;
        }
        current[id] += Double.isFinite(cumulative) && cumulative > 0 ? cumulative : 0.0;
        present[id] = true;
    }

    private int register(RouteKey key) {
        Integer existing = ids.get(key);
        if (existing != null) {
            return existing;
        }
        int id = keys.size();
        ids.put(key, id);
        keys.add(key);
        if (id >= current.length) {
            int size = Math.max(8, current.length * 2);
            current = Arrays.copyOf(current, size);
            present = Arrays.copyOf(present, size);
            previous = Arrays.copyOf(previous, size);
            hasPrevious = Arrays.copyOf(hasPrevious, size);
        }
        return id;
    }

    private void spread(int id, double delta, long fromMillis, long toMillis) {
        if (toMillis <= fromMillis) {
            slotFor(Math.floorDiv(toMillis, subWindowMillis))[id] += delta;
            return;
        }
        long last = Math.floorDiv(toMillis, subWindowMillis);
        long first = Math.max(Math.floorDiv(fromMillis, subWindowMillis), last - slotIndex.length + 1);
        double span = toMillis - fromMillis;
        for (long sub = first; sub <= last; sub++) {
            long overlap = overlap(sub, fromMillis, toMillis);
            if (overlap > 0) {
                slotFor(sub)[id] += delta * (overlap / span);
            }
        }
    }

    private void cover(long fromMillis, long toMillis) {
        long last = Math.floorDiv(toMillis, subWindowMillis);
        long first = Math.max(Math.floorDiv(fromMillis, subWindowMillis), last - slotIndex.length + 1);
        for (long sub = first; sub <= last; sub++) {
            long overlap = overlap(sub, fromMillis, toMillis);
            if (overlap > 0) {
                slotFor(sub);
                slotCoveredMillis[slot(sub)] += overlap;
            }
        }
    }

    private long overlap(long sub, long fromMillis, long toMillis) {
        long start = sub * subWindowMillis;
        return Math.min(toMillis, start + subWindowMillis) - Math.max(fromMillis, start);
    }

    private int slot(long sub) {
        return (int) Math.floorMod(sub, (long) slotIndex.length);
    }

    private double[] slotFor(long sub) {
        int slot = slot(sub);
        if (slotIndex[slot] != sub) {
            slotIndex[slot] = sub;
            slotCoveredMillis[slot] = 0;
            Arrays.fill(slotCounts[slot], 0.0);
        }
        if (slotCounts[slot].length < keys.size()) {
            slotCounts[slot] = Arrays.copyOf(slotCounts[slot], current.length);
        }
        return slotCounts[slot];
    }

    /**
     * Returns the counts of the closed sub-windows of the window ending at {@code nowMillis}, for the routes with
     * traffic in them. A sub-window counts as observed when snapshots spanned at least 90% of it.
     */
    synchronized TrafficCounts counts(long nowMillis) {
        long current = Math.floorDiv(nowMillis, subWindowMillis);
        long first = current - subWindows;
        boolean[] covered = new boolean[subWindows];
        double[][] all = new double[keys.size()][subWindows];
        double[] totals = new double[keys.size()];
        for (int offset = 0; offset < subWindows; offset++) {
            long sub = first + offset;
            int slot = slot(sub);
            if (slotIndex[slot] != sub) {
                continue;
            }
            covered[offset] = slotCoveredMillis[slot] * 10 >= subWindowMillis * 9;
            double[] counts = slotCounts[slot];
            for (int id = 0; id < Math.min(counts.length, keys.size()); id++) {
                all[id][offset] = counts[id];
                totals[id] += counts[id];
            }
        }
        List<RouteKey> routes = new ArrayList<>();
        List<double[]> rows = new ArrayList<>();
        for (int id = 0; id < keys.size(); id++) {
            if (totals[id] > 0) {
                routes.add(keys.get(id));
                rows.add(all[id]);
            }
        }
        return TrafficCounts.of(first, subWindowMillis, routes, rows.toArray(new double[0][]), covered);
    }
}
