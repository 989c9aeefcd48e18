package io.heapwatch.harness;

/**
 * How harness time maps to real time. The analysis window is compressed from the 30-minute default to 90 seconds
 * with the default 15 sub-windows (6 seconds each instead of 2 minutes): one harness second stands for
 * 20 real seconds. The system property {@code harness.windowSeconds} (a divisor of 1800, default 90)
 * changes the compression, for example 450 for 4&times; (30-second sub-windows); the leak rate scales with it.
 *
 * <p>The reference leak is 1 MB per minute on a 1 GiB heap: 1/1024 of the maximum heap per real minute. On the
 * demo's 256 MiB heap that is 256 KiB per real minute; compressed 20 times it is 256 KiB &times; 20 / 60 s
 * = 85.33 KiB/s = 87,381 bytes/s. Over one 90-second window that adds 7.5 MiB, 2.93% of the maximum heap, exactly
 * as 30 MB per 30 minutes is 2.93% of 1 GiB.
 */
final class Scaling {

    /** Real seconds per harness second. */
    static final int WINDOW_SECONDS = Integer.getInteger("harness.windowSeconds", 90);

    static final int COMPRESSION = 1800 / WINDOW_SECONDS;
    /** The compressed window, as given to {@code HEAPWATCH_LEAK_WINDOW}. */
    static final String WINDOW = WINDOW_SECONDS + "s";

    static final int SUB_WINDOWS = 15;
    static final double SUB_WINDOW_SECONDS = (double) WINDOW_SECONDS / SUB_WINDOWS;
    /** The demo JVM's maximum heap. */
    static final int HEAP_MIB = 256;
    /** Bytes retained per call of the leaking route. */
    static final int LEAK_KIB_PER_CALL = 16;
    /** Retained bytes per second matching 1 MB/min on a 1 GiB heap (see the class comment). */
    static final double LEAK_BYTES_PER_SECOND = HEAP_MIB * 1024.0 / 1024.0 * 1024.0 * COMPRESSION / 60.0;
    /** Calls per second of the leaking route that retain {@link #LEAK_BYTES_PER_SECOND}. */
    static final double LEAK_CALLS_PER_SECOND = LEAK_BYTES_PER_SECOND / (LEAK_KIB_PER_CALL * 1024.0);
    /** Target: a leak is flagged within 15 real minutes. */
    static final double TARGET_FIRST_VERDICT_SECONDS = 15 * 60.0 / COMPRESSION;

    private Scaling() {}
}
