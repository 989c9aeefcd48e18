package io.heapwatch.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapwatch.gc.GcEventTracker;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

/** The histogram in a whole diagnosis: its growth, its pause and its faults reach the document and the page. */
class HistogramDiagnosisTest {

    static LeakDiagnostics diagnostics(GcEventTracker tracker, boolean histogram, ClassHistograms.Source source) {
        return new LeakDiagnostics(
                DiagnosisSettings.defaults().withMinInterval(Duration.ZERO).withHistogram(histogram),
                tracker,
                null,
                "shop",
                Duration.ofMinutes(30),
                Duration.ofMinutes(2),
                Clock.systemUTC(),
                source);
    }

    @Test
    void aFailingHistogramFailsNeitherTheDiagnosisNorThePage() {
        try (GcEventTracker tracker = new GcEventTracker(Tags.empty());
                LeakDiagnostics d = diagnostics(tracker, true, () -> {
                    throw new javax.management.InstanceNotFoundException("com.sun.management:type=DiagnosticCommand");
                })) {
            Diagnosis diagnosis = d.take("request");
            assertThat(diagnosis).isNotNull();
            assertThat(diagnosis.histogram().status()).isEqualTo("failed");
            assertThat(diagnosis.histogram().detail()).contains("InstanceNotFoundException");
            assertThat(diagnosis.toJson())
                    .contains("\"histogram\":{\"status\":\"failed\",\"detail\":\"the class histogram failed: ");
            assertThat(ReportPage.render(diagnosis, "/heapwatch/diagnosis"))
                    .contains("<h2>Class histogram</h2>")
                    .contains("Histogram failed");
        }
    }

    @Test
    void theGrowthSinceTheBaselineIsShownEscapedWithItsPause() {
        Deque<String> texts = new ArrayDeque<>();
        texts.add("   1: 10 40960 [B (java.base@17)\n   2: 1 16 com.example.<b>Tag\n");
        texts.add("   1: 30 122880 [B (java.base@17)\n   2: 101 1616 com.example.<b>Tag\n");
        try (GcEventTracker tracker = new GcEventTracker(Tags.empty());
                LeakDiagnostics d = diagnostics(tracker, true, texts::removeFirst)) {
            Diagnosis first = d.take("request");
            assertThat(first).isNotNull();
            assertThat(first.histogram().status()).isEqualTo("on");
            assertThat(first.histogram().detail()).contains("baseline");
            assertThat(first.histogram().classes()).isEmpty();

            Diagnosis second = d.take("request");
            assertThat(second).isNotNull();
            HistogramReport h = second.histogram();
            assertThat(h.pauseMillis()).isGreaterThanOrEqualTo(0);
            assertThat(h.baselineAtMillis()).isEqualTo(first.takenAtMillis());
            assertThat(h.classes())
                    .containsExactly(
                            new HistogramReport.HistogramClass("byte[]", 30, 122880, 20, 81920, 0, ""),
                            new HistogramReport.HistogramClass("com.example.<b>Tag", 101, 1616, 100, 1600, 0, ""));
            assertThat(second.toJson())
                    .contains("{\"type\":\"byte[]\",\"instances\":30,\"bytes\":122880,\"growthInstances\":20,"
                            + "\"growthBytes\":81920,\"samples\":0,\"applicationFrame\":\"\"}")
                    .contains("com.example.\\u003cb\\u003eTag")
                    .doesNotContain("<b>");
            assertThat(ReportPage.render(second, "/heapwatch/diagnosis"))
                    .contains("com.example.&lt;b&gt;Tag")
                    .contains("(no allocation sample of this type)")
                    .doesNotContain("<b>Tag");
        }
    }

    @Test
    void theListedTypesGrowthIsMeasuredBetweenTheTwoHistograms() {
        Deque<String> texts = new ArrayDeque<>();
        texts.add("   1: 10 40960 [B (java.base@17)\n");
        texts.add("   1: 30 122880 [B (java.base@17)\n");
        TestClock clock = new TestClock();
        try (GcEventTracker tracker = new GcEventTracker(Tags.empty());
                LeakDiagnostics d = new LeakDiagnostics(
                        DiagnosisSettings.defaults()
                                .withMinInterval(Duration.ZERO)
                                .withHistogram(true),
                        tracker,
                        null,
                        "shop",
                        Duration.ofMinutes(30),
                        Duration.ofMinutes(2),
                        clock,
                        texts::removeFirst)) {
            Diagnosis first = d.take("request");
            assertThat(first).isNotNull();
            assertThat(first.explainedFrom()).isNotEqualTo("histogram");
            clock.millis += 60_000;

            Diagnosis second = d.take("request");
            assertThat(second).isNotNull();
            // no allocation sample names a type, so the types listed (none) explain none of the byte[] growth
            assertThat(second.explainedFrom()).isEqualTo("histogram");
            assertThat(second.explainedGrowthBytesPerSecond()).isZero();
            assertThat(second.toJson()).contains("\"explainedFrom\":\"histogram\"");
        }
    }

    @Test
    void offByDefaultAndSaysSo() {
        try (GcEventTracker tracker = new GcEventTracker(Tags.empty());
                LeakDiagnostics d = diagnostics(tracker, false, () -> {
                    throw new AssertionError("no histogram when off");
                })) {
            Diagnosis diagnosis = d.take("request");
            assertThat(diagnosis).isNotNull();
            assertThat(diagnosis.histogram().status()).isEqualTo("off");
            assertThat(diagnosis.toJson())
                    .contains("\"histogram\":{\"status\":\"off\",\"detail\":\"HEAPWATCH_DIAGNOSIS_HISTOGRAM=false");
        }
    }
}
