package io.heapwatch.sampling;

/**
 * What the filter reads around each sampled request. The JVM's implementation is {@link JvmMeasurementSource};
 * tests substitute sources that fail or return nonsense.
 */
public interface MeasurementSource {

    /** Returned by {@link #currentThreadAllocatedBytes()} when the signal is unavailable on the current thread. */
    long UNAVAILABLE = -1;

    /** Bytes allocated so far by the calling thread, or {@link #UNAVAILABLE} (as on virtual threads). */
    long currentThreadAllocatedBytes();

    /** Heap bytes in use now, all threads and garbage included. */
    long heapUsedBytes();

    /** A counter that changes whenever a garbage collection has run. */
    long gcCount();
}
