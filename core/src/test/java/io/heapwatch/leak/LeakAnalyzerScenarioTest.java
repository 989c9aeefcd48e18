package io.heapwatch.leak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.heapwatch.leak.HeapSimulation.Evaluation;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** End-to-end verdicts of a manual {@link LeakDetector} on synthetic after-GC series (default settings). */
class LeakAnalyzerScenarioTest {

    private static final long MB = 1L << 20;
    private static final long WINDOW_SECONDS = 30 * 60;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void sawtoothOverAFlatFloorIsNotSuspected(long seed) {
        HeapSimulation sim = new HeapSimulation(seed);
        sim.sawtoothStepBytes = 20 * MB;

        List<Evaluation> evaluations = sim.run(3 * 3600);

        assertThat(evaluations).noneMatch(e -> e.assessment().suspected());
        assertThat(evaluations.get(evaluations.size() - 1).assessment().secondsToExhaustion())
                .isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void linearLeakIsSuspectedWithSlopeAndTimeToExhaustionNearTheTruth() {
        double leakBytesPerSecond = 20 * 1024;
        HeapSimulation sim = new HeapSimulation(7);
        sim.baseline = t -> 100 * MB + leakBytesPerSecond * t;

        List<Evaluation> evaluations = sim.run(2 * 3600);

        List<Evaluation> afterFirstWindow = evaluations.stream()
                .filter(e -> e.second() > WINDOW_SECONDS + 120).toList();
        assertThat(afterFirstWindow).allMatch(e -> e.assessment().suspected());
        for (Evaluation e : afterFirstWindow) {
            LeakAssessment a = e.assessment();
            assertThat(a.growthBytesPerSecond()).isCloseTo(leakBytesPerSecond, within(0.10 * leakBytesPerSecond));
            double truth = (HeapSimulation.MAX_BYTES - (100 * MB + leakBytesPerSecond * e.second()))
                    / leakBytesPerSecond;
            assertThat(a.secondsToExhaustion()).isCloseTo(truth, within(0.25 * truth));
            assertThat(a.pValue()).isLessThan(0.01);
            assertThat(a.floorsUsed()).isEqualTo(15);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18})
    void cacheWarmUpThatPlateausIsNeverSuspectedOnceThePlateauFillsTheWindow(long seed) {
        long plateauAt = 20 * 60;
        HeapSimulation sim = new HeapSimulation(seed);
        sim.baseline = t -> 100 * MB + 80.0 * MB * Math.min(t, plateauAt) / plateauAt;

        List<Evaluation> evaluations = sim.run(3 * 3600);

        // while the cache fills, its rise is indistinguishable from a leak
        assertThat(evaluations.stream().filter(e -> e.second() <= plateauAt))
                .anyMatch(e -> e.assessment().suspected());
        assertThat(evaluations.stream().filter(e -> e.second() >= plateauAt + WINDOW_SECONDS))
                .noneMatch(e -> e.assessment().suspected());
        // the recent-trend rule clears it earlier: once the plateau fills the recent two thirds of the window
        assertThat(evaluations.stream()
                .filter(e -> e.second() >= plateauAt + 2 * WINDOW_SECONDS / 3 + 120))
                .noneMatch(e -> e.assessment().suspected());
    }

    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23})
    void oneStepThenFlatIsSuspectedAtMostWhileTheStepIsInTheMiddleOfTheWindow(long seed) {
        long stepAt = 3600;
        HeapSimulation sim = new HeapSimulation(seed);
        sim.baseline = t -> t < stepAt ? 100 * MB : 140 * MB;

        List<Evaluation> evaluations = sim.run(3 * 3600);

        assertThat(evaluations.stream().filter(e -> e.second() < stepAt + WINDOW_SECONDS / 3))
                .noneMatch(e -> e.assessment().suspected());
        assertThat(evaluations.stream().filter(e -> e.second() > stepAt + 2 * WINDOW_SECONDS / 3 + 120))
                .noneMatch(e -> e.assessment().suspected());
        // documented: a one-off step may be flagged for a few minutes, never for long
        assertThat(evaluations.stream().filter(e -> e.assessment().suspected()).count()).isLessThanOrEqualTo(3);
    }

    @Test
    void noiseIsNotSuspectedForAnySeed() {
        for (long seed = 100; seed < 140; seed++) {
            HeapSimulation sim = new HeapSimulation(seed);
            sim.noiseBytes = 8 * MB;
            sim.sawtoothStepBytes = 6 * MB;

            List<Evaluation> evaluations = sim.run(2 * 3600);

            long s = seed;
            assertThat(evaluations).as("seed %d", s).noneMatch(e -> e.assessment().suspected());
        }
    }

    @Test
    void garbageChurnWithFrequentCollectionsIsNotSuspected() {
        for (long seed = 200; seed < 210; seed++) {
            HeapSimulation sim = new HeapSimulation(seed);
            sim.gcEverySeconds = 1;
            sim.sawtoothStepBytes = 25 * MB;
            sim.youngGcsPerMixed = 8;
            sim.noiseBytes = 30 * MB;

            List<Evaluation> evaluations = sim.run(2 * 3600);

            long s = seed;
            assertThat(evaluations).as("seed %d", s).noneMatch(e -> e.assessment().suspected());
        }
    }

    @Test
    void slowGrowthBelowTheMinimumFractionOfMaxIsNotSuspected() {
        HeapSimulation sim = new HeapSimulation(31);
        sim.noiseBytes = 0;
        // 1% of 512 MB per 30 minutes: significant but below the 2% minimum
        sim.baseline = t -> 100 * MB + 0.01 * HeapSimulation.MAX_BYTES * t / WINDOW_SECONDS;

        List<Evaluation> evaluations = sim.run(2 * 3600);

        assertThat(evaluations).noneMatch(e -> e.assessment().suspected());
        LeakAssessment last = evaluations.get(evaluations.size() - 1).assessment();
        assertThat(last.pValue()).isLessThan(0.01);
        assertThat(last.reason()).contains("below");
    }

    @Test
    void tooFewFloorsGiveNoVerdict() {
        HeapSimulation sim = new HeapSimulation(41);
        sim.baseline = t -> 100 * MB + 200.0 * 1024 * t;

        List<Evaluation> evaluations = sim.run(5 * 120);

        assertThat(evaluations).noneMatch(e -> e.assessment().suspected());
        assertThat(evaluations.get(evaluations.size() - 1).assessment().reason()).contains("only 5 of the 6");
    }
}
