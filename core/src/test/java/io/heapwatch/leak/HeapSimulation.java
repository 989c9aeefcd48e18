package io.heapwatch.leak;

import io.micrometer.core.instrument.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/**
 * Drives a manual {@link LeakDetector} with a synthetic after-GC series: a baseline (the truly retained bytes, a
 * function of seconds since the start) plus a G1-like sawtooth of promoted garbage that young GCs pile up and a
 * mixed GC clears, plus uniform noise. Time advances one second per step, a GC happens every
 * {@code gcEverySeconds}, and the detector is evaluated every {@code evaluateEverySeconds}.
 */
final class HeapSimulation {

    static final long MAX_BYTES = 512L << 20;
    static final long START_MILLIS = 1_700_000_040_000L;

    final MutableClock clock = new MutableClock(START_MILLIS);
    final CumulativeTraffic traffic = new CumulativeTraffic();
    final LeakDetector detector;
    final Random random;
    DoubleUnaryOperator baseline = t -> 100L << 20;
    long sawtoothStepBytes = 4L << 20;
    int youngGcsPerMixed = 10;
    long noiseBytes = 1L << 20;
    int gcEverySeconds = 5;
    int evaluateEverySeconds = 120;
    private int gcs;
    private long seconds;

    HeapSimulation(LeakDetectionSettings settings, long seed, Iterable<Tag> tags) {
        this.detector = LeakDetector.manual(settings, tags, traffic, clock);
        this.random = new Random(seed);
    }

    HeapSimulation(LeakDetectionSettings settings, long seed) {
        this(settings, seed, List.of());
    }

    /**
     * Three routes whose request rates change every sub-window, independently or in fixed proportions;
     * {@code POST /cart} retains 1 KiB per request, the others nothing.
     */
    static HeapSimulation threeRoutesLeakingCart(long seed, boolean proportional, Iterable<Tag> tags) {
        HeapSimulation sim = new HeapSimulation(LeakDetectionSettings.defaults(), seed, tags);
        sim.noiseBytes = 64 * 1024;
        double[] retained = {0.0};
        double[] rates = new double[3];
        Random mix = new Random(seed * 31);
        sim.baseline = t -> (100L << 20) + retained[0];
        return sim.withPerSecond((s, second) -> {
            if (second % 120 == 0) {
                double total = 30 + mix.nextDouble() * 60;
                for (int r = 0; r < 3; r++) {
                    rates[r] = proportional ? total * (r + 1) / 6.0 : 4 + mix.nextDouble() * 21;
                }
            }
            s.traffic.add("/cart", "POST", rates[0]);
            s.traffic.add("/products", "GET", rates[1]);
            s.traffic.add("/search", "GET", rates[2]);
            retained[0] += 1024 * rates[0];
        });
    }

    HeapSimulation(long seed) {
        this(LeakDetectionSettings.defaults(), seed);
    }

    long seconds() {
        return seconds;
    }

    /** Runs for {@code durationSeconds}, calling {@code perSecond} before each second; returns each evaluation. */
    List<Evaluation> run(long durationSeconds, PerSecond perSecond) {
        List<Evaluation> evaluations = new ArrayList<>();
        for (long i = 0; i < durationSeconds; i++) {
            perSecond.step(this, seconds);
            clock.advance(1000);
            seconds++;
            if (seconds % gcEverySeconds == 0) {
                gc();
            }
            if (seconds % evaluateEverySeconds == 0) {
                evaluations.add(new Evaluation(seconds, detector.evaluate()));
            }
        }
        return evaluations;
    }

    private PerSecond perSecond = (sim, t) -> {};

    HeapSimulation withPerSecond(PerSecond perSecond) {
        this.perSecond = perSecond;
        return this;
    }

    List<Evaluation> run(long durationSeconds) {
        return run(durationSeconds, perSecond);
    }

    private void gc() {
        gcs++;
        long retained = (long) baseline.applyAsDouble(seconds);
        long promoted = sawtoothStepBytes * (gcs % youngGcsPerMixed);
        long noise = noiseBytes == 0 ? 0 : (long) ((random.nextDouble() * 2 - 1) * noiseBytes);
        detector.onLiveHeap(clock.millis(), Math.max(0, retained + promoted + noise), MAX_BYTES);
    }

    @FunctionalInterface
    interface PerSecond {
        void step(HeapSimulation simulation, long second);
    }

    record Evaluation(long second, LeakAssessment assessment) {}
}
