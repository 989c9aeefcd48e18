package io.heapwatch.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Without a growth, an entry whose surviving samples are all young ranks after one with an older sample: a bounded
 * cache keeps only its recent entries alive, a leak keeps survivors of every age.
 */
class YoungSurvivorRankingTest {

    static final DiagnosisSettings SETTINGS = HistogramRankingTest.SETTINGS;
    static final long YOUNG_FROM = 90_000;

    static ObjectSample sample(String type, long allocatedAt, String appClass, String method) {
        return new ObjectSample(
                type, -1, allocatedAt, 1000, -1, "worker", List.of(appClass + "." + method + ":42"), List.of(appClass));
    }

    /** A bounded cache's 12 young samples, and a leak's 4 samples of which one is older than the young part. */
    static List<ObjectSample> samples() {
        List<ObjectSample> samples = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            samples.add(sample("com.example.Cache$Entry", YOUNG_FROM + 100 * i, "com.example.Cache", "put"));
        }
        samples.add(sample("com.example.Sessions$Session", 20_000, "com.example.Sessions", "remember"));
        for (int i = 0; i < 3; i++) {
            samples.add(
                    sample("com.example.Sessions$Session", YOUNG_FROM + 50 * i, "com.example.Sessions", "remember"));
        }
        return samples;
    }

    @Test
    void anEntryWithAnOldSurvivorRanksBeforeOneWhoseSurvivorsAreAllYoung() {
        List<LeakingType> types = Ranking.rank(samples(), SETTINGS, Double.NaN, null, List.of(), YOUNG_FROM);

        assertThat(types)
                .extracting(LeakingType::type)
                .containsExactly("com.example.Sessions$Session", "com.example.Cache$Entry");
        assertThat(types.get(0).samples()).isEqualTo(4);
    }

    @Test
    void withoutTheAgeTierTheEntryWithMoreSamplesRanksFirst() {
        List<LeakingType> types = Ranking.rank(samples(), SETTINGS, Double.NaN, null, List.of(), Long.MIN_VALUE);

        assertThat(types.get(0).type()).isEqualTo("com.example.Cache$Entry");
    }

    @Test
    void aGrowthRanksWithoutTheAgeTier() {
        List<ClassHistogram.Growth> growth = List.of(
                new ClassHistogram.Growth("com.example.Cache$Entry", 0, 0, 5_000, 400_000),
                new ClassHistogram.Growth("com.example.Sessions$Session", 0, 0, 10, 400));

        List<LeakingType> types = Ranking.rank(samples(), SETTINGS, Double.NaN, growth, List.of(), YOUNG_FROM);

        assertThat(types.get(0).type()).isEqualTo("com.example.Cache$Entry");
    }

    @Test
    void aSampleAllocatedExactlyAtTheYoungBoundIsYoung() {
        List<ObjectSample> samples = new ArrayList<>();
        samples.add(sample("com.example.Cache$Entry", YOUNG_FROM, "com.example.Cache", "put"));
        samples.add(sample("com.example.Cache$Entry", YOUNG_FROM + 1, "com.example.Cache", "put"));
        samples.add(sample("com.example.Sessions$Session", YOUNG_FROM - 1, "com.example.Sessions", "remember"));

        List<LeakingType> types = Ranking.rank(samples, SETTINGS, Double.NaN, null, List.of(), YOUNG_FROM);

        assertThat(types.get(0).type()).isEqualTo("com.example.Sessions$Session");
    }

    @Test
    void aDiagnosisRanksTheYoungSamplesWithoutAGrowthAndLeavesThemOutWithOne() {
        List<ObjectSample> all = new ArrayList<>(samples());
        all.add(sample("com.example.Sessions$Session", 5_000, "com.example.Sessions", "remember")); // before the window
        all.add(sample("com.example.Cache$Entry", 99_500, "com.example.Cache", "put")); // not yet survived two GCs

        LeakDiagnostics.Ranked without =
                LeakDiagnostics.rank(all, 10_000, 99_000, YOUNG_FROM, SETTINGS, Double.NaN, null, List.of());

        assertThat(without.samples()).hasSize(16);
        assertThat(without.types())
                .extracting(LeakingType::type)
                .containsExactly("com.example.Sessions$Session", "com.example.Cache$Entry");
        assertThat(without.types().get(1).samples()).isEqualTo(12);

        List<ClassHistogram.Growth> growth = List.of(
                new ClassHistogram.Growth("com.example.Cache$Entry", 0, 0, 5_000, 400_000),
                new ClassHistogram.Growth("com.example.Sessions$Session", 0, 0, 10, 400));
        LeakDiagnostics.Ranked with =
                LeakDiagnostics.rank(all, 10_000, 99_000, YOUNG_FROM, SETTINGS, Double.NaN, growth, List.of());

        assertThat(with.samples()).hasSize(1);
        assertThat(with.types()).extracting(LeakingType::type).containsExactly("com.example.Sessions$Session");
    }

    @Test
    void anApplicationEntryWhoseSamplesAreAllYoungStillRanksBeforeAnOldLibraryOne() {
        List<ObjectSample> samples = new ArrayList<>();
        samples.add(new ObjectSample(
                "char[]",
                64,
                1_000,
                1000,
                -1,
                "main",
                List.of("org.eclipse.jetty.util.ArrayTrie.<init>:188"),
                List.of("org.eclipse.jetty.util.ArrayTrie")));
        samples.add(sample("com.example.Cache$Entry", YOUNG_FROM + 10, "com.example.Cache", "put"));

        List<LeakingType> types = Ranking.rank(samples, SETTINGS, Double.NaN, null, List.of(), YOUNG_FROM);

        assertThat(types).extracting(LeakingType::type).containsExactly("com.example.Cache$Entry", "char[]");
    }
}
