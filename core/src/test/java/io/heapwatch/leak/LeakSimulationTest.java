package io.heapwatch.leak;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapwatch.leak.LeakSimulation.Observer;
import io.heapwatch.leak.LeakSimulation.Result;
import io.heapwatch.leak.LeakSimulation.Scenario;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The probes as tests, on the simulation path with production GC models (a few held-out seeds each; the
 * full table comes from {@link LeakEvaluation}). Where a target is not met, some tests pin a bound at the figure
 * measured on their seeds (the TTL store's first days, the fast leak, the time to exhaustion); the other missed
 * figures (0.1 MB/min within 24 h, 1 MB/min within 15 min, the route named before half a fast leak's life) are
 * only in the table, since pinning them takes more runs than CI can spend.
 */
class LeakSimulationTest {

    private static final long SEED = LeakEvaluation.HELD_OUT_SEED_BASE;

    @BeforeAll
    static void quiet() {
        System.setProperty("org.slf4j.simpleLogger.log.io.heapwatch.leak.LeakDetector", "off");
    }

    private static Scenario scenario(String name) {
        return LeakSimulation.scenarios().stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static List<Result> runs(Scenario scenario, int runs) {
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            results.add(LeakSimulation.run(scenario, SEED + i));
        }
        return results;
    }

    private static double unconfirmedHoursPerDay(List<Result> results) {
        long evaluations = results.stream().mapToLong(Result::evaluations).sum();
        long unconfirmed =
                results.stream().mapToLong(Result::unconfirmedEvaluations).sum();
        return 24.0 * unconfirmed / evaluations;
    }

    @Test
    void deadPromotionIsNeverConfirmed() {
        List<Result> results = runs(scenario("dead promotion"), 4);
        assertThat(results).allSatisfy(r -> assertThat(r.confirmedEvaluations()).isZero());
        // the first tooth after each start is left to the first concurrent cycle (unprovenReach)
        assertThat(unconfirmedHoursPerDay(results)).isLessThan(1.0);
    }

    @Test
    void ttlSessionStoreUnderADailyRampIsConfirmedOnlyInItsFirstDays() {
        // the morning ramps of the first days after a start are a rising live set with too little behind them to show
        // it falls again (10 held-out runs of 7 days: 57, 61, then 0 confirmed evaluations by day); from the third
        // day on, never
        Scenario threeDays = scenario("TTL sessions, daily ramp").hours(72);
        long confirmedLater = 0;
        long confirmedFirstDays = 0;
        long unconfirmed = 0;
        long evaluations = 0;
        for (int i = 0; i < 4; i++) {
            long[] later = {0};
            Result r = LeakSimulation.run(threeDays, SEED + i, LeakDetectionSettings.defaults(), new Observer() {
                @Override
                public void evaluated(double seconds, LeakAssessment a) {
                    if (seconds >= 2 * 86_400 && a.state() == LeakAssessment.State.CONFIRMED) {
                        later[0]++;
                    }
                }
            });
            confirmedLater += later[0];
            confirmedFirstDays += r.confirmedEvaluations() - later[0];
            unconfirmed += r.unconfirmedEvaluations();
            evaluations += r.evaluations();
        }
        assertThat(confirmedLater).isZero();
        // target missed: 0; measured 116 confirmed evaluations in the first two days of these four runs (2026-12-04),
        // pinned so that it cannot grow unnoticed
        assertThat(confirmedFirstDays).isLessThanOrEqualTo(116);
        assertThat(24.0 * unconfirmed / evaluations).isLessThan(1.0);
    }

    @Test
    void teethThatCollectionsBroughtDownExplainTheRiseOfGarbageAndOfAWarmingCache() {
        for (String name : List.of("garbage-heavy", "cache warm-up")) {
            List<Result> results = runs(scenario(name), 3);
            assertThat(results)
                    .allSatisfy(r -> assertThat(r.confirmedEvaluations()).isZero());
            assertThat(unconfirmedHoursPerDay(results)).as(name).isLessThan(1.0);
        }
    }

    @Test
    void steadyUnderParallelIsNeverConfirmed() {
        List<Result> results = runs(scenario("steady under Parallel"), 3);
        assertThat(results).allSatisfy(r -> assertThat(r.confirmedEvaluations()).isZero());
        // the first full collection comes only when the old generation is full: the last hour of the first tooth
        // fills the heap within unprovenReach (docs/leak-detection.md)
        assertThat(unconfirmedHoursPerDay(results)).isLessThan(1.0);
    }

    @Test
    void steadyServiceHasNoVerdictAtAll() {
        List<Result> results = runs(scenario("steady"), 3);
        assertThat(results).allSatisfy(r -> assertThat(r.confirmedEvaluations() + r.unconfirmedEvaluations())
                .isZero());
    }

    @Test
    void slowLeaksAreSeenOnTheLongHorizons() {
        for (Result r : runs(scenario("slow leak 0.5 MB/min").hours(6.1), 5)) {
            assertThat(r.firstFlagSeconds()).as("0.5 MB/min, seed %d", r.seed()).isLessThanOrEqualTo(6 * 3600);
        }
        for (Result r : runs(scenario("slow leak 0.1 MB/min").hours(24.1), 3)) {
            assertThat(r.firstFlagSeconds()).as("0.1 MB/min, seed %d", r.seed()).isLessThanOrEqualTo(24 * 3600);
        }
    }

    @Test
    void aFastLeakIsFlaggedEarlyInItsLife() {
        List<Result> results = runs(scenario("fast leak 16 MB/min, 512 MiB"), 10);
        long early = results.stream()
                .filter(r -> r.firstFlagSeconds() <= r.exhaustionSecondsAtStart() / 3)
                .count();
        // target: all; measured 96% [90, 98] of 100 held-out runs
        assertThat(early).isGreaterThanOrEqualTo(9);
    }

    @Test
    void aConfirmedTimeToExhaustionFollowsTheLiveSet() {
        // target: within ±25% in 95% of confirmed evaluations; measured 88.5% of 16 318 on 100 held-out runs, 45%
        // with the least-squares line through the live-set points instead of their lower envelope
        List<Result> results = runs(scenario("slow leak 0.5 MB/min"), 10);
        long scored = results.stream().mapToLong(Result::tteScored).sum();
        long within = results.stream().mapToLong(Result::tteWithin25).sum();
        assertThat(scored).isGreaterThan(1000);
        assertThat((double) within / scored).isGreaterThanOrEqualTo(0.7);
    }

    @Test
    void collinearRoutesAreRefusedRatherThanMisnamed() {
        List<Result> results = runs(scenario("two routes together").hours(8), 5);
        long wrong = results.stream().mapToLong(Result::attributedWrong).sum();
        long flagged = results.stream()
                .mapToLong(r -> r.attributedCorrect() + r.attributedWrong() + r.refused())
                .sum();
        assertThat(flagged).isPositive();
        assertThat((double) wrong / flagged).isLessThanOrEqualTo(0.05);
    }

    @Test
    void aLeakUnderParallelIsFlaggedBeforeItIsExhausted() {
        // 1 MB/min: the old generation holds the live set in about 7 hours; nothing can tell the leak from dead
        // objects before the first full collection, so it is flagged late (median 4.3 h of 100 held-out runs)
        for (Result r : runs(scenario("leak under Parallel"), 10)) {
            assertThat(r.firstFlagSeconds()).as("seed %d", r.seed()).isLessThan(r.exhaustionSecondsAtStart());
        }
    }
}
