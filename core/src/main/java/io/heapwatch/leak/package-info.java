/**
 * Leak detection on the retained heap measured after each garbage collection.
 *
 * <p>{@link io.heapwatch.leak.LeakDetector} receives the after-GC bytes of the old generation and survivor spaces,
 * keeps the per-sub-window floor (minimum) in a bounded {@link io.heapwatch.leak.LiveHeapWindow}, and periodically
 * asks {@link io.heapwatch.leak.LeakAnalyzer} whether the floor rises: a Theil&ndash;Sen slope, a Mann&ndash;Kendall
 * trend test, a minimum growth relative to the maximum heap, growth that persists in the most recent floors, and,
 * before a new suspicion, a rise that has not just broken off.
 * When a leak is suspected, {@link io.heapwatch.leak.RouteAttributor} ranks routes by the partial correlation,
 * given time, of the floors with each route's cumulative requests, or refuses when there are too few floors, when
 * the routes' traffic cannot be told apart, or when no route follows the floor better than chance.
 */
@org.jspecify.annotations.NullMarked
package io.heapwatch.leak;
