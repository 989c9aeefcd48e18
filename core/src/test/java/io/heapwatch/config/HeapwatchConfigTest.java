package io.heapwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HeapwatchConfigTest {

    private static Map<String, String> env(String... pairs) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    @Test
    void emptyEnvironmentGivesTheDocumentedDefaults() {
        HeapwatchConfig c = HeapwatchConfig.fromMap(Map.of());
        assertThat(c.profilingEnabled()).isTrue();
        assertThat(c.sampleRate()).isEqualTo(1.0);
        assertThat(c.growthThresholdMb()).isEqualTo(10);
        assertThat(c.growthThresholdBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(c.containerName()).isEqualTo("default");
        assertThat(c.prometheusEnabled()).isTrue();
        assertThat(c.metricsCredentialsConfigured()).isFalse();
        assertThat(c.maxRoutes()).isEqualTo(100);
        assertThat(c.heapDeltaEnabled()).isTrue();
    }

    @Test
    void everyVariableIsReadUnderItsExactName() {
        HeapwatchConfig c = HeapwatchConfig.fromMap(env(
                "ENABLE_MEMORY_PROFILING", "false",
                "MEMORY_PROFILING_SAMPLE_RATE", "0.25",
                "MEMORY_GROWTH_THRESHOLD_MB", "50",
                "CONTAINER_NAME", "rsr-backend",
                "ENABLE_PROMETHEUS_METRICS", "FALSE",
                "METRICS_AUTH_USERNAME", "prom",
                "METRICS_AUTH_PASSWORD", "s3cret:with:colons",
                "HEAPWATCH_MAX_ROUTES", "7",
                "HEAPWATCH_HEAP_DELTA", "false"));
        assertThat(c.profilingEnabled()).isFalse();
        assertThat(c.sampleRate()).isEqualTo(0.25);
        assertThat(c.growthThresholdMb()).isEqualTo(50);
        assertThat(c.containerName()).isEqualTo("rsr-backend");
        assertThat(c.prometheusEnabled()).isFalse();
        assertThat(c.metricsUsername()).isEqualTo("prom");
        assertThat(c.metricsPassword()).isEqualTo("s3cret:with:colons");
        assertThat(c.maxRoutes()).isEqualTo(7);
        assertThat(c.heapDeltaEnabled()).isFalse();
    }

    @Test
    void blankValuesCountAsUnset() {
        HeapwatchConfig c = HeapwatchConfig.fromMap(
                env("ENABLE_MEMORY_PROFILING", " ", "MEMORY_PROFILING_SAMPLE_RATE", "", "METRICS_AUTH_USERNAME", ""));
        assertThat(c).isEqualTo(HeapwatchConfig.builder().build());
    }

    @ParameterizedTest
    @CsvSource({
        "ENABLE_MEMORY_PROFILING, yes, true or false",
        "ENABLE_MEMORY_PROFILING, 1, true or false",
        "ENABLE_PROMETHEUS_METRICS, off, true or false",
        "HEAPWATCH_HEAP_DELTA, maybe, true or false",
        "MEMORY_PROFILING_SAMPLE_RATE, 1.5, from 0.0 to 1.0",
        "MEMORY_PROFILING_SAMPLE_RATE, -0.1, from 0.0 to 1.0",
        "MEMORY_PROFILING_SAMPLE_RATE, NaN, from 0.0 to 1.0",
        "MEMORY_PROFILING_SAMPLE_RATE, Infinity, from 0.0 to 1.0",
        "MEMORY_PROFILING_SAMPLE_RATE, half, from 0.0 to 1.0",
        "MEMORY_PROFILING_SAMPLE_RATE, 0.5d, from 0.0 to 1.0",
        "MEMORY_PROFILING_SAMPLE_RATE, 10%, from 0.0 to 1.0",
        "MEMORY_GROWTH_THRESHOLD_MB, 0, from 1 to 1048576",
        "MEMORY_GROWTH_THRESHOLD_MB, -5, from 1 to 1048576",
        "MEMORY_GROWTH_THRESHOLD_MB, 10.5, from 1 to 1048576",
        "MEMORY_GROWTH_THRESHOLD_MB, 10MB, from 1 to 1048576",
        "MEMORY_GROWTH_THRESHOLD_MB, 99999999999, from 1 to 1048576",
        "HEAPWATCH_MAX_ROUTES, 0, from 1 to 10000",
        "HEAPWATCH_MAX_ROUTES, 10001, from 1 to 10000",
        "HEAPWATCH_MAX_ROUTES, many, from 1 to 10000",
    })
    void badValueFailsWithMessageNamingVariableValueAndRange(String variable, String value, String range) {
        assertThatThrownBy(() -> HeapwatchConfig.fromMap(env(variable, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(variable)
                .hasMessageContaining("'" + value + "'")
                .hasMessageContaining(range)
                .satisfies(e -> assertThat(((ConfigException) e).setting()).isEqualTo(variable));
    }

    @ParameterizedTest
    @CsvSource({"90s, 90", "30m, 1800", "2h, 7200", "1d, 86400", "PT45M, 2700"})
    void leakWindowAcceptsShortAndIsoDurations(String value, long seconds) {
        HeapwatchConfig c = HeapwatchConfig.fromMap(env("HEAPWATCH_LEAK_WINDOW", value));
        assertThat(c.leakDetection().window().getSeconds()).isEqualTo(seconds);
    }

    @Test
    void leakSettingsAreReadFromTheEnvironment() {
        HeapwatchConfig c = HeapwatchConfig.fromMap(env(
                "HEAPWATCH_LEAK_DETECTION", "false",
                "HEAPWATCH_LEAK_SUB_WINDOWS", "10",
                "HEAPWATCH_LEAK_MIN_GROWTH_PERCENT", "5",
                "HEAPWATCH_LEAK_TOP_ROUTES", "3"));
        assertThat(c.leakDetectionEnabled()).isFalse();
        assertThat(c.leakDetection().subWindows()).isEqualTo(10);
        assertThat(c.leakDetection().minGrowthFraction()).isEqualTo(0.05);
        assertThat(c.leakDetection().topRoutes()).isEqualTo(3);
        assertThat(HeapwatchConfig.fromMap(Map.of()).leakDetection().window().toMinutes())
                .isEqualTo(30);
    }

    @ParameterizedTest
    @CsvSource({
        "HEAPWATCH_LEAK_WINDOW, 5s, from 15s to 7d",
        "HEAPWATCH_LEAK_WINDOW, 8d, from 15s to 7d",
        "HEAPWATCH_LEAK_WINDOW, 30x, from 15s to 7d",
        "HEAPWATCH_LEAK_WINDOW, m, from 15s to 7d",
        "HEAPWATCH_LEAK_WINDOW, PT, from 15s to 7d",
        "HEAPWATCH_LEAK_SUB_WINDOWS, 2, from 3 to 240",
        "HEAPWATCH_LEAK_MIN_GROWTH_PERCENT, 101, from 0 to 100",
        "HEAPWATCH_LEAK_TOP_ROUTES, 0, from 1 to 100",
        "HEAPWATCH_LEAK_DETECTION, on, true or false",
    })
    void badLeakSettingFailsNamingTheVariable(String variable, String value, String range) {
        assertThatThrownBy(() -> HeapwatchConfig.fromMap(env(variable, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(variable)
                .hasMessageContaining("'" + value + "'")
                .hasMessageContaining(range);
    }

    @Test
    void leakWindowTooShortForItsSubWindowsNamesTheWindow() {
        assertThatThrownBy(() -> HeapwatchConfig.fromMap(
                        env("HEAPWATCH_LEAK_WINDOW", "60s", "HEAPWATCH_LEAK_SUB_WINDOWS", "240")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("HEAPWATCH_LEAK_WINDOW='60s'")
                .hasMessageContaining("one second per sub-window");
    }

    @Test
    void overlongContainerNameIsRejected() {
        assertThatThrownBy(() -> HeapwatchConfig.fromMap(env("CONTAINER_NAME", "x".repeat(254))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CONTAINER_NAME")
                .hasMessageContaining("at most 253 characters");
    }

    @Test
    void usernameWithoutPasswordFailsAndNamesTheMissingVariable() {
        assertThatThrownBy(() -> HeapwatchConfig.fromMap(env("METRICS_AUTH_USERNAME", "prom")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("METRICS_AUTH_PASSWORD");
    }

    @Test
    void passwordWithoutUsernameFailsAndNeverShowsThePassword() {
        assertThatThrownBy(() -> HeapwatchConfig.fromMap(env("METRICS_AUTH_PASSWORD", "hunter2-secret")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("METRICS_AUTH_USERNAME")
                .hasMessageNotContaining("hunter2-secret")
                .satisfies(
                        e -> assertThat(((ConfigException) e).rejectedValue()).isNull());
    }

    @ParameterizedTest
    @ValueSource(strings = {"pro:m", "tab\there"})
    void unusableUsernameFailsWithoutShowingIt(String username) {
        assertThatThrownBy(() ->
                        HeapwatchConfig.fromMap(env("METRICS_AUTH_USERNAME", username, "METRICS_AUTH_PASSWORD", "pw")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("METRICS_AUTH_USERNAME")
                .hasMessageNotContaining(username);
    }

    @Test
    void passwordWithControlCharacterFailsWithoutShowingIt() {
        assertThatThrownBy(() -> HeapwatchConfig.fromMap(
                        env("METRICS_AUTH_USERNAME", "u", "METRICS_AUTH_PASSWORD", "bad\u0007bell")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("METRICS_AUTH_PASSWORD")
                .hasMessageNotContaining("bell");
    }

    @Test
    void passwordFileIsReadWithoutItsTrailingNewline(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("password");
        Files.write(file, "from-file\n".getBytes(StandardCharsets.UTF_8));
        HeapwatchConfig c = HeapwatchConfig.fromMap(
                env("METRICS_AUTH_USERNAME", "prom", "METRICS_AUTH_PASSWORD_FILE", file.toString()));
        assertThat(c.metricsPassword()).isEqualTo("from-file");
    }

    @Test
    void passwordAndPasswordFileTogetherAreRejected(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("password");
        Files.write(file, "x".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> HeapwatchConfig.fromMap(env(
                        "METRICS_AUTH_USERNAME", "prom",
                        "METRICS_AUTH_PASSWORD", "pw",
                        "METRICS_AUTH_PASSWORD_FILE", file.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("METRICS_AUTH_PASSWORD_FILE");
    }

    @Test
    void missingPasswordFileFailsNamingTheVariableAndPath(@TempDir Path dir) {
        String missing = dir.resolve("nope").toString();
        assertThatThrownBy(() -> HeapwatchConfig.fromMap(
                        env("METRICS_AUTH_USERNAME", "prom", "METRICS_AUTH_PASSWORD_FILE", missing)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("METRICS_AUTH_PASSWORD_FILE")
                .hasMessageContaining(missing);
    }

    @Test
    void emptyPasswordFileIsRejected(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("empty");
        Files.write(file, "\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> HeapwatchConfig.fromMap(
                        env("METRICS_AUTH_USERNAME", "prom", "METRICS_AUTH_PASSWORD_FILE", file.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("non-empty password");
    }

    @Test
    void toStringNeverShowsCredentials() {
        HeapwatchConfig c = HeapwatchConfig.builder()
                .metricsCredentials("prom-user", "hunter2-secret")
                .build();
        assertThat(c.toString())
                .doesNotContain("hunter2-secret")
                .doesNotContain("prom-user")
                .contains("set");
    }

    @Test
    void builderValidatesLikeTheEnvironment() {
        assertThatThrownBy(() -> HeapwatchConfig.builder().sampleRate(2.0).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("MEMORY_PROFILING_SAMPLE_RATE");
        assertThatThrownBy(() -> HeapwatchConfig.builder().containerName("  ").build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CONTAINER_NAME");
    }
}
