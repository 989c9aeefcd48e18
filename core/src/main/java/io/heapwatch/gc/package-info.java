/**
 * GC notifications: a counter the request filter reads to drop samples that span a collection, and the used bytes
 * of the long-lived heap after each collection, which is the signal leak analysis works on.
 */
@NullMarked
package io.heapwatch.gc;

import org.jspecify.annotations.NullMarked;
