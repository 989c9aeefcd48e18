package io.heapwatch.sampling;

import io.heapwatch.gc.GcEventTracker;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.jspecify.annotations.Nullable;

/**
 * The JVM's signals, each chosen for its cost on the request path:
 *
 * <ul>
 *   <li>allocated bytes: {@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes()}, which reads the
 *       current thread's own counter (about 20 ns, no lock, no allocation);
 *   <li>heap used: {@code Runtime.totalMemory() - freeMemory()}, which allocates nothing but takes the heap lock
 *       (about 50 ns, more under contention), unlike {@code MemoryMXBean#getHeapMemoryUsage()}, which also allocates;
 *   <li>GC count: the {@link GcEventTracker}'s counter, one volatile read.
 * </ul>
 */
public final class JvmMeasurementSource implements MeasurementSource {

    private final com.sun.management.@Nullable ThreadMXBean threads;
    private final Runtime runtime = Runtime.getRuntime();
    private final GcEventTracker tracker;

    public JvmMeasurementSource(GcEventTracker tracker) {
        this.tracker = tracker;
        this.threads = allocationCounter(ManagementFactory.getThreadMXBean());
    }

    private static com.sun.management.@Nullable ThreadMXBean allocationCounter(ThreadMXBean bean) {
        if (!(bean instanceof com.sun.management.ThreadMXBean)) {
            return null;
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        if (!threads.isThreadAllocatedMemorySupported()) {
            return null;
        }
        if (!threads.isThreadAllocatedMemoryEnabled()) {
            threads.setThreadAllocatedMemoryEnabled(true);
        }
        return threads;
    }

    /** Whether this JVM can count bytes allocated per thread at all. */
    public boolean allocationSupported() {
        return threads != null;
    }

    @Override
    public long currentThreadAllocatedBytes() {
        com.sun.management.ThreadMXBean t = threads;
        return t == null ? UNAVAILABLE : t.getCurrentThreadAllocatedBytes();
    }

    @Override
    public long heapUsedBytes() {
        return runtime.totalMemory() - runtime.freeMemory();
    }

    @Override
    public long gcCount() {
        return tracker.gcCount();
    }
}
