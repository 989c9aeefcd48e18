package io.heapwatch.harness;

import java.util.Map;

/**
 * One scrape of {@code /metrics}.
 *
 * @param t harness seconds since the load started
 * @param suspected {@code heapwatch_leak_suspected}
 * @param growth {@code heapwatch_live_heap_growth_bytes_per_second}
 * @param tte {@code heapwatch_leak_time_to_exhaustion_seconds}
 * @param live {@code heapwatch_live_heap_after_gc_bytes}
 * @param max {@code heapwatch_live_heap_max_bytes}
 * @param routes {@code heapwatch_leak_route_correlation} (the suspects' ranking key) by {@code "METHOD uri"}
 */
record Sample(
        double t, double suspected, double growth, double tte, double live, double max, Map<String, Double> routes) {

    boolean flagged() {
        return suspected >= 0.5;
    }

    /** The top-ranked route, or null when none is reported. */
    String topRoute() {
        String top = null;
        double best = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, Double> e : routes.entrySet()) {
            if (e.getValue() > best) {
                best = e.getValue();
                top = e.getKey();
            }
        }
        return top;
    }
}
