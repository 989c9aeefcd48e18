package io.heapwatch.leak;

import java.util.LinkedHashMap;
import java.util.Map;

/** A stand-in for the filter's per-route meter cache: cumulative counters per route. */
final class CumulativeTraffic implements RouteTraffic {

    private final Map<RouteKey, double[]> counters = new LinkedHashMap<>();

    void add(String uri, String method, double requests) {
        counters.computeIfAbsent(new RouteKey(uri, method), k -> new double[1])[0] += requests;
    }

    @Override
    public void visit(RouteVisitor visitor) {
        counters.forEach((route, count) -> visitor.route(route.uri(), route.method(), count[0]));
    }
}
