package io.heapwatch.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Allocation sites stand in for the survivors of a type that grew while none of its surviving samples names an
 * application frame, and only then.
 */
class AllocationSiteRankingTest {

    static final DiagnosisSettings SETTINGS = HistogramRankingTest.SETTINGS;
    static final String SESSION = "com.example.Sessions$Session";

    static AllocationSite site(String type, long weight, String appClass, String method) {
        return new AllocationSite(
                type,
                weight,
                3,
                List.of("java.util.HashMap.newNode:10", appClass + "." + method + ":7"),
                List.of("java.util.HashMap", appClass));
    }

    static AllocationSite librarySite(String type, long weight) {
        return new AllocationSite(
                type, weight, 2, List.of("org.eclipse.jetty.Parser.parse:3"), List.of("org.eclipse.jetty.Parser"));
    }

    /** A surviving sample that only library code allocated. */
    static ObjectSample librarySample(String type, long elements) {
        return new ObjectSample(
                type,
                elements,
                0,
                1000,
                -1,
                "worker",
                List.of("org.eclipse.jetty.Pool.grow:9"),
                List.of("org.eclipse.jetty.Pool"));
    }

    /** A bounded cache's 4 KiB arrays are the only surviving samples; a map of small sessions grew unsampled. */
    static List<ObjectSample> cacheSamples() {
        List<ObjectSample> samples = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            samples.add(HistogramRankingTest.sample("byte[]", 4096, "com.example.Busy", "cache"));
        }
        return samples;
    }

    static List<ClassHistogram.Growth> growth() {
        return List.of(
                new ClassHistogram.Growth("byte[]", 300, 1_233_600, 200, 822_400),
                new ClassHistogram.Growth(SESSION, 96_000, 6_144_000, 96_000, 6_144_000));
    }

    @Test
    void aTypeThatGrewWithoutSurvivingSamplesIsNamedWhereItIsAllocatedAfterTheSurvivors() {
        List<AllocationSite> sites = List.of(
                site(SESSION, 3_000_000, "com.example.Sessions", "remember"),
                site(SESSION, 1_000_000, "com.example.Admin", "preview"),
                librarySite(SESSION, 1_000_000),
                site("byte[]", 90_000_000, "com.example.Busy", "scratch"));
        List<LeakingType> types = Ranking.rank(cacheSamples(), SETTINGS, Double.NaN, growth(), sites);
        // byte[] has application-framed survivors: they rank first, and its allocation sites (the busy route's
        // scratch buffers) are unused
        LeakingType first = types.get(0);
        assertThat(first.applicationFrame()).startsWith("com.example.Busy.cache");
        assertThat(first.stacksFrom()).isEqualTo(LeakingType.FROM_SURVIVORS);
        assertThat(first.attributedGrowthBytes()).isEqualTo(822_400);
        assertThat(types).noneMatch(t -> t.applicationFrame().startsWith("com.example.Busy.scratch"));
        // then the type no survivor placed in application code, where it is allocated, by the bytes allocated
        LeakingType second = types.get(1);
        assertThat(second.type()).isEqualTo(SESSION);
        assertThat(second.applicationFrame()).startsWith("com.example.Sessions.remember");
        assertThat(second.stacksFrom()).isEqualTo(LeakingType.FROM_ALLOCATIONS);
        assertThat(second.samples()).isZero();
        assertThat(second.share()).isZero();
        assertThat(second.sampledBytes()).isEqualTo(-1);
        assertThat(second.stacks()).singleElement().satisfies(s -> assertThat(s.samples())
                .isEqualTo(3));
        assertThat((double) second.attributedGrowthBytes()).isCloseTo(6_144_000 * 0.6, within(1.0));
        LeakingType third = types.get(2);
        assertThat(third.applicationFrame()).startsWith("com.example.Admin.preview");
        assertThat((double) third.attributedGrowthBytes()).isCloseTo(6_144_000 * 0.2, within(1.0));
        assertThat(types).hasSize(3);
    }

    @Test
    void libraryOnlySurvivorsKeepTheirStacksAndTheRestOfTheGrowth() {
        List<ObjectSample> samples = new ArrayList<>(cacheSamples());
        for (int i = 0; i < 4; i++) {
            samples.add(librarySample(SESSION, -1));
        }
        List<AllocationSite> sites = List.of(
                site(SESSION, 3_000_000, "com.example.Sessions", "remember"),
                librarySite(SESSION, 1_000_000),
                site(SESSION, 10_000, "com.example.Rare", "once"));
        List<LeakingType> types = Ranking.rank(samples, SETTINGS, Double.NaN, growth(), sites);
        assertThat(types)
                .filteredOn(
                        t -> t.type().equals(SESSION) && t.applicationFrame().isEmpty())
                .singleElement()
                .satisfies(t -> {
                    assertThat(t.stacksFrom()).isEqualTo(LeakingType.FROM_SURVIVORS);
                    assertThat(t.stacks().get(0).frames()).containsExactly("org.eclipse.jetty.Pool.grow:9");
                    assertThat((double) t.attributedGrowthBytes())
                            .isCloseTo(6_144_000 * (1 - 3_000_000.0 / 4_010_000), within(1.0));
                });
        // a frame that allocated under 5% of the type's bytes gets no entry
        assertThat(types).noneMatch(t -> t.applicationFrame().startsWith("com.example.Rare"));
        assertThat(types).anyMatch(t -> t.applicationFrame().startsWith("com.example.Sessions.remember"));
    }

    @Test
    void aTypeOnlyLibraryCodeAllocatesKeepsTheSurvivorsSplit() {
        List<ObjectSample> samples = new ArrayList<>(cacheSamples());
        samples.add(librarySample(SESSION, -1));
        List<LeakingType> types =
                Ranking.rank(samples, SETTINGS, Double.NaN, growth(), List.of(librarySite(SESSION, 1_000_000)));
        assertThat(types)
                .filteredOn(t -> t.type().equals(SESSION))
                .singleElement()
                .satisfies(t -> {
                    assertThat(t.stacksFrom()).isEqualTo(LeakingType.FROM_SURVIVORS);
                    assertThat(t.attributedGrowthBytes()).isEqualTo(6_144_000);
                });
    }

    @Test
    void arraysAreNeverNamedFromTheirAllocations() {
        // byte[] grew with no application-framed survivor; the busy route allocates most of its bytes as scratch
        // buffers that never survive a request
        List<ObjectSample> samples = List.of(librarySample("byte[]", 4096));
        List<AllocationSite> sites = List.of(site("byte[]", 90_000_000, "com.example.Busy", "scratch"));
        List<LeakingType> types = Ranking.rank(samples, SETTINGS, Double.NaN, growth(), sites);
        assertThat(types).singleElement().satisfies(t -> {
            assertThat(t.applicationFrame()).isEmpty();
            assertThat(t.stacksFrom()).isEqualTo(LeakingType.FROM_SURVIVORS);
            assertThat(t.attributedGrowthBytes()).isEqualTo(822_400);
        });
    }

    @Test
    void withoutAllocationSitesTheSurvivorsRankAlone() {
        List<LeakingType> types = Ranking.rank(cacheSamples(), SETTINGS, Double.NaN, growth(), List.of());
        assertThat(types).singleElement().satisfies(t -> assertThat(t.applicationFrame())
                .startsWith("com.example.Busy.cache"));
    }

    @Test
    void aTypeWithApplicationFramedSurvivorsKeepsTheSurvivorsSplit() {
        List<ObjectSample> samples = new ArrayList<>(cacheSamples());
        samples.add(HistogramRankingTest.sample(SESSION, -1, "com.example.Sessions", "remember"));
        List<AllocationSite> sites = List.of(site(SESSION, 3_000_000, "com.example.Admin", "preview"));
        List<LeakingType> types = Ranking.rank(samples, SETTINGS, Double.NaN, growth(), sites);
        assertThat(types.get(0).applicationFrame()).startsWith("com.example.Sessions.remember");
        assertThat(types.get(0).stacksFrom()).isEqualTo(LeakingType.FROM_SURVIVORS);
        assertThat(types).noneMatch(t -> t.applicationFrame().startsWith("com.example.Admin"));
    }

    @Test
    void allocationSitesOfATypeThatDidNotGrowNameNothing() {
        List<ClassHistogram.Growth> growth = List.of(
                new ClassHistogram.Growth("byte[]", 300, 1_233_600, 200, 822_400),
                new ClassHistogram.Growth(SESSION, 10, 640, -5, -320));
        List<AllocationSite> sites = List.of(site(SESSION, 3_000_000, "com.example.Sessions", "remember"));
        List<LeakingType> types = Ranking.rank(cacheSamples(), SETTINGS, Double.NaN, growth, sites);
        assertThat(types).noneMatch(t -> t.type().equals(SESSION));
    }

    @Test
    void withoutAHistogramAllocationSitesAreNotUsed() {
        List<AllocationSite> sites = List.of(site(SESSION, 3_000_000, "com.example.Sessions", "remember"));
        List<LeakingType> types = Ranking.rank(cacheSamples(), SETTINGS, Double.NaN, null, sites);
        assertThat(types).noneMatch(t -> t.type().equals(SESSION));
    }
}
