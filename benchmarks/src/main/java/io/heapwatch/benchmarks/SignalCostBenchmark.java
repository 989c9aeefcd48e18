package io.heapwatch.benchmarks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The parts a sampled request pays for, one by one, to explain the filter's total: each JVM signal read, and each
 * Micrometer record into a Prometheus meter shaped like heapwatch's (a counter; a distribution summary with the
 * contract's nine byte buckets). The {@code _2threads} variants run the same call on two threads at once, on one
 * shared meter, to show which parts contend.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class SignalCostBenchmark {

    private static final double[] BYTE_BUCKETS = {
        4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864, 268435456
    };

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final Runtime runtime = Runtime.getRuntime();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private PrometheusMeterRegistry registry;
    private Counter counter;
    private DistributionSummary summary;
    private long value;

    @Setup(Level.Trial)
    public void setUp() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        counter = Counter.builder("bench.counter")
                .tags("uri", "/api/items/{id}", "method", "GET")
                .register(registry);
        summary = DistributionSummary.builder("bench.summary")
                .tags("uri", "/api/items/{id}", "method", "GET")
                .baseUnit("bytes")
                .serviceLevelObjectives(BYTE_BUCKETS)
                .register(registry);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        registry.close();
    }

    @Benchmark
    public long threadAllocatedBytes() {
        return threads.getCurrentThreadAllocatedBytes();
    }

    @Benchmark
    @Threads(2)
    public long threadAllocatedBytes_2threads() {
        return threads.getCurrentThreadAllocatedBytes();
    }

    @Benchmark
    public long runtimeTotalMinusFree() {
        return runtime.totalMemory() - runtime.freeMemory();
    }

    @Benchmark
    @Threads(2)
    public long runtimeTotalMinusFree_2threads() {
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /**
     * The JVM reads a sampled request makes with the default signals and nothing else: allocated bytes and heap used,
     * each before and after. No implementation of those signals can cost less than this.
     */
    @Benchmark
    public long defaultSignalReads() {
        return readBoth();
    }

    @Benchmark
    @Threads(2)
    public long defaultSignalReads_2threads() {
        return readBoth();
    }

    /** The JVM reads of the allocation signal alone: allocated bytes before and after. */
    @Benchmark
    public long allocationSignalReads() {
        return threads.getCurrentThreadAllocatedBytes() + threads.getCurrentThreadAllocatedBytes();
    }

    @Benchmark
    @Threads(2)
    public long allocationSignalReads_2threads() {
        return threads.getCurrentThreadAllocatedBytes() + threads.getCurrentThreadAllocatedBytes();
    }

    private long readBoth() {
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        long heapBefore = runtime.totalMemory() - runtime.freeMemory();
        long heapAfter = runtime.totalMemory() - runtime.freeMemory();
        long allocatedAfter = threads.getCurrentThreadAllocatedBytes();
        return (allocatedAfter - allocatedBefore) + (heapAfter - heapBefore);
    }

    @Benchmark
    public long memoryMXBeanHeapUsed() {
        return memory.getHeapMemoryUsage().getUsed();
    }

    @Benchmark
    @Threads(2)
    public long memoryMXBeanHeapUsed_2threads() {
        return memory.getHeapMemoryUsage().getUsed();
    }

    @Benchmark
    public void counterIncrement() {
        counter.increment();
    }

    @Benchmark
    @Threads(2)
    public void counterIncrement_2threads() {
        counter.increment();
    }

    @Benchmark
    public void summaryRecord() {
        // Varies the value so the bucket search is not constant-folded: 1 KiB to 1 MiB.
        long v = value;
        value = v + 1;
        summary.record(1024L << (v & 10));
    }

    @Benchmark
    @Threads(2)
    public void summaryRecord_2threads() {
        summary.record(1024L << (Thread.currentThread().getId() & 10));
    }
}
