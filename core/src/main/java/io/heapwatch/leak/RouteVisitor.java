package io.heapwatch.leak;

/** Receives one route's cumulative request count from {@link RouteTraffic#visit}. */
@FunctionalInterface
public interface RouteVisitor {

    /**
     * Reports one route.
     *
     * @param uri the route template (never a raw path) or a fixed value such as {@code NOT_FOUND}
     * @param method the HTTP method
     * @param cumulativeRequests the number of requests served on the route since it was first seen
     */
    void route(String uri, String method, double cumulativeRequests);
}
