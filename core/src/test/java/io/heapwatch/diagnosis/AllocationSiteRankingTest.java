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
    void aTypeThatGrewWithoutSurvivingSamplesIsNamedWhereItIsAllocated() {
        List<AllocationSite> sites = List.of(
                site(SESSION, 3_000_000, "com.example.Sessions", "remember"),
                site(SESSION, 1_000_000, "com.example.Admin", "preview"),
                librarySite(SESSION, 1_000_000),
                site("byte[]", 90_000_000, "com.example.Busy", "scratch"));
        List<LeakingType> types = Ranking.rank(cacheSamples(), SETTINGS, Double.NaN, growth(), sites);
        LeakingType first = types.get(0);
        assertThat(first.type()).isEqualTo(SESSION);
        assertThat(first.applicationFrame()).startsWith("com.example.Sessions.remember");
        assertThat(first.stacksFrom()).isEqualTo(LeakingType.FROM_ALLOCATIONS);
        assertThat(first.samples()).isZero();
        assertThat(first.share()).isZero();
        assertThat(first.sampledBytes()).isEqualTo(-1);
        assertThat(first.stacks()).singleElement().satisfies(s -> assertThat(s.samples())
                .isEqualTo(3));
        // the growth is split by the bytes each frame allocated, the library part kept apart
        assertThat((double) first.attributedGrowthBytes()).isCloseTo(6_144_000 * 0.6, within(1.0));
        assertThat(types)
                .filteredOn(t -> t.applicationFrame().startsWith("com.example.Admin.preview"))
                .singleElement()
                .satisfies(t -> assertThat((double) t.attributedGrowthBytes()).isCloseTo(6_144_000 * 0.2, within(1.0)));
        assertThat(types.get(types.size() - 1).applicationFrame()).isEmpty();
        // byte[] has application-framed survivors: its allocation sites (the busy route's scratch buffers) are unused
        assertThat(types)
                .filteredOn(t -> t.type().equals("byte[]"))
                .singleElement()
                .satisfies(t -> {
                    assertThat(t.applicationFrame()).startsWith("com.example.Busy.cache");
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
