/**
 * Leak detection on the retained heap measured after each garbage collection.
 *
 * <p>{@link io.heapwatch.leak.LeakDetector} receives the after-GC bytes of the old generation and survivor spaces,
 * keeps the
 * per-sub-window floor (minimum) in a bounded {@link io.heapwatch.leak.LiveHeapWindow}, and periodically asks
 * {@link io.heapwatch.leak.LeakAnalyzer} whether the floor rises: a Theil&ndash;Sen slope, a Mann&ndash;Kendall
 * trend test, a minimum growth relative to the maximum heap, and growth that persists in the most recent floors.
 * When a leak is suspected, floor increments are attributed to routes by non-negative least squares over
 * per-route request counts at the best of several lags, or the attribution is refused when the traffic
 * mix does not vary enough to tell routes apart.
 */
@org.jspecify.annotations.NullMarked
package io.heapwatch.leak;
