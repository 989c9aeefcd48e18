/**
 * Leak detection on the retained heap measured after each garbage collection.
 *
 * <p>{@link io.heapwatch.leak.LeakDetector} receives the after-GC bytes of the old generation and survivor spaces,
 * and whether the collection reclaimed long-lived space, and keeps two floors per bucket on four horizons (7.5
 * minutes to 3 days by default) in constant memory. Its verdict ({@link io.heapwatch.leak.LeakAssessment}) is
 * confirmed when the lower confidence bound of the live-set points' growth fills the heap within the reach of their
 * span, rising but unconfirmed when only the floors of all collections do, and otherwise no evidence; route
 * suspects ({@link io.heapwatch.leak.RouteSuspect}) are named only when the best route beats chance and the
 * runner-up. The user-facing types are the detector, {@link io.heapwatch.leak.LeakDetectionSettings}, the assessment
 * with its suspects, and the traffic source ({@link io.heapwatch.leak.RouteTraffic}); the statistics are
 * package-private.
 */
@org.jspecify.annotations.NullMarked
package io.heapwatch.leak;
