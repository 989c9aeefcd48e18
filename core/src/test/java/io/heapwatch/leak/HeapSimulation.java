package io.heapwatch.leak;

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

    HeapSimulation(LeakDetectionSettings settings, long seed) {
        this.detector = LeakDetector.manual(settings, List.of(), traffic, clock);
        this.random = new Random(seed);
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

    private PerSecond perSecond = (sim, t) -> { };

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

    record Evaluation(long second, LeakAssessment assessment) {
    }
}
