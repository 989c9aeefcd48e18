package io.heapwatch.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplayTest {

    private static final long START = 1_795_000_002_000L;

    @TempDir
    Path dir;

    @Test
    void readsTheRunFactsTheCompletionsAndTheHeapAfterEachCollection() throws IOException {
        Path traffic = write(List.of("leak", "items"), new long[] {START + 10, START + 5}, List.of(), 12);

        Recording rec = Recording.read(traffic);

        assertThat(rec.scenario()).isEqualTo("leak");
        assertThat(rec.run()).isEqualTo(1);
        assertThat(rec.seconds()).isEqualTo(150);
        assertThat(rec.startMillis()).isEqualTo(START);
        assertThat(rec.fact("leakCalls")).isEqualTo(12);
        assertThat(rec.requests()).extracting(Recording.Completion::label).containsExactly("items", "leak");
        assertThat(rec.gcs()).isEmpty();
    }

    @Test
    void replayFlagsARecordedLeakAndRanksItsRoute() throws IOException {
        // a route retaining 16 KiB per call at a rate that changes every 6 s, another that retains nothing,
        // and a young collection every 2 s that sees the retained bytes plus 64 KiB of noise
        Random random = new Random(3);
        List<String> labels = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        List<long[]> gcs = new ArrayList<>();
        long retained = 8L << 20;
        double leakRate = 5;
        double itemsRate = 15;
        for (int second = 0; second < 150; second++) {
            if (second % 6 == 0) {
                leakRate = 2 + random.nextDouble() * 6;
                itemsRate = 5 + random.nextDouble() * 20;
            }
            for (int i = 0; i < Math.round(leakRate); i++) {
                labels.add("leak");
                times.add(START + second * 1000L + i * 100L);
                retained += 16 * 1024;
            }
            for (int i = 0; i < Math.round(itemsRate); i++) {
                labels.add("items");
                times.add(START + second * 1000L + i * 50L);
            }
            if (second % 2 == 1) {
                gcs.add(new long[] {START + second * 1000L + 999, retained + random.nextInt(64 * 1024)});
            }
        }
        long[] at = times.stream().mapToLong(Long::longValue).toArray();
        Path traffic = write(labels, at, gcs, 0);

        RunResult result = Replay.replay(Recording.read(traffic), false);

        assertThat(result.firstVerdictSeconds()).isLessThan(60);
        assertThat(result.leakRankedFirst()).as(result.topRoute()).isTrue();
        assertThat(result.medianSlopeError()).isBetween(-0.5, 0.5);
    }

    @Test
    void decompositionSeparatesGrowthBesidesTheLeakFromTheLeaksOwnRate() throws IOException {
        // the leak at exactly its mean rate (16 calls every 3 s), and besides it a creep of a fifth of that rate,
        // seen by a young collection every 2 s with no other noise
        double creep = Scaling.LEAK_BYTES_PER_SECOND / 5;
        List<String> labels = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        List<long[]> gcs = new ArrayList<>();
        long leaked = 0;
        for (int second = 0; second < 150; second++) {
            int calls = second % 3 == 2 ? 6 : 5;
            for (int i = 0; i < calls; i++) {
                labels.add("leak");
                times.add(START + second * 1000L + i * 150L);
                leaked += Scaling.LEAK_KIB_PER_CALL * 1024L;
            }
            if (second % 2 == 1) {
                gcs.add(new long[] {START + second * 1000L + 999, (8L << 20) + leaked + Math.round(creep * second)});
            }
        }
        long[] at = times.stream().mapToLong(Long::longValue).toArray();
        List<Replay.TteDecomposition> verdicts = new ArrayList<>();

        Replay.replay(Recording.read(write(labels, at, gcs, labels.size())), false, verdicts);

        assertThat(verdicts).hasSize(Replay.DECOMPOSED_EVALUATIONS);
        for (Replay.TteDecomposition d : verdicts) {
            assertThat(d.leakRateDeviation()).as(d.toString()).isBetween(-0.03, 0.03);
            assertThat(d.perfectFloorError()).as(d.toString()).isBetween(-0.03, 0.03);
            assertThat(d.otherGrowth()).as(d.toString()).isBetween(0.17, 0.23);
            assertThat(d.tteError()).as(d.toString()).isBetween(-0.20, -0.13);
        }
    }

    /**
     * The committed recordings of four live 20× schedules (seeds 42, 11, 7 and 13: 16 leak runs, 24 runs that must
     * never be flagged), replayed through this build's analysis: a change to the verdict that brings back a false
     * verdict after a cache warm-up, or delays a leak past the 45 s target, fails here on the real GC logs.
     */
    @ParameterizedTest
    @ValueSource(strings = {"results", "results/seed-11", "results/seed-7", "results/seed-13"})
    void recordedSchedulesReplayWithNoFalseVerdictAndEveryLeakFlaggedInTime(String schedule) throws Exception {
        for (RunResult result : replaySchedule(schedule)) {
            String run = result.scenario.name() + " " + result.run + " " + result.timeline();
            if (result.scenario.kind() == Scenario.Kind.LEAK) {
                assertThat(result.firstVerdictSeconds()).as(run).isLessThanOrEqualTo(45);
            } else {
                assertThat(result.falseVerdictSamples()).as(run).isZero();
            }
        }
    }

    /**
     * The committed recordings of the primed 20× schedules (seeds 7 and 13, the load variations of the unprimed
     * ones above, and seed 21): no false verdict, every leak flagged within 45 s and attributed to its route, and
     * time to exhaustion within ±25% in every flagged scrape after the first two evaluations that follow a first
     * verdict. Those two are where the few misses of the primed schedules are (seed 21: two of four leak runs,
     * −27% and −30%).
     */
    @ParameterizedTest
    @ValueSource(strings = {"results/primed-seed-7", "results/primed-seed-13", "results/primed-seed-21"})
    void primedSchedulesReplayWithEveryTargetMetAfterTheFirstTwoEvaluations(String schedule) throws Exception {
        for (RunResult result : replaySchedule(schedule)) {
            String run = result.scenario.name() + " " + result.run + " " + result.timeline();
            if (result.scenario.kind() != Scenario.Kind.LEAK) {
                assertThat(result.falseVerdictSamples()).as(run).isZero();
                continue;
            }
            double first = result.firstVerdictSeconds();
            assertThat(first).as(run).isLessThanOrEqualTo(45);
            assertThat(result.leakRankedFirst())
                    .as(run + " " + result.topRoute())
                    .isTrue();
            for (Sample s : result.samples) {
                if (s.flagged() && s.t() >= first + 2 * Scaling.SUB_WINDOW_SECONDS) {
                    assertThat(Math.abs(result.tteError(s)))
                            .as("%s: time-to-exhaustion error at %.0f s", run, s.t())
                            .isLessThanOrEqualTo(0.25);
                }
            }
        }
    }

    /**
     * The committed recording of the seed 21 schedule run with marking cycles ({@code --marking}): every target is
     * met, time to exhaustion within ±25% in every flagged scrape from the first verdict on.
     */
    @Test
    void markingScheduleReplaysWithEveryTargetMet() throws Exception {
        for (RunResult result : replaySchedule("results/marking-seed-21")) {
            String run = result.scenario.name() + " " + result.run + " " + result.timeline();
            if (result.scenario.kind() != Scenario.Kind.LEAK) {
                assertThat(result.falseVerdictSamples()).as(run).isZero();
                continue;
            }
            assertThat(result.firstVerdictSeconds()).as(run).isLessThanOrEqualTo(45);
            assertThat(result.leakRankedFirst())
                    .as(run + " " + result.topRoute())
                    .isTrue();
            for (Sample s : result.samples) {
                if (s.flagged()) {
                    assertThat(Math.abs(result.tteError(s)))
                            .as("%s: time-to-exhaustion error at %.0f s", run, s.t())
                            .isLessThanOrEqualTo(0.25);
                }
            }
        }
    }

    /**
     * The same load variations (seed 21) with and without marking cycles: in the first evaluations of each
     * suspicion, most of the growth besides the leak is what a marking cycle reclaims, promoted objects that have
     * died. Without cycles it reached 28% of the leak's rate; with them it stays below 15%.
     */
    @Test
    void markingCyclesRemoveMostOfTheGrowthBesidesTheLeak() throws Exception {
        List<Replay.TteDecomposition> without = new ArrayList<>();
        replaySchedule("results/primed-seed-21", without);
        List<Replay.TteDecomposition> with = new ArrayList<>();
        replaySchedule("results/marking-seed-21", with);

        assertThat(without).hasSize(4 * Replay.DECOMPOSED_EVALUATIONS);
        assertThat(with).hasSize(4 * Replay.DECOMPOSED_EVALUATIONS);
        assertThat(with)
                .allSatisfy(d -> assertThat(d.otherGrowth()).as(d.toString()).isLessThan(0.15));
        assertThat(without).anySatisfy(d -> assertThat(d.otherGrowth()).isGreaterThanOrEqualTo(0.15));
    }

    /** Unpacks {@code schedule/recording.tar.xz} (ten runs) and replays every run through this build. */
    private List<RunResult> replaySchedule(String schedule) throws Exception {
        return replaySchedule(schedule, null);
    }

    /**
     * Unpacks {@code schedule/recording.tar.xz} (ten runs) and replays every run through this build, adding the
     * decompositions of the leak runs' first evaluations to {@code verdicts} when it is not null.
     */
    private List<RunResult> replaySchedule(String schedule, @Nullable List<Replay.TteDecomposition> verdicts)
            throws Exception {
        Path recording = Path.of(schedule, "recording.tar.xz");
        assertThat(recording).exists();
        Path into = Files.createDirectories(dir.resolve(Path.of(schedule).getFileName()));
        Process tar = new ProcessBuilder("tar", "-xJf", recording.toString(), "-C", into.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor()).as("tar: %s", output).isZero();
        List<Path> runs;
        try (Stream<Path> files = Files.list(into)) {
            runs = files.filter(f -> f.toString().endsWith(".traffic.csv"))
                    .sorted()
                    .toList();
        }
        assertThat(runs).hasSize(10);
        List<RunResult> results = new ArrayList<>();
        for (Path traffic : runs) {
            results.add(Replay.replay(Recording.read(traffic), false, verdicts));
        }
        return results;
    }

    private Path write(List<String> labels, long[] times, List<long[]> gcs, int leakCalls) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# scenario=leak run=1 seconds=150 startMillis=" + START + " fillSeconds=NaN requests="
                + labels.size() + " failed=0 dropped=0 leakCalls=" + leakCalls + " scrapeFailures=0 window=90s");
        for (int i = 0; i < labels.size(); i++) {
            lines.add(times[i] + "," + labels.get(i));
        }
        Path traffic = dir.resolve("leak-1.traffic.csv");
        Files.write(traffic, lines);
        List<String> gc = new ArrayList<>();
        gc.add("[" + (START - 5000) + "ms][gc     ] Using G1");
        for (int i = 0; i < gcs.size(); i++) {
            gc.add("[" + gcs.get(i)[0] + "ms][gc,heap] GC(" + i + ") Heap after GC invocations=" + (i + 1)
                    + " (full 0):");
            gc.add("[" + gcs.get(i)[0] + "ms][gc,heap] GC(" + i + ")  garbage-first heap   total 262144K, used "
                    + gcs.get(i)[1] / 1024 + "K [0x00000000f0000000, 0x0000000100000000)");
        }
        Files.write(dir.resolve("leak-1.log.gc"), gc);
        return traffic;
    }
}
