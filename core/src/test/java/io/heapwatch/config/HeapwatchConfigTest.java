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
                "HEAPWATCH_LEAK_TOP_ROUTES", "3",
                "HEAPWATCH_LEAK_UNPROVEN_REACH", "2d"));
        assertThat(c.leakDetectionEnabled()).isFalse();
        assertThat(c.leakDetection().unprovenReach()).isEqualTo(java.time.Duration.ofDays(2));
        assertThat(HeapwatchConfig.fromMap(Map.of()).leakDetection().unprovenReach())
                .isEqualTo(java.time.Duration.ofHours(1));
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
        "HEAPWATCH_LEAK_UNPROVEN_REACH, 59s, from 1m to 30d",
        "HEAPWATCH_LEAK_UNPROVEN_REACH, 31d, from 1m to 30d",
        "HEAPWATCH_LEAK_UNPROVEN_REACH, 6x, from 1m to 30d",
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

    // ------------------------------------------------------------------------------- issue 15: strict credentials

    private static ConfigException configError(Map<String, String> env) {
        try {
            HeapwatchConfig.fromMap(env);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException");
    }

    private static Path write(Path dir, String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void passwordFileInLatin1IsRejectedInsteadOfDecodedToReplacementCharacters(@TempDir Path dir) throws IOException {
        // p\xe4ssword: "pässword" saved as Latin-1. It used to become "p\uFFFDssword", refusing "pässword".
        Path file = write(dir, "latin1", new byte[] {'p', (byte) 0xE4, 's', 's', 'w', 'o', 'r', 'd', '-', 'q', 'z'});
        ConfigException e =
                configError(env("METRICS_AUTH_USERNAME", "prom", "METRICS_AUTH_PASSWORD_FILE", file.toString()));
        assertThat(e.setting()).isEqualTo("METRICS_AUTH_PASSWORD_FILE");
        assertThat(e.rejectedValue()).isEqualTo(file.toString());
        assertThat(e.getMessage())
                .contains("not UTF-8")
                .contains("save it as UTF-8")
                .doesNotContain("ssword-qz");
    }

    @Test
    void passwordFileHoldingTheReplacementCharacterIsRejected(@TempDir Path dir) throws IOException {
        // p\xef\xbf\xbdssword: what every lossy decoder turns p\xe4ssword into; it used to be accepted.
        Path file = write(dir, "fffd", "p\uFFFDssword-qz".getBytes(StandardCharsets.UTF_8));
        ConfigException e =
                configError(env("METRICS_AUTH_USERNAME", "prom", "METRICS_AUTH_PASSWORD_FILE", file.toString()));
        assertThat(e.setting()).isEqualTo("METRICS_AUTH_PASSWORD_FILE");
        assertThat(e.getMessage()).contains("U+FFFD").contains("in UTF-8").doesNotContain("ssword-qz");
    }

    @Test
    void passwordFileLosesItsUtf8ByteOrderMark(@TempDir Path dir) throws IOException {
        byte[] text = "pässword\n".getBytes(StandardCharsets.UTF_8);
        byte[] bom = new byte[text.length + 3];
        bom[0] = (byte) 0xEF;
        bom[1] = (byte) 0xBB;
        bom[2] = (byte) 0xBF;
        System.arraycopy(text, 0, bom, 3, text.length);
        Path file = write(dir, "bom", bom);
        HeapwatchConfig c = HeapwatchConfig.fromMap(
                env("METRICS_AUTH_USERNAME", "prom", "METRICS_AUTH_PASSWORD_FILE", file.toString()));
        assertThat(c.metricsPassword()).isEqualTo("pässword");
    }

    @ParameterizedTest
    @ValueSource(strings = {"METRICS_AUTH_USERNAME", "METRICS_AUTH_PASSWORD"})
    void undecodableEnvironmentValueIsRejectedNamingTheVariable(String variable) {
        // What the JVM reads from the environment when its bytes are not in sun.jnu.encoding (a non-UTF-8 locale).
        Map<String, String> m = env("METRICS_AUTH_USERNAME", "prom", "METRICS_AUTH_PASSWORD", "pw");
        m.put(variable, "p\uFFFDssword-qz");
        ConfigException e = configError(m);
        assertThat(e.setting()).isEqualTo(variable);
        assertThat(e.rejectedValue()).isNull();
        assertThat(e.getMessage())
                .contains("U+FFFD")
                .contains("sun.jnu.encoding")
                .contains("UTF-8 locale")
                .doesNotContain("ssword-qz");
        if (variable.equals("METRICS_AUTH_PASSWORD")) {
            assertThat(e.getMessage()).contains("METRICS_AUTH_PASSWORD_FILE");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {" ", "   ", "\t", " \t \u2003"})
    void whitespaceOnlyCredentialsCountAsUnsetLikeEveryOtherVariable(String blank) {
        // A blank username used to be accepted as a username of spaces.
        ConfigException e = configError(env("METRICS_AUTH_USERNAME", blank, "METRICS_AUTH_PASSWORD", "pw"));
        assertThat(e.setting()).isEqualTo("METRICS_AUTH_USERNAME");
        assertThat(e.getMessage()).contains("to be set together with the password");
        e = configError(env("METRICS_AUTH_USERNAME", "prom", "METRICS_AUTH_PASSWORD", blank));
        assertThat(e.setting()).isEqualTo("METRICS_AUTH_PASSWORD");
        HeapwatchConfig none =
                HeapwatchConfig.fromMap(env("METRICS_AUTH_USERNAME", blank, "METRICS_AUTH_PASSWORD", blank));
        assertThat(none.metricsCredentialsConfigured()).isFalse();
        assertThatThrownBy(() -> HeapwatchConfig.builder()
                        .metricsCredentials(blank, "pw")
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("METRICS_AUTH_USERNAME")
                .hasMessageContaining("only whitespace");
    }

    @Test
    void isUnsetIsTheOneBlankRule() {
        assertThat(HeapwatchConfig.isUnset(null)).isTrue();
        assertThat(HeapwatchConfig.isUnset("")).isTrue();
        assertThat(HeapwatchConfig.isUnset(" \t\n\u2003")).isTrue();
        assertThat(HeapwatchConfig.isUnset(" x ")).isFalse();
        assertThat(HeapwatchConfig.isUnset("\u00a0")).isFalse();
    }

    @Test
    void emptyPasswordVariableBesideThePasswordFileIsUnsetNotBothSet(@TempDir Path dir) throws IOException {
        Path file = write(dir, "pw", "from-file\n".getBytes(StandardCharsets.UTF_8));
        HeapwatchConfig c = HeapwatchConfig.fromMap(env(
                "METRICS_AUTH_USERNAME", "prom",
                "METRICS_AUTH_PASSWORD", "",
                "METRICS_AUTH_PASSWORD_FILE", file.toString()));
        assertThat(c.metricsPassword()).isEqualTo("from-file");
    }

    @Test
    void credentialLengthIsCountedInUtf8BytesSoEveryAcceptedOneFitsTheHeader() {
        // 256 x U+4E2D is 768 bytes: it used to start and could never log in (the header holds 762 bytes at most).
        String cjk256 = "中".repeat(256);
        for (String variable : new String[] {"METRICS_AUTH_USERNAME", "METRICS_AUTH_PASSWORD"}) {
            Map<String, String> m = env("METRICS_AUTH_USERNAME", "prom", "METRICS_AUTH_PASSWORD", "pw");
            m.put(variable, cjk256);
            ConfigException e = configError(m);
            assertThat(e.setting()).isEqualTo(variable);
            assertThat(e.getMessage()).contains("256 bytes in UTF-8").doesNotContain("中");
        }
        String bytes256 = "中".repeat(85) + "a"; // 255 + 1
        HeapwatchConfig c =
                HeapwatchConfig.fromMap(env("METRICS_AUTH_USERNAME", bytes256, "METRICS_AUTH_PASSWORD", bytes256));
        assertThat(c.metricsPassword()).isEqualTo(bytes256);
        assertThatThrownBy(() -> HeapwatchConfig.fromMap(
                        env("METRICS_AUTH_USERNAME", "prom", "METRICS_AUTH_PASSWORD", bytes256 + "a")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("METRICS_AUTH_PASSWORD");
        assertThat(HeapwatchConfig.fromMap(
                                env("METRICS_AUTH_USERNAME", "x".repeat(256), "METRICS_AUTH_PASSWORD", "y".repeat(256)))
                        .metricsPassword())
                .hasSize(256);
        // The longest accepted pair fits the 1024-character header the endpoint examines.
        int base64 = 4 * ((256 + 1 + 256 + 2) / 3);
        assertThat("Basic ".length() + base64).isLessThanOrEqualTo(1024);
    }

    @Test
    void passwordFileThatIsADeviceIsRefusedBeforeReading() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/zero")));
        // It used to be read whole: OutOfMemoryError.
        ConfigException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(30),
                () -> configError(env("METRICS_AUTH_USERNAME", "prom", "METRICS_AUTH_PASSWORD_FILE", "/dev/zero")));
        assertThat(e.setting()).isEqualTo("METRICS_AUTH_PASSWORD_FILE");
        assertThat(e.getMessage()).contains("regular file").contains("a device, a pipe or a socket");
    }

    @Test
    void passwordFileThatIsAFifoIsRefusedWithoutHanging(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException e) {
            org.junit.jupiter.api.Assumptions.abort("mkfifo is not available");
            return;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(mkfifo.waitFor() == 0 && Files.exists(fifo));
        // Opening a FIFO for reading blocks until a writer comes: it used to hang startup.
        ConfigException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(30),
                () -> configError(env("METRICS_AUTH_USERNAME", "prom", "METRICS_AUTH_PASSWORD_FILE", fifo.toString())));
        assertThat(e.setting()).isEqualTo("METRICS_AUTH_PASSWORD_FILE");
        assertThat(e.getMessage()).contains("regular file");
    }

    @Test
    void passwordFileOverTheCapIsRefused(@TempDir Path dir) throws IOException {
        Path file = write(dir, "big", "x".repeat(4097).getBytes(StandardCharsets.UTF_8));
        ConfigException e =
                configError(env("METRICS_AUTH_USERNAME", "prom", "METRICS_AUTH_PASSWORD_FILE", file.toString()));
        assertThat(e.setting()).isEqualTo("METRICS_AUTH_PASSWORD_FILE");
        assertThat(e.getMessage()).contains("at most 4096 bytes");
    }

    @Test
    void aBadPasswordInTheFileIsReportedAsTheFileVariable(@TempDir Path dir) throws IOException {
        // It used to be reported as METRICS_AUTH_PASSWORD, which the operator never set.
        Path twoNewlines = write(dir, "nn", "secret-x\n\n".getBytes(StandardCharsets.UTF_8));
        ConfigException e =
                configError(env("METRICS_AUTH_USERNAME", "prom", "METRICS_AUTH_PASSWORD_FILE", twoNewlines.toString()));
        assertThat(e.setting()).isEqualTo("METRICS_AUTH_PASSWORD_FILE");
        assertThat(e.rejectedValue()).isEqualTo(twoNewlines.toString());
        assertThat(e.getMessage())
                .contains("a file holding a password")
                .contains("in the file it holds a control character")
                .doesNotContain("secret-x");
        Path tooLong = write(dir, "long", "y".repeat(300).getBytes(StandardCharsets.UTF_8));
        e = configError(env("METRICS_AUTH_USERNAME", "prom", "METRICS_AUTH_PASSWORD_FILE", tooLong.toString()));
        assertThat(e.setting()).isEqualTo("METRICS_AUTH_PASSWORD_FILE");
        assertThat(e.getMessage()).contains("256 bytes");
    }

    @Test
    void credentialMessagesSayWhatIsWrongInPlainWords() {
        assertThat(configError(env("METRICS_AUTH_USERNAME", "pro:m", "METRICS_AUTH_PASSWORD", "pw"))
                        .getMessage())
                .contains("separates the username from the password");
        assertThat(configError(env("METRICS_AUTH_USERNAME", "prom", "METRICS_AUTH_PASSWORD", "a\u0007b"))
                        .getMessage())
                .contains("control character");
        assertThatThrownBy(() -> HeapwatchConfig.builder()
                        .metricsCredentials("prom", "x\uD800y")
                        .build())
                .hasMessageContaining("unpaired surrogate");
    }

    // ------------------------------------------------------------------------------- issue 15: hash, path, back-off

    @Test
    void passwordHashIsReadAndIsExclusiveWithThePlainPassword(@TempDir Path dir) throws IOException {
        String hash = PasswordHash.create("s3cret".toCharArray(), PasswordHash.MIN_ITERATIONS);
        HeapwatchConfig c =
                HeapwatchConfig.fromMap(env("METRICS_AUTH_USERNAME", "prom", "METRICS_AUTH_PASSWORD_HASH", hash));
        assertThat(c.metricsCredentialsConfigured()).isTrue();
        assertThat(c.metricsPassword()).isNull();
        assertThat(c.metricsPasswordHash()).isEqualTo(PasswordHash.parse(hash));
        assertThat(c.toString()).contains("PBKDF2").doesNotContain(hash.substring(30));
        ConfigException e = configError(env(
                "METRICS_AUTH_USERNAME", "prom", "METRICS_AUTH_PASSWORD", "pw", "METRICS_AUTH_PASSWORD_HASH", hash));
        assertThat(e.setting()).isEqualTo("METRICS_AUTH_PASSWORD_HASH");
        Path file = write(dir, "pw", "pw".getBytes(StandardCharsets.UTF_8));
        e = configError(env(
                "METRICS_AUTH_USERNAME",
                "prom",
                "METRICS_AUTH_PASSWORD_FILE",
                file.toString(),
                "METRICS_AUTH_PASSWORD_HASH",
                hash));
        assertThat(e.setting()).isEqualTo("METRICS_AUTH_PASSWORD_HASH");
        e = configError(env("METRICS_AUTH_PASSWORD_HASH", hash));
        assertThat(e.setting()).isEqualTo("METRICS_AUTH_USERNAME");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "s3cret",
                "$pbkdf2-sha256$i=1000$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5",
                "$pbkdf2-sha256$i=600000$c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5",
                "$pbkdf2-sha512$i=600000$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5",
                "$pbkdf2-sha256$i=600000$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5==",
                "$pbkdf2-sha256$600000$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5",
                "$2y$10$abcdefghijklmnopqrstuuN0yq7G1V0x7Y7sF6aVj2h5bU0l1mVbe"
            })
    void malformedPasswordHashFailsNamingTheVariableWithoutShowingIt(String hash) {
        ConfigException e = configError(env("METRICS_AUTH_USERNAME", "prom", "METRICS_AUTH_PASSWORD_HASH", hash));
        assertThat(e.setting()).isEqualTo("METRICS_AUTH_PASSWORD_HASH");
        assertThat(e.rejectedValue()).isNull();
        assertThat(e.getMessage()).contains("$pbkdf2-sha256$").doesNotContain(hash);
    }

    @Test
    void metricsPathDefaultsToMetricsAndIsConfigurable() {
        assertThat(HeapwatchConfig.fromMap(Map.of()).metricsPath()).isEqualTo("/metrics");
        assertThat(HeapwatchConfig.fromMap(env("HEAPWATCH_METRICS_PATH", " /internal/heapwatch-metrics "))
                        .metricsPath())
                .isEqualTo("/internal/heapwatch-metrics");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "metrics",
                "/",
                "/metrics/",
                "/metrics/*",
                "*.metrics",
                "//metrics",
                "/a/../metrics",
                "/./metrics",
                "/metrics;x",
                "/metrics?x",
                "/met rics",
                "/m%65trics",
                "/métrics"
            })
    void badMetricsPathFailsWithTheAcceptedForm(String path) {
        ConfigException e = configError(env("HEAPWATCH_METRICS_PATH", path));
        assertThat(e.setting()).isEqualTo("HEAPWATCH_METRICS_PATH");
        assertThat(e.rejectedValue()).isEqualTo(path);
        assertThat(e.getMessage()).contains("an absolute path such as /metrics");
    }

    @Test
    void backoffIsOnByDefaultAndCanBeTurnedOffButNotAuthentication() {
        assertThat(HeapwatchConfig.fromMap(Map.of()).authBackoff()).isTrue();
        HeapwatchConfig off = HeapwatchConfig.fromMap(env(
                "HEAPWATCH_METRICS_AUTH_BACKOFF", "false", "METRICS_AUTH_USERNAME", "u", "METRICS_AUTH_PASSWORD", "p"));
        assertThat(off.authBackoff()).isFalse();
        assertThat(off.metricsCredentialsConfigured()).isTrue();
        assertThat(configError(env("HEAPWATCH_METRICS_AUTH_BACKOFF", "no")).getMessage())
                .contains("true or false");
    }
}
