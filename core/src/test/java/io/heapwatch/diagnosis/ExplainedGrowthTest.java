package io.heapwatch.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How much of the growth the listed types explain ({@link LeakDiagnostics#explained}): with a retained growth, their
 * measured growth rate against the floor slope; from samples alone, a share of samples, labelled as such.
 */
class ExplainedGrowthTest {

    private static LeakingType type(String name, double share, long attributedGrowthBytes) {
        return new LeakingType(
                name,
                10,
                share,
                1024,
                Double.NaN,
                "com.example.Leak.add:12",
                List.of(),
                attributedGrowthBytes < 0 ? -1 : attributedGrowthBytes,
                attributedGrowthBytes,
                LeakingType.FROM_SURVIVORS,
                null);
    }

    @Test
    void aRetainedGrowthIsComparedWithTheFloorSlope() {
        // 600 kB and 300 kB retained in 60 s: 15 kB/s against a floor rising 30 kB/s
        LeakDiagnostics.Explained e = LeakDiagnostics.explained(
                List.of(type("byte[]", 0.9, 600_000), type("java.lang.String", 0.1, 300_000)),
                true,
                30_000,
                "histogram",
                60_000);

        assertThat(e.from()).isEqualTo("histogram");
        assertThat(e.bytesPerSecond()).isCloseTo(15_000, within(1e-6));
        assertThat(e.fraction()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void typesThatExplainATenthOfTheGrowthSaySoWhateverTheirShareOfSamples() {
        LeakDiagnostics.Explained e =
                LeakDiagnostics.explained(List.of(type("byte[]", 1.0, 60_000)), true, 10_000, "object counts", 60_000);

        assertThat(e.from()).isEqualTo("object counts");
        assertThat(e.bytesPerSecond()).isCloseTo(1_000, within(1e-6));
        assertThat(e.fraction()).isCloseTo(0.1, within(1e-9));
    }

    @Test
    void aTypeWithoutAnAttributedGrowthAddsNothing() {
        LeakDiagnostics.Explained e = LeakDiagnostics.explained(
                List.of(type("byte[]", 0.5, 120_000), type("java.lang.Long", 0.5, -1)),
                true,
                4_000,
                "histogram",
                60_000);

        assertThat(e.bytesPerSecond()).isCloseTo(2_000, within(1e-6));
        assertThat(e.fraction()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void withoutAFloorSlopeTheRateIsKnownButNotTheFraction() {
        LeakDiagnostics.Explained e =
                LeakDiagnostics.explained(List.of(type("byte[]", 1.0, 60_000)), true, Double.NaN, "histogram", 60_000);

        assertThat(e.bytesPerSecond()).isCloseTo(1_000, within(1e-6));
        assertThat(e.fraction()).isNaN();
        assertThat(LeakDiagnostics.explained(List.of(type("byte[]", 1.0, 60_000)), true, 0, "histogram", 60_000)
                        .fraction())
                .isNaN();
    }

    @Test
    void fromSamplesAloneItIsTheListedShareOfTheSamplesTimesTheSlope() {
        LeakDiagnostics.Explained e = LeakDiagnostics.explained(
                List.of(type("byte[]", 0.6, -1), type("java.lang.String", 0.2, -1)), true, 10_000, "", -1);

        assertThat(e.from()).isEqualTo("samples");
        assertThat(e.fraction()).isCloseTo(0.8, within(1e-9));
        assertThat(e.bytesPerSecond()).isCloseTo(8_000, within(1e-6));
    }

    @Test
    void aGrowthMeasuredOverNoTimeFallsBackToTheSamples() {
        LeakDiagnostics.Explained e =
                LeakDiagnostics.explained(List.of(type("byte[]", 0.7, 60_000)), true, 10_000, "histogram", 0);

        assertThat(e.from()).isEqualTo("samples");
        assertThat(e.fraction()).isCloseTo(0.7, within(1e-9));
    }

    @Test
    void fromSamplesAFallingFloorExplainsNoRate() {
        LeakDiagnostics.Explained e = LeakDiagnostics.explained(List.of(type("byte[]", 0.7, -1)), true, -5_000, "", -1);

        assertThat(e.bytesPerSecond()).isZero();
        assertThat(e.fraction()).isCloseTo(0.7, within(1e-9));
    }

    @Test
    void withNothingRankedAndNoGrowthNothingIsExplained() {
        LeakDiagnostics.Explained e = LeakDiagnostics.explained(List.of(), false, 10_000, "", -1);

        assertThat(e.from()).isEqualTo("none");
        assertThat(e.fraction()).isNaN();
        assertThat(e.bytesPerSecond()).isNaN();
    }

    private static Diagnosis diagnosis(List<LeakingType> types, LeakDiagnostics.Explained e) {
        return TestDiagnoses.of(
                types, e.fraction(), e.bytesPerSecond(), e.from(), new GcRootsReport("off", "test", 0, -1, -1, 0));
    }

    @Test
    void theReportSaysWhetherTheGrowthWasMeasuredOrIsAShareOfSamples() {
        List<LeakingType> types = List.of(type("byte[]", 1.0, 60_000));
        String measured = ReportPage.render(
                diagnosis(types, LeakDiagnostics.explained(types, true, Double.NaN, "histogram", 60_000)), "/d");
        String sampled =
                ReportPage.render(diagnosis(types, LeakDiagnostics.explained(types, true, Double.NaN, "", -1)), "/d");

        assertThat(measured).contains("measured by the class histograms").doesNotContain("not a measured growth");
        assertThat(sampled).contains("of the surviving samples (a share of samples, not a measured growth)");
        String unmeasured = ReportPage.render(
                diagnosis(types, new LeakDiagnostics.Explained(Double.NaN, Double.NaN, "none")), "/d");
        assertThat(unmeasured)
                .contains("Nothing measures how much of the growth the types listed explain")
                .doesNotContain("NaN");
    }
}
