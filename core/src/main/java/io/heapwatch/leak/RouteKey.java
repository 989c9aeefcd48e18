package io.heapwatch.leak;

import java.util.Objects;

/**
 * A route as tagged on heapwatch meters.
 *
 * @param uri the route template or a fixed value such as {@code NOT_FOUND} or {@code OTHER}
 * @param method the HTTP method, or {@code OTHER} for the pool of untracked routes
 */
public record RouteKey(String uri, String method) {

    /** The pool of routes beyond the tracked maximum. */
    public static final RouteKey OTHER = new RouteKey("OTHER", "OTHER");

    /** Requires both parts. */
    public RouteKey {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(method, "method");
    }
}
