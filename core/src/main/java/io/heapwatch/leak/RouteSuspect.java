package io.heapwatch.leak;

/**
 * A route whose traffic explains part of the live heap's floor growth.
 *
 * @param route the route
 * @param retainedBytesPerRequest the estimated bytes each request leaves on the retained heap
 * @param requests the route's requests over the attribution window
 */
public record RouteSuspect(RouteKey route, double retainedBytesPerRequest, double requests) {}
