package io.heapwatch.gc;

/** Receives the retained heap after each garbage collection, on the JVM's notification thread. */
@FunctionalInterface
public interface LiveHeapListener {

    /**
     * Called after each collection. Implementations must be quick and must not block: they run on the thread that
     * delivers every GC notification of the JVM.
     *
     * @param epochMillis when the notification was handled
     * @param liveBytes used bytes of the long-lived pools plus the survivor spaces after the collection
     * @param maxBytes the maximum the long-lived pools can grow to, or the heap maximum when theirs is undefined
     */
    void onLiveHeap(long epochMillis, long liveBytes, long maxBytes);

    /**
     * Called after each collection with whether it reclaimed long-lived space (a full, major or mixed collection, or
     * the end of a concurrent cycle): then {@code liveBytes} is a point of the live set; otherwise it also holds the
     * dead objects promoted since the last such collection, and is only an upper bound of the live set. By default
     * calls {@link #onLiveHeap(long, long, long)}.
     *
     * @param epochMillis when the notification was handled
     * @param liveBytes used bytes of the long-lived pools plus the survivor spaces after the collection
     * @param maxBytes the maximum the long-lived pools can grow to, or the heap maximum when theirs is undefined
     * @param reclaimedLongLived whether the collection reclaimed long-lived space
     */
    default void onLiveHeap(long epochMillis, long liveBytes, long maxBytes, boolean reclaimedLongLived) {
        onLiveHeap(epochMillis, liveBytes, maxBytes);
    }

    /**
     * Called after each collection with whether it reclaimed long-lived space and whether somebody asked for it
     * ({@code System.gc()}, a diagnostic command such as a class histogram or {@code GC.run}, a heap dump or a JVMTI
     * agent) rather than the collector choosing it. By default calls
     * {@link #onLiveHeap(long, long, long, boolean)}.
     *
     * @param epochMillis when the notification was handled
     * @param liveBytes used bytes of the long-lived pools plus the survivor spaces after the collection
     * @param maxBytes the maximum the long-lived pools can grow to, or the heap maximum when theirs is undefined
     * @param reclaimedLongLived whether the collection reclaimed long-lived space
     * @param requested whether the collection was requested rather than chosen by the collector
     */
    default void onLiveHeap(
            long epochMillis, long liveBytes, long maxBytes, boolean reclaimedLongLived, boolean requested) {
        onLiveHeap(epochMillis, liveBytes, maxBytes, reclaimedLongLived);
    }
}
