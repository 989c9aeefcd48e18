package io.heapwatch.benchmarks;

import io.heapwatch.diagnosis.DiagnosisSettings;
import io.heapwatch.diagnosis.LeakDiagnostics;
import io.heapwatch.gc.GcEventTracker;
import io.heapwatch.leak.LeakDetectionSettings;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the leak diagnosis's evidence costs: an allocation-heavy request (a 32 KiB buffer, a map of 64 small entries, a
 * 2 KiB string, and one object in 64 kept in a bounded ring so that some survive) with the {@code jdk.OldObjectSample}
 * recording off and on, exactly as heapwatch starts it ({@link LeakDiagnostics} with {@code HEAPWATCH_DIAGNOSIS=true}).
 * The sampler acts on allocation slow paths (new TLABs, allocations outside them), which this request hits often.
 * {@link #diagnosis} is the cost of taking one diagnosis (dump, read, rank) with the recording on.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 2,
        jvmArgsAppend = {"-Xmx512m"})
@State(Scope.Benchmark)
public class DiagnosisCostBenchmark {

    @Param({"off", "on"})
    public String evidence;

    private GcEventTracker tracker;
    private LeakDiagnostics diagnostics;
    private final Object[] ring = new Object[4096];
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        tracker = new GcEventTracker(Tags.empty());
        LeakDetectionSettings leak = LeakDetectionSettings.defaults();
        diagnostics = new LeakDiagnostics(
                DiagnosisSettings.defaults().withEvidence("on".equals(evidence)).withMinInterval(Duration.ZERO),
                tracker,
                null,
                "bench",
                leak.window(),
                leak.subWindow());
        diagnostics.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        diagnostics.close();
        tracker.close();
    }

    @Benchmark
    public int request() {
        byte[] buffer = new byte[32 * 1024];
        buffer[next & 1023] = 1;
        Map<Integer, String> fields = new HashMap<>();
        for (int i = 0; i < 64; i++) {
            fields.put(i, "v" + i);
        }
        StringBuilder body = new StringBuilder(256);
        while (body.length() < 2048) {
            body.append(fields.get(body.length() & 63));
        }
        String page = body.toString();
        List<Object> kept = new ArrayList<>(2);
        kept.add(page);
        if ((next & 63) == 0) {
            ring[(next >>> 6) & (ring.length - 1)] = kept;
        }
        next++;
        return buffer[0] + fields.size() + page.length();
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 10)
    public Object diagnosis() {
        return diagnostics.take("request");
    }
}
