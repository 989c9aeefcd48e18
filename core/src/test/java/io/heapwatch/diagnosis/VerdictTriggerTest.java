package io.heapwatch.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapwatch.gc.GcEventTracker;
import io.heapwatch.leak.LeakDetectionSettings;
import io.heapwatch.leak.LeakDetector;
import io.heapwatch.leak.RouteTraffic;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A new leak verdict is diagnosed at the next poll, or as soon as the rate limit allows. */
class VerdictTriggerTest {

    static final long MB = 1L << 20;

    @Test
    void aNewVerdictIsDiagnosedOnceTheRateLimitAllows() {
        TestClock clock = new TestClock();
        LeakDetectionSettings leak = LeakDetectionSettings.defaults();
        Random random = new Random(7);
        try (GcEventTracker tracker = new GcEventTracker(Tags.empty());
                LeakDetector detector = LeakDetector.manual(leak, Tags.empty(), RouteTraffic.NONE, clock);
                LeakDiagnostics diagnostics = new LeakDiagnostics(
                        DiagnosisSettings.defaults().withMinInterval(Duration.ofHours(6)),
                        tracker,
                        detector,
                        "shop",
                        leak.window(),
                        leak.subWindow(),
                        clock,
                        ClassHistograms::fromPlatformMBean)) {
            diagnostics.poll();
            assertThat(diagnostics.latest()).as("no verdict, no diagnosis").isNull();
            assertThat(diagnostics.take("request")).isNotNull();
            long start = clock.millis;
            long subWindow = leak.subWindow().toMillis();
            long nextEvaluation = start + subWindow;
            while (!detector.assessment().suspected()
                    && clock.millis - start < Duration.ofHours(3).toMillis()) {
                clock.millis += 10_000;
                long live = 200 * MB + (clock.millis - start) / 1000 * 40 * 1024 + random.nextInt(1 << 20);
                detector.onLiveHeap(clock.millis, live, 1024 * MB, true);
                if (clock.millis >= nextEvaluation) {
                    detector.evaluate();
                    nextEvaluation += subWindow;
                }
            }
            assertThat(detector.assessment().suspected()).isTrue();
            long suspectedAt = clock.millis;
            diagnostics.poll();
            assertThat(diagnostics.latest().trigger())
                    .as("the rate limit holds the verdict's diagnosis back")
                    .isEqualTo("request");
            clock.millis = Math.max(clock.millis, start + Duration.ofHours(6).toMillis());
            diagnostics.poll();
            Diagnosis d = diagnostics.latest();
            assertThat(d.trigger()).isEqualTo("verdict");
            assertThat(d.verdict().suspected()).isTrue();
            assertThat(d.verdict().growthBytesPerSecond()).isBetween(30.0 * 1024, 50.0 * 1024);
            assertThat(d.verdict().secondsToExhaustion()).isFinite();
            assertThat(d.toJson()).contains("\"trigger\":\"verdict\"").contains("\"suspected\":true");
            assertThat(d.takenAtMillis()).isGreaterThanOrEqualTo(suspectedAt);

            diagnostics.poll();
            assertThat(diagnostics.latest()).as("one diagnosis per new verdict").isSameAs(d);
        }
    }
}
