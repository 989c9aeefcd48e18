package io.heapwatch.leak;

/**
 * A source of cumulative per-route request counts, such as the servlet filter's per-route meter cache. The leak
 * detector snapshots it on its analyzer thread and differences successive snapshots.
 */
public interface RouteTraffic {

    /** A source with no routes. */
    RouteTraffic NONE = visitor -> {};

    /**
     * Reports every route's cumulative request count to {@code visitor}. Counts must never decrease for a given
     * route while it is reported; a decrease is treated as a reset.
     */
    void visit(RouteVisitor visitor);
}
