package io.heapwatch.leak;

/**
 * A route whose traffic the growth of the retained heap's floor follows.
 *
 * @param route the route
 * @param retainedBytesPerRequest the bytes each request would leave on the retained heap if this route alone
 *     caused the growth: the least-squares slope of the floors on the route's cumulative requests
 * @param requests the route's requests over the floors used
 * @param correlation the partial correlation, given time, of the floors with the route's cumulative requests
 *     (0 to 1; suspects are ranked by it)
 */
public record RouteSuspect(RouteKey route, double retainedBytesPerRequest, double requests, double correlation) {}
