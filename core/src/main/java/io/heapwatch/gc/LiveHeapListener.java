package io.heapwatch.gc;

/** Receives the long-lived heap after each garbage collection, on the JVM's notification thread. */
@FunctionalInterface
public interface LiveHeapListener {

    /**
     * Called after each collection. Implementations must be quick and must not block: they run on the thread that
     * delivers every GC notification of the JVM.
     *
     * @param epochMillis when the notification was handled
     * @param liveBytes used bytes of the long-lived pools after the collection
     * @param maxBytes the maximum those pools can grow to, or the heap maximum when theirs is undefined
     */
    void onLiveHeap(long epochMillis, long liveBytes, long maxBytes);
}
