package io.heapwatch.leak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeakDetectionSettingsTest {

    @Test
    void defaults() {
        LeakDetectionSettings s = LeakDetectionSettings.defaults();
        assertThat(s.window()).isEqualTo(Duration.ofMinutes(30));
        assertThat(s.subWindows()).isEqualTo(15);
        assertThat(s.alpha()).isEqualTo(0.001);
        assertThat(s.horizonFactor()).isEqualTo(8.0);
        assertThat(s.evaluationInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.unprovenReach()).isEqualTo(Duration.ofHours(1));
        assertThat(s.horizons())
                .containsExactly(
                        Duration.ofSeconds(450), Duration.ofMinutes(30), Duration.ofHours(6), Duration.ofHours(72));
        assertThat(s.toBuilder().build()).isEqualTo(s);
    }

    @Test
    void badValuesNameTheSettingAndItsRange() {
        assertThatThrownBy(
                        () -> LeakDetectionSettings.builder().horizonFactor(0.5).build())
                .hasMessageContaining("'horizonFactor' must be in [1.0, 1000.0], was 0.5");
        assertThatThrownBy(() -> LeakDetectionSettings.builder().alpha(0).build())
                .hasMessageContaining("'alpha' must be in (0.0, 0.5]");
        assertThatThrownBy(() -> LeakDetectionSettings.builder().subWindows(2).build())
                .hasMessageContaining("'subWindows' must be in [3, 240]");
        assertThatThrownBy(() -> LeakDetectionSettings.builder()
                        .unprovenReach(Duration.ofMillis(999))
                        .build())
                .hasMessageContaining("'unprovenReach' must be at least 1 second, was PT0.999S");
        assertThat(LeakDetectionSettings.builder()
                        .unprovenReach(Duration.ofSeconds(1))
                        .build()
                        .unprovenReach())
                .isEqualTo(Duration.ofSeconds(1));
    }
}
