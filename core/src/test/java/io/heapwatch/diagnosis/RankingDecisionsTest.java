package io.heapwatch.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bounds and sums of a ranking: the window, the number of types and stacks, the shares and the bytes. */
class RankingDecisionsTest {

    /** Two types, one stack each, application code under {@code com.example}. */
    static final DiagnosisSettings TWO_TYPES = new DiagnosisSettings(
            true,
            Duration.ofSeconds(30),
            Duration.ofSeconds(60),
            Duration.ofSeconds(2),
            DiagnosisSettings.DEFAULT_WRITE_INTERVAL,
            16L << 20,
            2,
            1,
            List.of("com.example"),
            false,
            false,
            false);

    static ObjectSample sample(String type, long elements, long allocated, String... frames) {
        List<String> classes = new ArrayList<>();
        for (String f : frames) {
            classes.add(f.substring(0, f.lastIndexOf('.')));
        }
        return new ObjectSample(type, elements, allocated, 1000, -1, "worker", List.of(frames), classes);
    }

    /**
     * Three long[100] (two by one stack, listed after the third's), two com.example.B, one com.example.C: the most
     * sampled type and stack are not the first by name or order.
     */
    static List<ObjectSample> samples() {
        return List.of(
                sample("long[]", 100, 1000, "com.example.A.a:1", "com.example.Other.run:7"),
                sample("long[]", 100, 1000, "com.example.A.a:1", "com.example.Main.run:9"),
                sample("long[]", 100, 1000, "com.example.A.a:1", "com.example.Main.run:9"),
                sample("com.example.B", -1, 1000, "com.example.B.make:3"),
                sample("com.example.B", -1, 1000, "com.example.B.make:3"),
                sample("com.example.C", -1, 1000, "com.example.C.make:4"));
    }

    @Test
    void theTopTypesAreListedWithTheirShareBytesEstimateAndTopStacks() {
        List<LeakingType> types = Ranking.rank(samples(), TWO_TYPES, 60, null, List.of(), Long.MIN_VALUE);

        assertThat(types).extracting(LeakingType::type).containsExactly("long[]", "com.example.B");
        LeakingType bytes = types.get(0);
        assertThat(bytes.samples()).isEqualTo(3);
        assertThat(bytes.share()).isEqualTo(0.5);
        assertThat(bytes.sampledBytes()).isEqualTo(3 * 816); // a 16-byte header and 100 longs
        assertThat(bytes.estimatedGrowthBytesPerSecond()).isEqualTo(30);
        assertThat(bytes.applicationFrame()).isEqualTo("com.example.A.a:1");
        assertThat(bytes.stacks()).hasSize(1);
        assertThat(bytes.stacks().get(0).samples()).isEqualTo(2);
        assertThat(bytes.stacks().get(0).frames()).containsExactly("com.example.A.a:1", "com.example.Main.run:9");
        LeakingType b = types.get(1);
        assertThat(b.share()).isEqualTo(2.0 / 6);
        assertThat(b.sampledBytes()).as("not an array").isEqualTo(-1);
        assertThat(b.histogramGrowthBytes()).isEqualTo(-1);
    }

    @Test
    void aShrinkingHeapExplainsNoGrowthAndAnUnknownSlopeNone() {
        assertThat(Ranking.rank(samples(), TWO_TYPES, -60, null, List.of(), Long.MIN_VALUE)
                        .get(0)
                        .estimatedGrowthBytesPerSecond())
                .isZero();
        assertThat(Ranking.rank(samples(), TWO_TYPES, Double.NaN, null, List.of(), Long.MIN_VALUE)
                        .get(0)
                        .estimatedGrowthBytesPerSecond())
                .isNaN();
    }

    @Test
    void aDiagnosisRanksTheSamplesAllocatedFromTheWindowStartAndBeforeTheSurvivalBound() {
        ObjectSample beforeWindow = sample("com.example.B", -1, 999, "com.example.B.make:3");
        ObjectSample atWindowStart = sample("com.example.B", -1, 1000, "com.example.B.make:3");
        ObjectSample young = sample("com.example.B", -1, 1500, "com.example.B.make:3");
        ObjectSample lastSurvivor = sample("com.example.B", -1, 1999, "com.example.B.make:3");
        ObjectSample atBound = sample("com.example.B", -1, 2000, "com.example.B.make:3");
        List<ObjectSample> all = List.of(beforeWindow, atWindowStart, young, lastSurvivor, atBound);

        LeakDiagnostics.Ranked withoutGrowth =
                LeakDiagnostics.rank(all, 1000, 2000, 1500, TWO_TYPES, Double.NaN, null, List.of());
        LeakDiagnostics.Ranked withGrowth = LeakDiagnostics.rank(
                all,
                1000,
                2000,
                1500,
                TWO_TYPES,
                Double.NaN,
                List.of(new ClassHistogram.Growth("com.example.B", 10, 1000, 5, 500)),
                List.of());

        assertThat(withoutGrowth.samples()).containsExactly(atWindowStart, young, lastSurvivor);
        assertThat(withoutGrowth.types()).extracting(LeakingType::type).containsExactly("com.example.B");
        assertThat(withGrowth.samples()).as("the young ones left out").containsExactly(atWindowStart);
        assertThat(withGrowth.types()).extracting(LeakingType::samples).containsExactly(1);
    }

    @Test
    void withoutSamplesAGrowthIsNamedWhereItsTypeIsAllocated() {
        LeakDiagnostics.Ranked sites = LeakDiagnostics.rank(
                List.of(),
                1000,
                2000,
                1500,
                TWO_TYPES,
                Double.NaN,
                List.of(new ClassHistogram.Growth("com.example.B", 10, 1000, 5, 500)),
                List.of(new AllocationSite(
                        "com.example.B", 4096, 5, List.of("com.example.B.make:3"), List.of("com.example.B"))));

        assertThat(sites.samples()).isEmpty();
        assertThat(sites.types()).extracting(LeakingType::type).containsExactly("com.example.B");
        assertThat(sites.types().get(0).stacksFrom()).isEqualTo(LeakingType.FROM_ALLOCATIONS);
    }

    @Test
    void withoutSamplesOrGrowthNothingIsRanked() {
        LeakDiagnostics.Ranked none = LeakDiagnostics.rank(
                List.of(sample("com.example.B", -1, 500, "com.example.B.make:3")),
                1000,
                2000,
                Long.MIN_VALUE,
                TWO_TYPES,
                Double.NaN,
                null,
                List.of());

        assertThat(none.samples()).isEmpty();
        assertThat(none.types()).isEmpty();
    }

    @Test
    void theHistogramClassNamesTheApplicationFrameMostOfItsSamplesShareTheFirstByNameOnATie() {
        ObjectSample a = sample("byte[]", 100, 1000, "com.example.A.a:1");
        ObjectSample b = sample("byte[]", 100, 1000, "com.example.B.b:2");
        ObjectSample library = sample("byte[]", 100, 1000, "org.library.L.l:5");

        assertThat(Ranking.applicationFrame(List.of(b, a, b, library, library, library), TWO_TYPES))
                .isEqualTo("com.example.B.b:2");
        assertThat(Ranking.applicationFrame(List.of(b, a, b, a), TWO_TYPES)).isEqualTo("com.example.A.a:1");
        assertThat(Ranking.applicationFrame(List.of(library), TWO_TYPES)).isEmpty();
    }

    @Test
    void objectCountsRankAsAHistogramGrowth() {
        List<ClassHistogram.Growth> growth =
                LeakDiagnostics.asGrowth(List.of(new ObjectCounts.Growth("com.example.B", 10, 1000, 4, 400, false)));

        assertThat(growth).containsExactly(new ClassHistogram.Growth("com.example.B", 10, 1000, 4, 400));
    }

    @Test
    void aLoggedValueIsOneToken() {
        assertThat(LeakDiagnostics.clean("GET /a b\tc\u0001d")).isEqualTo("GET_/a_b_c_d");
        assertThat(LeakDiagnostics.clean("plain")).isEqualTo("plain");
    }
}
