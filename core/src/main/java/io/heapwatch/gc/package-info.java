/**
 * GC notifications: a counter the request filter reads to drop samples that span a collection, and the retained
 * heap after each collection (old generation plus survivor spaces), which is the signal leak analysis works on.
 */
@NullMarked
package io.heapwatch.gc;

import org.jspecify.annotations.NullMarked;
