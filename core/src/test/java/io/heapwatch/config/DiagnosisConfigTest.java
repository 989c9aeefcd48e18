package io.heapwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DiagnosisConfigTest {

    @Test
    void defaultsServeTheReportAndLeaveTheRecordingOff() {
        HeapwatchConfig c = HeapwatchConfig.fromMap(Map.of());
        assertThat(c.reportEnabled()).isTrue();
        assertThat(c.reportPath()).isEqualTo("/heapwatch");
        assertThat(c.diagnosisPath()).isEqualTo("/heapwatch/diagnosis");
        assertThat(c.diagnosis().evidence()).isFalse();
        assertThat(c.diagnosis().minInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.diagnosis().applicationPackages()).isEmpty();
        assertThat(c.diagnosis().histogram()).isFalse();
        assertThat(c.diagnosis().gcRoots()).isFalse();
        assertThat(c.diagnosis().objectCount()).isFalse();
    }

    @Test
    void readsEveryVariable() {
        HeapwatchConfig c = HeapwatchConfig.fromMap(Map.of(
                HeapwatchConfig.HEAPWATCH_DIAGNOSIS, "true",
                HeapwatchConfig.HEAPWATCH_DIAGNOSIS_MIN_INTERVAL, "2m",
                HeapwatchConfig.HEAPWATCH_DIAGNOSIS_APP_PACKAGES, "com.example., org.acme.shop",
                HeapwatchConfig.HEAPWATCH_DIAGNOSIS_HISTOGRAM, "TRUE",
                HeapwatchConfig.HEAPWATCH_DIAGNOSIS_GC_ROOTS, "True",
                HeapwatchConfig.HEAPWATCH_DIAGNOSIS_OBJECT_COUNT, " true ",
                HeapwatchConfig.HEAPWATCH_REPORT, "false",
                HeapwatchConfig.HEAPWATCH_REPORT_PATH, "/ops/heap",
                HeapwatchConfig.HEAPWATCH_DIAGNOSIS_PATH, "/ops/heap.json"));
        assertThat(c.diagnosis().evidence()).isTrue();
        assertThat(c.diagnosis().minInterval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.diagnosis().applicationPackages()).containsExactly("com.example.", "org.acme.shop");
        assertThat(c.diagnosis().histogram()).isTrue();
        assertThat(c.diagnosis().gcRoots()).isTrue();
        assertThat(c.diagnosis().objectCount()).isTrue();
        assertThat(c.reportEnabled()).isFalse();
        assertThat(c.reportPath()).isEqualTo("/ops/heap");
        assertThat(c.diagnosisPath()).isEqualTo("/ops/heap.json");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "HEAPWATCH_DIAGNOSIS|yes|true or false",
                "HEAPWATCH_REPORT|1|true or false",
                "HEAPWATCH_DIAGNOSIS_HISTOGRAM|on|true or false",
                "HEAPWATCH_DIAGNOSIS_HISTOGRAM|1|true or false",
                "HEAPWATCH_DIAGNOSIS_GC_ROOTS|yes|true or false",
                "HEAPWATCH_DIAGNOSIS_GC_ROOTS|1s|true or false",
                "HEAPWATCH_DIAGNOSIS_OBJECT_COUNT|yes|true or false",
                "HEAPWATCH_DIAGNOSIS_OBJECT_COUNT|0.5|true or false",
                "HEAPWATCH_DIAGNOSIS_MIN_INTERVAL|0s|a duration from 1s to 1h",
                "HEAPWATCH_DIAGNOSIS_MIN_INTERVAL|2h|a duration from 1s to 1h",
                "HEAPWATCH_DIAGNOSIS_MIN_INTERVAL|soon|a duration from 1s to 1h",
                "HEAPWATCH_DIAGNOSIS_APP_PACKAGES|com..x|comma-separated package prefixes",
                "HEAPWATCH_DIAGNOSIS_APP_PACKAGES|a,,b|comma-separated package prefixes",
                "HEAPWATCH_REPORT_PATH|heapwatch|an absolute path",
                "HEAPWATCH_REPORT_PATH|/|an absolute path",
                "HEAPWATCH_REPORT_PATH|/heap/*|an absolute path",
                "HEAPWATCH_REPORT_PATH|/heap//x|an absolute path",
                "HEAPWATCH_REPORT_PATH|/heap/|an absolute path",
                "HEAPWATCH_REPORT_PATH|/metrics|an absolute path",
                "HEAPWATCH_DIAGNOSIS_PATH|/heapwatch|an absolute path",
                "HEAPWATCH_DIAGNOSIS_PATH|/a b|an absolute path",
            })
    void rejectsBadValuesNamingTheVariable(String variable, String value, String accepted) {
        assertThatThrownBy(() -> HeapwatchConfig.fromMap(Map.of(variable, value)))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.setting()).isEqualTo(variable);
                    assertThat(e.accepted()).startsWith(accepted);
                    assertThat(e.getMessage()).contains(variable).contains(value);
                });
    }

    @Test
    void equalityCoversTheNewSettings() {
        assertThat(HeapwatchConfig.fromMap(Map.of(HeapwatchConfig.HEAPWATCH_DIAGNOSIS, "true")))
                .isNotEqualTo(HeapwatchConfig.fromMap(Map.of()));
        assertThat(HeapwatchConfig.fromMap(Map.of(HeapwatchConfig.HEAPWATCH_DIAGNOSIS_HISTOGRAM, "true")))
                .isNotEqualTo(HeapwatchConfig.fromMap(Map.of()));
        assertThat(HeapwatchConfig.fromMap(Map.of(HeapwatchConfig.HEAPWATCH_DIAGNOSIS_GC_ROOTS, "true")))
                .isNotEqualTo(HeapwatchConfig.fromMap(Map.of()));
        assertThat(HeapwatchConfig.fromMap(Map.of(HeapwatchConfig.HEAPWATCH_DIAGNOSIS_OBJECT_COUNT, "true")))
                .isNotEqualTo(HeapwatchConfig.fromMap(Map.of()));
        assertThat(HeapwatchConfig.fromMap(Map.of(HeapwatchConfig.HEAPWATCH_REPORT_PATH, "/x")))
                .isNotEqualTo(HeapwatchConfig.fromMap(Map.of()));
        assertThat(List.of(HeapwatchConfig.fromMap(Map.of()))).containsExactly(HeapwatchConfig.fromMap(Map.of()));
    }
}
