package io.heapwatch.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistogramRankingTest {

    static final DiagnosisSettings SETTINGS = DiagnosisSettings.defaults().withEvidence(true);

    static ObjectSample sample(String type, long elements, String appClass, String method) {
        return new ObjectSample(
                type,
                elements,
                0,
                1000,
                -1,
                "worker",
                List.of("java.util.Arrays.copyOf:10", appClass + "." + method + ":42"),
                List.of("java.util.Arrays", appClass));
    }

    /**
     * A bounded cache of 4 KiB arrays draws most samples; a leak of small strings and their 40-byte arrays draws
     * few. Without the histogram the cache ranks first; with it the leak's frame does, because the histogram says
     * most of byte[]'s growth is small arrays and String grew too.
     */
    static List<ObjectSample> samples() {
        List<ObjectSample> samples = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            samples.add(sample("byte[]", 4096, "com.example.Busy", "cache"));
        }
        for (int i = 0; i < 10; i++) {
            samples.add(sample("byte[]", 24, "com.example.Dedup", "remember"));
        }
        for (int i = 0; i < 5; i++) {
            samples.add(sample("java.lang.String", -1, "com.example.Dedup", "remember"));
        }
        return samples;
    }

    @Test
    void withoutAHistogramTheMostSampledEntryRanksFirst() {
        List<LeakingType> types = Ranking.rank(samples(), SETTINGS, Double.NaN);
        assertThat(types.get(0).applicationFrame()).startsWith("com.example.Busy.cache");
        assertThat(types.get(0).histogramGrowthBytes()).isEqualTo(-1);
        assertThat(types.get(0).attributedGrowthBytes()).isEqualTo(-1);
    }

    @Test
    void theHistogramGrowthRanksTheFrameThatExplainsMostRetainedGrowth() {
        // 200 cache arrays (4,112 B) and 24,000 small arrays (40 B) grew byte[]; 24,000 strings grew String.
        long cacheArrays = 200;
        long smallArrays = 24_000;
        List<ClassHistogram.Growth> growth = List.of(
                new ClassHistogram.Growth(
                        "byte[]", 50_000, 5_000_000, cacheArrays + smallArrays, cacheArrays * 4112 + smallArrays * 40),
                new ClassHistogram.Growth("java.lang.String", 30_000, 720_000, 24_000, 576_000));
        List<LeakingType> types = Ranking.rank(samples(), SETTINGS, Double.NaN, growth);
        assertThat(types.get(0).applicationFrame()).startsWith("com.example.Dedup.remember");
        assertThat(types.get(1).applicationFrame()).startsWith("com.example.Dedup.remember");
        assertThat(types.get(2).applicationFrame()).startsWith("com.example.Busy.cache");
        LeakingType busy = types.get(2);
        assertThat(busy.histogramGrowthBytes()).isEqualTo(cacheArrays * 4112 + smallArrays * 40);
        // The size-corrected split gives the cache close to its true 822,400 bytes, not its 86% of the samples.
        assertThat((double) busy.attributedGrowthBytes()).isBetween(822_400 * 0.8, 822_400 * 1.2);
        long attributedTotal = types.stream()
                .filter(t -> t.type().equals("byte[]"))
                .mapToLong(LeakingType::attributedGrowthBytes)
                .sum();
        assertThat(attributedTotal)
                .isCloseTo(cacheArrays * 4112 + smallArrays * 40, org.assertj.core.data.Offset.offset(2L));
    }

    @Test
    void unsampledSmallArraysDoNotHandTheGrowthToTheSmallestSampledEntry() {
        // A leak of 16 KiB buffers (120 samples) beside a cache of 4 KiB arrays (15 samples), while 50,000 small
        // arrays that no sample stands for grew too: no correction can explain that mean, so the samples split it.
        List<ObjectSample> samples = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            samples.add(sample("byte[]", 16 * 1024, "com.example.Listeners", "register"));
        }
        for (int i = 0; i < 15; i++) {
            samples.add(sample("byte[]", 4096, "com.example.Busy", "cache"));
        }
        long grown = 1500L * 16400 + 200L * 4112 + 50_000L * 40;
        List<ClassHistogram.Growth> growth =
                List.of(new ClassHistogram.Growth("byte[]", 60_000, grown, 1500 + 200 + 50_000, grown));
        List<LeakingType> types = Ranking.rank(samples, SETTINGS, Double.NaN, growth);
        assertThat(types.get(0).applicationFrame()).startsWith("com.example.Listeners.register");
        assertThat((double) types.get(0).attributedGrowthBytes()).isCloseTo(grown * 120.0 / 135, within(2.0));
    }

    @Test
    void aTypeThatDidNotGrowAttributesNothingAndKeepsTheSampleOrder() {
        List<ClassHistogram.Growth> growth = List.of(new ClassHistogram.Growth("byte[]", 10, 100, -5, -400));
        List<LeakingType> types = Ranking.rank(samples(), SETTINGS, Double.NaN, growth);
        assertThat(types.get(0).applicationFrame()).startsWith("com.example.Busy.cache");
        assertThat(types.get(0).attributedGrowthBytes()).isZero();
        assertThat(types)
                .filteredOn(t -> t.type().equals("java.lang.String"))
                .singleElement()
                .satisfies(t -> assertThat(t.histogramGrowthBytes()).isZero());
    }
}
