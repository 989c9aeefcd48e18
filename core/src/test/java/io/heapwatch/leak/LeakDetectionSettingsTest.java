package io.heapwatch.leak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeakDetectionSettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        LeakDetectionSettings d = LeakDetectionSettings.defaults();
        assertThat(d.window()).isEqualTo(Duration.ofMinutes(30));
        assertThat(d.subWindows()).isEqualTo(15);
        assertThat(d.subWindow()).isEqualTo(Duration.ofMinutes(2));
        assertThat(d.evaluationInterval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(d.minFloors()).isEqualTo(6);
        assertThat(d.alpha()).isEqualTo(0.01);
        assertThat(d.recentAlpha()).isEqualTo(0.05);
        assertThat(d.minGrowthFraction()).isEqualTo(0.02);
        assertThat(d.topRoutes()).isEqualTo(5);
        assertThat(d.maxTrackedRoutes()).isEqualTo(200);
        assertThat(d.maxConditionNumber()).isEqualTo(20.0);
        assertThat(d.attributionAlpha()).isEqualTo(0.05);
    }

    @Test
    void invalidValueIsReportedWithItsNameAndRange() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LeakDetectionSettings.builder().alpha(0.7).build())
                .withMessage("leak detection setting 'alpha' must be in (0.0, 0.5], was 0.7");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LeakDetectionSettings.builder()
                        .subWindows(10)
                        .minFloors(11)
                        .build())
                .withMessageContaining("'minFloors' must be in [3, 10]");
        assertThatIllegalArgumentException()
                .isThrownBy(() ->
                        LeakDetectionSettings.builder().minGrowthFraction(-0.1).build())
                .withMessageContaining("'minGrowthFraction'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LeakDetectionSettings.builder()
                        .window(Duration.ofSeconds(5))
                        .build())
                .withMessageContaining("'window'");
    }

    @Test
    void evaluationIntervalFollowsTheSubWindowUnlessSet() {
        LeakDetectionSettings s = LeakDetectionSettings.builder()
                .window(Duration.ofMinutes(60))
                .subWindows(12)
                .build();
        assertThat(s.evaluationInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.toBuilder().window(Duration.ofMinutes(24)).build().evaluationInterval())
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(s.toBuilder()
                        .evaluationInterval(Duration.ofSeconds(30))
                        .build()
                        .evaluationInterval())
                .isEqualTo(Duration.ofSeconds(30));
    }
}
