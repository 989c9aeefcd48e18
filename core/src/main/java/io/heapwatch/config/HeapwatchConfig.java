package io.heapwatch.config;

import io.heapwatch.diagnosis.DiagnosisSettings;
import io.heapwatch.leak.LeakDetectionSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * heapwatch's configuration. Immutable and validated on construction: build it with {@link #builder()} or read it
 * from the environment with {@link #fromEnvironment()}.
 *
 * <p>Environment variables, with their defaults:
 *
 * <ul>
 *   <li>{@value #ENABLE_MEMORY_PROFILING} ({@code true})
 *   <li>{@value #MEMORY_PROFILING_SAMPLE_RATE} ({@code 1.0}, from 0.0 to 1.0)
 *   <li>{@value #MEMORY_GROWTH_THRESHOLD_MB} ({@code 10}, from 1 to 1048576)
 *   <li>{@value #CONTAINER_NAME} ({@code default})
 *   <li>{@value #ENABLE_PROMETHEUS_METRICS} ({@code true})
 *   <li>{@value #METRICS_AUTH_USERNAME} and one of {@value #METRICS_AUTH_PASSWORD},
 *       {@value #METRICS_AUTH_PASSWORD_FILE} or {@value #METRICS_AUTH_PASSWORD_HASH} (no default: the endpoint answers
 *       500 until both are set)
 *   <li>{@value #HEAPWATCH_METRICS_PATH} ({@code /metrics}), {@value #HEAPWATCH_METRICS_AUTH_BACKOFF} ({@code true})
 *   <li>{@value #HEAPWATCH_MAX_ROUTES} ({@code 100}, from 1 to 10000)
 *   <li>{@value #HEAPWATCH_HEAP_DELTA} ({@code true})
 *   <li>{@value #HEAPWATCH_LEAK_DETECTION} ({@code true}), {@value #HEAPWATCH_LEAK_WINDOW} ({@code 30m}),
 *       {@value #HEAPWATCH_LEAK_SUB_WINDOWS} ({@code 15}), {@value #HEAPWATCH_LEAK_MIN_GROWTH_PERCENT} ({@code 2}),
 *       {@value #HEAPWATCH_LEAK_TOP_ROUTES} ({@code 5}), {@value #HEAPWATCH_LEAK_UNPROVEN_REACH} ({@code 1h})
 *   <li>{@value #HEAPWATCH_DIAGNOSIS} ({@code false}: the allocation-sample recording that names leaking types),
 *       {@value #HEAPWATCH_DIAGNOSIS_MIN_INTERVAL} ({@code 30s}), {@value #HEAPWATCH_DIAGNOSIS_APP_PACKAGES}
 *       (unset: every package outside the JDK, the containers, Spring, Micrometer and heapwatch),
 *       {@value #HEAPWATCH_DIAGNOSIS_HISTOGRAM} ({@code false}: a class histogram per diagnosis, a full collection),
 *       {@value #HEAPWATCH_DIAGNOSIS_GC_ROOTS} ({@code false}: paths to GC roots, a search at a safepoint per dump),
 *       {@value #HEAPWATCH_DIAGNOSIS_OBJECT_COUNT} ({@code false}: {@code jdk.ObjectCountAfterGC} in the recording, a
 *       count of the heap inside the pause of each G1 remark and full collection)
 *   <li>{@value #HEAPWATCH_REPORT} ({@code true}), {@value #HEAPWATCH_REPORT_PATH} ({@code /heapwatch}),
 *       {@value #HEAPWATCH_DIAGNOSIS_PATH} ({@code /heapwatch/diagnosis}): the report page and the diagnosis JSON,
 *       behind the metrics credentials
 * </ul>
 */
public final class HeapwatchConfig {

    public static final String ENABLE_MEMORY_PROFILING = "ENABLE_MEMORY_PROFILING";
    public static final String MEMORY_PROFILING_SAMPLE_RATE = "MEMORY_PROFILING_SAMPLE_RATE";
    public static final String MEMORY_GROWTH_THRESHOLD_MB = "MEMORY_GROWTH_THRESHOLD_MB";
    public static final String CONTAINER_NAME = "CONTAINER_NAME";
    public static final String ENABLE_PROMETHEUS_METRICS = "ENABLE_PROMETHEUS_METRICS";
    public static final String METRICS_AUTH_USERNAME = "METRICS_AUTH_USERNAME";
    public static final String METRICS_AUTH_PASSWORD = "METRICS_AUTH_PASSWORD";
    public static final String METRICS_AUTH_PASSWORD_FILE = "METRICS_AUTH_PASSWORD_FILE";
    public static final String METRICS_AUTH_PASSWORD_HASH = "METRICS_AUTH_PASSWORD_HASH";
    public static final String HEAPWATCH_METRICS_PATH = "HEAPWATCH_METRICS_PATH";
    public static final String HEAPWATCH_METRICS_AUTH_BACKOFF = "HEAPWATCH_METRICS_AUTH_BACKOFF";
    public static final String HEAPWATCH_MAX_ROUTES = "HEAPWATCH_MAX_ROUTES";
    public static final String HEAPWATCH_HEAP_DELTA = "HEAPWATCH_HEAP_DELTA";
    public static final String HEAPWATCH_LEAK_DETECTION = "HEAPWATCH_LEAK_DETECTION";
    public static final String HEAPWATCH_LEAK_WINDOW = "HEAPWATCH_LEAK_WINDOW";
    public static final String HEAPWATCH_LEAK_SUB_WINDOWS = "HEAPWATCH_LEAK_SUB_WINDOWS";
    public static final String HEAPWATCH_LEAK_MIN_GROWTH_PERCENT = "HEAPWATCH_LEAK_MIN_GROWTH_PERCENT";
    public static final String HEAPWATCH_LEAK_TOP_ROUTES = "HEAPWATCH_LEAK_TOP_ROUTES";
    /**
     * How soon a rise of the floors must fill the heap to be reported while no collection of the last 3 days has
     * brought down a tooth of the sawtooth.
     */
    public static final String HEAPWATCH_LEAK_UNPROVEN_REACH = "HEAPWATCH_LEAK_UNPROVEN_REACH";

    public static final String HEAPWATCH_DIAGNOSIS = "HEAPWATCH_DIAGNOSIS";
    public static final String HEAPWATCH_DIAGNOSIS_MIN_INTERVAL = "HEAPWATCH_DIAGNOSIS_MIN_INTERVAL";
    public static final String HEAPWATCH_DIAGNOSIS_APP_PACKAGES = "HEAPWATCH_DIAGNOSIS_APP_PACKAGES";
    public static final String HEAPWATCH_DIAGNOSIS_HISTOGRAM = "HEAPWATCH_DIAGNOSIS_HISTOGRAM";
    public static final String HEAPWATCH_DIAGNOSIS_GC_ROOTS = "HEAPWATCH_DIAGNOSIS_GC_ROOTS";
    public static final String HEAPWATCH_DIAGNOSIS_OBJECT_COUNT = "HEAPWATCH_DIAGNOSIS_OBJECT_COUNT";
    public static final String HEAPWATCH_REPORT = "HEAPWATCH_REPORT";
    public static final String HEAPWATCH_REPORT_PATH = "HEAPWATCH_REPORT_PATH";
    public static final String HEAPWATCH_DIAGNOSIS_PATH = "HEAPWATCH_DIAGNOSIS_PATH";

    static final Duration MIN_LEAK_WINDOW = Duration.ofSeconds(15);
    static final Duration MAX_LEAK_WINDOW = Duration.ofDays(7);
    private static final String WINDOW_RANGE =
            "a duration from 15s to 7d, such as 30m, 90s, 2h or PT30M, of at least one second per sub-window";
    static final Duration MIN_UNPROVEN_REACH = Duration.ofMinutes(1);
    static final Duration MAX_UNPROVEN_REACH = Duration.ofDays(30);
    private static final String UNPROVEN_REACH_RANGE = "a duration from 1m to 30d, such as 1h, 90m, 2d or PT1H";

    static final int MAX_THRESHOLD_MB = 1_048_576;
    static final int MAX_ROUTES_LIMIT = 10_000;
    static final int MAX_CONTAINER_NAME_LENGTH = 253;
    /**
     * Longest username, and longest password, in UTF-8 bytes. Both together ({@code user:password}, 513 bytes) fit in
     * the {@code Authorization} header the endpoint examines (1,024 characters: {@code Basic } and 684 of base64).
     */
    public static final int MAX_CREDENTIAL_BYTES = 256;

    /** Largest password file read, in bytes. */
    static final int MAX_PASSWORD_FILE_BYTES = 4096;

    /** The default path of the metrics endpoint. */
    public static final String DEFAULT_METRICS_PATH = "/metrics";

    static final int MAX_METRICS_PATH_LENGTH = 200;
    private static final String METRICS_PATH_RULE = "an absolute path such as /metrics or /internal/heapwatch-metrics:"
            + " '/'-separated segments of letters, digits, '-', '_', '.' and '~' (not '.' or '..'), no trailing '/',"
            + " at most " + MAX_METRICS_PATH_LENGTH + " characters";

    private static final String BOOLEAN = "true or false";

    private final boolean profilingEnabled;
    private final double sampleRate;
    private final int growthThresholdMb;
    private final String containerName;
    private final boolean prometheusEnabled;
    private final @Nullable String metricsUsername;
    private final @Nullable String metricsPassword;
    private final @Nullable PasswordHash metricsPasswordHash;
    private final String metricsPath;
    private final boolean authBackoff;
    private final int maxRoutes;
    private final boolean heapDeltaEnabled;
    private final boolean leakDetectionEnabled;
    private final LeakDetectionSettings leakDetection;
    private final DiagnosisSettings diagnosis;
    private final boolean reportEnabled;
    private final String reportPath;
    private final String diagnosisPath;

    private HeapwatchConfig(Builder b) {
        if (Double.isNaN(b.sampleRate) || b.sampleRate < 0.0 || b.sampleRate > 1.0) {
            throw new ConfigException(
                    MEMORY_PROFILING_SAMPLE_RATE, Double.toString(b.sampleRate), "a decimal number from 0.0 to 1.0");
        }
        if (b.growthThresholdMb < 1 || b.growthThresholdMb > MAX_THRESHOLD_MB) {
            throw new ConfigException(
                    MEMORY_GROWTH_THRESHOLD_MB,
                    Integer.toString(b.growthThresholdMb),
                    "a whole number of megabytes from 1 to " + MAX_THRESHOLD_MB);
        }
        String container = b.containerName.trim();
        if (container.isEmpty() || container.length() > MAX_CONTAINER_NAME_LENGTH) {
            throw new ConfigException(
                    CONTAINER_NAME,
                    b.containerName,
                    "a non-blank name of at most " + MAX_CONTAINER_NAME_LENGTH + " characters");
        }
        if (b.maxRoutes < 1 || b.maxRoutes > MAX_ROUTES_LIMIT) {
            throw new ConfigException(
                    HEAPWATCH_MAX_ROUTES,
                    Integer.toString(b.maxRoutes),
                    "a whole number from 1 to " + MAX_ROUTES_LIMIT);
        }
        if (!validMetricsPath(b.metricsPath)) {
            throw new ConfigException(HEAPWATCH_METRICS_PATH, b.metricsPath, METRICS_PATH_RULE);
        }
        PasswordHash hash = checkCredentials(b);
        DiagnosisEnvironment.checkPaths(b.reportPath, b.diagnosisPath, b.metricsPath);
        this.profilingEnabled = b.profilingEnabled;
        this.sampleRate = b.sampleRate;
        this.growthThresholdMb = b.growthThresholdMb;
        this.containerName = container;
        this.prometheusEnabled = b.prometheusEnabled;
        this.metricsUsername = b.metricsUsername;
        this.metricsPassword = b.metricsPassword;
        this.metricsPasswordHash = hash;
        this.metricsPath = b.metricsPath;
        this.authBackoff = b.authBackoff;
        this.maxRoutes = b.maxRoutes;
        this.heapDeltaEnabled = b.heapDeltaEnabled;
        this.leakDetectionEnabled = b.leakDetectionEnabled;
        this.leakDetection = b.leakDetection;
        this.diagnosis = b.diagnosis;
        this.reportEnabled = b.reportEnabled;
        this.reportPath = b.reportPath;
        this.diagnosisPath = b.diagnosisPath;
    }

    private static @Nullable PasswordHash checkCredentials(Builder b) {
        String username = b.metricsUsername;
        boolean passwordSet = b.metricsPassword != null || b.metricsPasswordHash != null;
        if (b.metricsPassword != null && b.metricsPasswordHash != null) {
            throw new ConfigException(
                    METRICS_AUTH_PASSWORD_HASH,
                    null,
                    "to be unset when a plain password is set (set one of " + PASSWORD_VARIABLES + ")");
        }
        if (username == null && passwordSet) {
            throw new ConfigException(
                    METRICS_AUTH_USERNAME,
                    null,
                    "to be set together with the password in " + b.passwordSetting
                            + " (set both, or neither to leave the endpoint answering 500)");
        }
        if (username != null && !passwordSet) {
            throw new ConfigException(
                    METRICS_AUTH_PASSWORD,
                    null,
                    "to be set together with " + METRICS_AUTH_USERNAME + ": set one of " + PASSWORD_VARIABLES
                            + " (or neither variable, to leave the endpoint answering 500)");
        }
        if (username != null) {
            String problem = credentialProblem(username, true, b.usernameFromEnvironment ? ENVIRONMENT : CODE);
            if (problem != null) {
                throw new ConfigException(METRICS_AUTH_USERNAME, null, USERNAME_RULE + ", but " + problem);
            }
        }
        String password = b.metricsPassword;
        if (password != null) {
            String source = b.passwordSetting.equals(METRICS_AUTH_PASSWORD_FILE)
                    ? FILE
                    : b.passwordFromEnvironment ? ENVIRONMENT : CODE;
            String problem = credentialProblem(password, false, source);
            if (problem != null) {
                if (b.passwordSetting.equals(METRICS_AUTH_PASSWORD_FILE)) {
                    throw new ConfigException(
                            METRICS_AUTH_PASSWORD_FILE,
                            b.passwordFile,
                            "a file holding " + PASSWORD_RULE + ", but in the file " + problem);
                }
                throw new ConfigException(METRICS_AUTH_PASSWORD, null, PASSWORD_RULE + ", but " + problem);
            }
        }
        String hash = b.metricsPasswordHash;
        if (hash == null) {
            return null;
        }
        try {
            return PasswordHash.parse(hash);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    METRICS_AUTH_PASSWORD_HASH, null, PasswordHash.ACCEPTED + ", but " + e.getMessage());
        }
    }

    private static final String PASSWORD_VARIABLES =
            METRICS_AUTH_PASSWORD + ", " + METRICS_AUTH_PASSWORD_FILE + " or " + METRICS_AUTH_PASSWORD_HASH;
    private static final String USERNAME_RULE =
            "a username of 1 to " + MAX_CREDENTIAL_BYTES + " bytes in UTF-8, without ':' or control characters";
    private static final String PASSWORD_RULE =
            "a password of 1 to " + MAX_CREDENTIAL_BYTES + " bytes in UTF-8, without control characters";

    private static final String ENVIRONMENT = "environment";
    private static final String FILE = "file";
    private static final String CODE = "code";

    /**
     * Why a credential can never authenticate, in words that do not show it, or {@code null} when it is usable.
     *
     * @param source {@link #ENVIRONMENT} (decoded with sun.jnu.encoding), {@link #FILE} or {@link #CODE}
     */
    private static @Nullable String credentialProblem(String value, boolean username, String source) {
        if (isUnset(value)) {
            return "it is empty or only whitespace";
        }
        if (value.indexOf('\uFFFD') >= 0) {
            String fix = username
                    ? "run the JVM under a UTF-8 locale (for example LANG=C.UTF-8)"
                    : "put the password in a UTF-8 file named by " + METRICS_AUTH_PASSWORD_FILE
                            + ", or run the JVM under a UTF-8 locale (for example LANG=C.UTF-8)";
            if (source.equals(FILE)) {
                return "it holds U+FFFD, the replacement character a lossy conversion leaves in place of bytes it"
                        + " could not decode; write the original secret to the file in UTF-8";
            }
            if (source.equals(ENVIRONMENT)) {
                return "it holds U+FFFD where the JVM could not decode the environment's bytes (sun.jnu.encoding="
                        + System.getProperty("sun.jnu.encoding") + "), so different secrets would look alike and the"
                        + " real one would be refused; " + fix;
            }
            return "it holds U+FFFD, the replacement character a lossy conversion leaves in place of bytes it could"
                    + " not decode; " + fix;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                return "it holds a control character (a tab, a newline or a second trailing newline in a file?)";
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c)
                        && i + 1 < value.length()
                        && Character.isLowSurrogate(value.charAt(i + 1));
                if (!paired) {
                    return "it holds an unpaired surrogate, which has no UTF-8 form";
                }
                i++;
            }
        }
        if (username && value.indexOf(':') >= 0) {
            return "it holds ':', which separates the username from the password in the header";
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_CREDENTIAL_BYTES) {
            return "it is longer than " + MAX_CREDENTIAL_BYTES + " bytes in UTF-8 (non-ASCII characters take 2 to 4"
                    + " bytes each)";
        }
        return null;
    }

    /**
     * The one rule for an unset value, shared by the environment variables and the Spring Boot properties:
     * {@code null}, empty, or made only of whitespace and control characters.
     */
    public static boolean isUnset(@Nullable String value) {
        if (value == null) {
            return true;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > ' ' && !Character.isWhitespace(c)) {
                return false;
            }
        }
        return true;
    }

    static boolean validMetricsPath(String path) {
        if (path.length() < 2 || path.length() > MAX_METRICS_PATH_LENGTH || path.charAt(0) != '/') {
            return false;
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
            for (int i = 0; i < segment.length(); i++) {
                char c = segment.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z')
                        || (c >= 'A' && c <= 'Z')
                        || (c >= '0' && c <= '9')
                        || c == '-'
                        || c == '_'
                        || c == '.'
                        || c == '~';
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A builder holding the documented defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Reads the configuration from the process environment. */
    public static HeapwatchConfig fromEnvironment() {
        return fromMap(System.getenv());
    }

    /**
     * Reads the configuration from a map of environment variables. Blank values (empty, or only whitespace) count
     * as unset, credentials included; other values are trimmed, except credentials, which are taken as they are.
     *
     * @throws ConfigException naming the first variable whose value is not accepted
     */
    public static HeapwatchConfig fromMap(Map<String, String> env) {
        Builder b = builder();
        String v;
        if ((v = value(env, ENABLE_MEMORY_PROFILING)) != null) {
            b.profilingEnabled(parseBoolean(ENABLE_MEMORY_PROFILING, v));
        }
        if ((v = value(env, MEMORY_PROFILING_SAMPLE_RATE)) != null) {
            b.sampleRate(parseSampleRate(v));
        }
        if ((v = value(env, MEMORY_GROWTH_THRESHOLD_MB)) != null) {
            b.growthThresholdMb(parseInt(MEMORY_GROWTH_THRESHOLD_MB, v, 1, MAX_THRESHOLD_MB, "megabytes "));
        }
        if ((v = value(env, CONTAINER_NAME)) != null) {
            b.containerName(v);
        }
        if ((v = value(env, ENABLE_PROMETHEUS_METRICS)) != null) {
            b.prometheusEnabled(parseBoolean(ENABLE_PROMETHEUS_METRICS, v));
        }
        if ((v = value(env, HEAPWATCH_MAX_ROUTES)) != null) {
            b.maxRoutes(parseInt(HEAPWATCH_MAX_ROUTES, v, 1, MAX_ROUTES_LIMIT, ""));
        }
        if ((v = value(env, HEAPWATCH_HEAP_DELTA)) != null) {
            b.heapDeltaEnabled(parseBoolean(HEAPWATCH_HEAP_DELTA, v));
        }
        if ((v = value(env, HEAPWATCH_LEAK_DETECTION)) != null) {
            b.leakDetectionEnabled(parseBoolean(HEAPWATCH_LEAK_DETECTION, v));
        }
        if ((v = value(env, HEAPWATCH_METRICS_PATH)) != null) {
            b.metricsPath(v);
        }
        if ((v = value(env, HEAPWATCH_METRICS_AUTH_BACKOFF)) != null) {
            b.authBackoff(parseBoolean(HEAPWATCH_METRICS_AUTH_BACKOFF, v));
        }
        b.leakDetection(leakSettings(env));
        DiagnosisEnvironment.read(env, b);
        String username = credential(env, METRICS_AUTH_USERNAME);
        String password = credential(env, METRICS_AUTH_PASSWORD);
        String passwordFile = value(env, METRICS_AUTH_PASSWORD_FILE);
        String passwordHash = value(env, METRICS_AUTH_PASSWORD_HASH);
        if (password != null && passwordFile != null) {
            throw new ConfigException(
                    METRICS_AUTH_PASSWORD_FILE,
                    null,
                    "to be unset when " + METRICS_AUTH_PASSWORD + " is set (set one of them)");
        }
        if (passwordHash != null && (password != null || passwordFile != null)) {
            throw new ConfigException(
                    METRICS_AUTH_PASSWORD_HASH,
                    null,
                    "to be unset when " + (password != null ? METRICS_AUTH_PASSWORD : METRICS_AUTH_PASSWORD_FILE)
                            + " is set (set one of " + PASSWORD_VARIABLES + ")");
        }
        b.usernameFromEnvironment = true;
        if (passwordHash != null) {
            b.metricsHashedCredentials(username, passwordHash);
            b.passwordSetting = METRICS_AUTH_PASSWORD_HASH;
        } else if (passwordFile != null) {
            b.metricsCredentials(username, readPasswordFile(passwordFile));
            b.passwordSetting = METRICS_AUTH_PASSWORD_FILE;
            b.passwordFile = passwordFile;
        } else {
            b.metricsCredentials(username, password);
            b.passwordFromEnvironment = true;
        }
        return b.build();
    }

    /** A credential variable: {@code null} when unset or blank, otherwise the value exactly as it is. */
    private static @Nullable String credential(Map<String, String> env, String name) {
        String v = env.get(name);
        return isUnset(v) ? null : v;
    }

    private static LeakDetectionSettings leakSettings(Map<String, String> env) {
        LeakDetectionSettings.Builder leak = LeakDetectionSettings.builder();
        String v;
        if ((v = value(env, HEAPWATCH_LEAK_SUB_WINDOWS)) != null) {
            leak.subWindows(parseInt(HEAPWATCH_LEAK_SUB_WINDOWS, v, 3, 240, ""));
        }
        if ((v = value(env, HEAPWATCH_LEAK_MIN_GROWTH_PERCENT)) != null) {
            leak.minGrowthFraction(parsePercent(HEAPWATCH_LEAK_MIN_GROWTH_PERCENT, v) / 100.0);
        }
        if ((v = value(env, HEAPWATCH_LEAK_TOP_ROUTES)) != null) {
            leak.topRoutes(parseInt(HEAPWATCH_LEAK_TOP_ROUTES, v, 1, 100, ""));
        }
        if ((v = value(env, HEAPWATCH_LEAK_UNPROVEN_REACH)) != null) {
            leak.unprovenReach(parseDuration(
                    HEAPWATCH_LEAK_UNPROVEN_REACH, v, MIN_UNPROVEN_REACH, MAX_UNPROVEN_REACH, UNPROVEN_REACH_RANGE));
        }
        String window = value(env, HEAPWATCH_LEAK_WINDOW);
        if (window != null) {
            leak.window(parseWindow(window));
        }
        try {
            return leak.build();
        } catch (IllegalArgumentException e) {
            // Only the window and sub-window count can conflict once each passed its own range.
            throw new ConfigException(HEAPWATCH_LEAK_WINDOW, window == null ? "30m" : window, WINDOW_RANGE);
        }
    }

    /** Parses {@code 90s}, {@code 30m}, {@code 2h}, {@code 1d} or an ISO-8601 duration such as {@code PT30M}. */
    static Duration parseWindow(String value) {
        return parseDuration(HEAPWATCH_LEAK_WINDOW, value, MIN_LEAK_WINDOW, MAX_LEAK_WINDOW, WINDOW_RANGE);
    }

    private static Duration parseDuration(String name, String value, Duration min, Duration max, String range) {
        Duration d = null;
        try {
            if (value.length() > 1 && (value.startsWith("P") || value.startsWith("p"))) {
                d = Duration.parse(value);
            } else if (value.length() > 1) {
                long n = Long.parseLong(value.substring(0, value.length() - 1));
                switch (value.charAt(value.length() - 1)) {
                    case 's':
                        d = Duration.ofSeconds(n);
                        break;
                    case 'm':
                        d = Duration.ofMinutes(n);
                        break;
                    case 'h':
                        d = Duration.ofHours(n);
                        break;
                    case 'd':
                        d = Duration.ofDays(n);
                        break;
                    default:
                        d = null;
                }
            }
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            d = null;
        }
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new ConfigException(name, value, range);
        }
        return d;
    }

    private static double parsePercent(String name, String value) {
        double p;
        try {
            p = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            p = Double.NaN;
        }
        if (Double.isNaN(p) || p < 0 || p > 100) {
            throw new ConfigException(name, value, "a decimal percentage from 0 to 100");
        }
        return p;
    }

    private static @Nullable String value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || isUnset(v) ? null : v.trim();
    }

    static boolean parseBoolean(String name, String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new ConfigException(name, value, BOOLEAN);
        }
    }

    private static double parseSampleRate(String value) {
        double rate;
        try {
            rate = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            rate = Double.NaN;
        }
        if (Double.isNaN(rate)
                || rate < 0.0
                || rate > 1.0
                || value.endsWith("d")
                || value.endsWith("f")
                || value.endsWith("D")
                || value.endsWith("F")) {
            throw new ConfigException(MEMORY_PROFILING_SAMPLE_RATE, value, "a decimal number from 0.0 to 1.0");
        }
        return rate;
    }

    private static int parseInt(String name, String value, int min, int max, String unit) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(
                name, value, "a whole number " + (unit.isEmpty() ? "" : "of " + unit) + "from " + min + " to " + max);
    }

    /**
     * Reads the password file: a regular file (symbolic links followed, as Kubernetes mounts secrets) of at most
     * {@value #MAX_PASSWORD_FILE_BYTES} bytes, in strict UTF-8, without a byte order mark or one trailing newline.
     * A device or a pipe is refused before it is opened, so {@code /dev/zero} cannot exhaust the heap and a FIFO
     * cannot hang startup.
     */
    private static String readPasswordFile(String file) {
        Path path;
        BasicFileAttributes attributes;
        try {
            path = Path.of(file);
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(
                    METRICS_AUTH_PASSWORD_FILE,
                    file,
                    "a readable regular file holding the password ("
                            + e.getClass().getSimpleName() + ")");
        }
        if (!attributes.isRegularFile()) {
            throw new ConfigException(
                    METRICS_AUTH_PASSWORD_FILE,
                    file,
                    "a regular file holding the password, but it is "
                            + (attributes.isDirectory() ? "a directory" : "a device, a pipe or a socket"));
        }
        if (attributes.size() > MAX_PASSWORD_FILE_BYTES) {
            throw new ConfigException(METRICS_AUTH_PASSWORD_FILE, file, tooLarge());
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            // Bounded even if the file grew since its size was read.
            bytes = in.readNBytes(MAX_PASSWORD_FILE_BYTES + 1);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(
                    METRICS_AUTH_PASSWORD_FILE,
                    file,
                    "a readable regular file holding the password ("
                            + e.getClass().getSimpleName() + ")");
        }
        if (bytes.length > MAX_PASSWORD_FILE_BYTES) {
            throw new ConfigException(METRICS_AUTH_PASSWORD_FILE, file, tooLarge());
        }
        int start = 0;
        if (bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF) {
            start = 3; // a UTF-8 byte order mark, as some editors write
        }
        String password;
        try {
            password = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, start, bytes.length - start))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(
                    METRICS_AUTH_PASSWORD_FILE,
                    file,
                    "a file holding the password in UTF-8, but it holds bytes that are not UTF-8 (saved in another"
                            + " encoding, such as Latin-1?); save it as UTF-8");
        }
        // Secrets written with `echo` end in a newline that is not part of the password.
        if (password.endsWith("\r\n")) {
            password = password.substring(0, password.length() - 2);
        } else if (password.endsWith("\n")) {
            password = password.substring(0, password.length() - 1);
        }
        if (password.isEmpty()) {
            throw new ConfigException(METRICS_AUTH_PASSWORD_FILE, file, "a file holding a non-empty password");
        }
        return password;
    }

    private static String tooLarge() {
        return "a regular file holding the password, of at most " + MAX_PASSWORD_FILE_BYTES + " bytes, but it is"
                + " larger";
    }

    /** Whether the request filter measures requests. */
    public boolean profilingEnabled() {
        return profilingEnabled;
    }

    /** The fraction of requests measured, from 0.0 to 1.0. */
    public double sampleRate() {
        return sampleRate;
    }

    /** The heap growth, in megabytes, from which a request counts as a growth event. */
    public int growthThresholdMb() {
        return growthThresholdMb;
    }

    /** {@link #growthThresholdMb()} in bytes. */
    public long growthThresholdBytes() {
        return growthThresholdMb * 1024L * 1024L;
    }

    /** The value of the {@code container} tag on every heapwatch meter. */
    public String containerName() {
        return containerName;
    }

    /** Whether the {@code /metrics} endpoint is installed. */
    public boolean prometheusEnabled() {
        return prometheusEnabled;
    }

    /** The {@code /metrics} username, or {@code null} when credentials are not configured. */
    public @Nullable String metricsUsername() {
        return metricsUsername;
    }

    /** The {@code /metrics} password, or {@code null} when credentials are not configured. */
    public @Nullable String metricsPassword() {
        return metricsPassword;
    }

    /**
     * The stored hash of the {@code /metrics} password ({@value #METRICS_AUTH_PASSWORD_HASH}), or {@code null} when
     * the password is given in plain text or not at all.
     */
    public @Nullable PasswordHash metricsPasswordHash() {
        return metricsPasswordHash;
    }

    /** Whether the username and a password (plain or hashed) are configured. */
    public boolean metricsCredentialsConfigured() {
        return metricsUsername != null && (metricsPassword != null || metricsPasswordHash != null);
    }

    /** The path of the metrics endpoint, {@code /metrics} by default. */
    public String metricsPath() {
        return metricsPath;
    }

    /** Whether repeated wrong credentials make the endpoint answer 429 for a while (on by default). */
    public boolean authBackoff() {
        return authBackoff;
    }

    /** How many distinct {@code uri} tag values are kept before further routes fold into {@code OTHER}. */
    public int maxRoutes() {
        return maxRoutes;
    }

    /** Whether the filter reads heap used before and after each sampled request (the heap-delta signal). */
    public boolean heapDeltaEnabled() {
        return heapDeltaEnabled;
    }

    /** Whether the live heap after GC is analysed for leaks. */
    public boolean leakDetectionEnabled() {
        return leakDetectionEnabled;
    }

    /** The leak analysis settings (window, sub-windows, minimum growth, reported routes and the rest). */
    public LeakDetectionSettings leakDetection() {
        return leakDetection;
    }

    /** The leak diagnosis settings; {@link DiagnosisSettings#evidence()} is {@value #HEAPWATCH_DIAGNOSIS}. */
    public DiagnosisSettings diagnosis() {
        return diagnosis;
    }

    /** Whether the report page and the diagnosis JSON are served (with {@code /metrics} and its credentials). */
    public boolean reportEnabled() {
        return reportEnabled;
    }

    /** Where the report page is served. */
    public String reportPath() {
        return reportPath;
    }

    /** Where the diagnosis JSON is served. */
    public String diagnosisPath() {
        return diagnosisPath;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof HeapwatchConfig)) {
            return false;
        }
        HeapwatchConfig c = (HeapwatchConfig) o;
        return profilingEnabled == c.profilingEnabled
                && Double.compare(sampleRate, c.sampleRate) == 0
                && growthThresholdMb == c.growthThresholdMb
                && containerName.equals(c.containerName)
                && prometheusEnabled == c.prometheusEnabled
                && Objects.equals(metricsUsername, c.metricsUsername)
                && Objects.equals(metricsPassword, c.metricsPassword)
                && Objects.equals(metricsPasswordHash, c.metricsPasswordHash)
                && metricsPath.equals(c.metricsPath)
                && authBackoff == c.authBackoff
                && maxRoutes == c.maxRoutes
                && heapDeltaEnabled == c.heapDeltaEnabled
                && leakDetectionEnabled == c.leakDetectionEnabled
                && leakDetection.equals(c.leakDetection)
                && diagnosis.equals(c.diagnosis)
                && reportEnabled == c.reportEnabled
                && reportPath.equals(c.reportPath)
                && diagnosisPath.equals(c.diagnosisPath);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                profilingEnabled, sampleRate, growthThresholdMb, containerName, prometheusEnabled, maxRoutes);
    }

    /** Describes the configuration; credentials are shown only as set or unset. */
    @Override
    public String toString() {
        return "HeapwatchConfig{profilingEnabled=" + profilingEnabled
                + ", sampleRate=" + sampleRate
                + ", growthThresholdMb=" + growthThresholdMb
                + ", containerName=" + containerName
                + ", prometheusEnabled=" + prometheusEnabled
                + ", metricsPath=" + metricsPath
                + ", metricsCredentials=" + (metricsCredentialsConfigured() ? "set" : "unset")
                + (metricsPasswordHash != null ? " (PBKDF2 hash)" : "")
                + ", authBackoff=" + authBackoff
                + ", maxRoutes=" + maxRoutes
                + ", heapDeltaEnabled=" + heapDeltaEnabled
                + ", leakDetectionEnabled=" + leakDetectionEnabled
                + ", leakWindow=" + leakDetection.window()
                + ", diagnosis=" + diagnosis.evidence()
                + ", reportEnabled=" + reportEnabled
                + '}';
    }

    /** Collects settings; {@link #build()} validates them. */
    public static final class Builder {
        private boolean profilingEnabled = true;
        private double sampleRate = 1.0;
        private int growthThresholdMb = 10;
        private String containerName = "default";
        private boolean prometheusEnabled = true;
        private @Nullable String metricsUsername;
        private @Nullable String metricsPassword;
        private @Nullable String metricsPasswordHash;
        private String metricsPath = DEFAULT_METRICS_PATH;
        private boolean authBackoff = true;
        /** Where the password came from, for messages. */
        private String passwordSetting = METRICS_AUTH_PASSWORD;

        private @Nullable String passwordFile;
        private boolean usernameFromEnvironment;
        private boolean passwordFromEnvironment;
        private int maxRoutes = 100;
        private boolean heapDeltaEnabled = true;
        private boolean leakDetectionEnabled = true;
        private LeakDetectionSettings leakDetection = LeakDetectionSettings.defaults();
        private DiagnosisSettings diagnosis = DiagnosisSettings.defaults();
        private boolean reportEnabled = true;
        private String reportPath = "/heapwatch";
        private String diagnosisPath = "/heapwatch/diagnosis";

        private Builder() {}

        public Builder diagnosis(DiagnosisSettings settings) {
            this.diagnosis = Objects.requireNonNull(settings, "diagnosis");
            return this;
        }

        public Builder reportEnabled(boolean enabled) {
            this.reportEnabled = enabled;
            return this;
        }

        public Builder reportPath(String path) {
            this.reportPath = Objects.requireNonNull(path, "reportPath");
            return this;
        }

        public Builder diagnosisPath(String path) {
            this.diagnosisPath = Objects.requireNonNull(path, "diagnosisPath");
            return this;
        }

        public Builder leakDetectionEnabled(boolean enabled) {
            this.leakDetectionEnabled = enabled;
            return this;
        }

        public Builder leakDetection(LeakDetectionSettings settings) {
            this.leakDetection = Objects.requireNonNull(settings, "leakDetection");
            return this;
        }

        public Builder profilingEnabled(boolean enabled) {
            this.profilingEnabled = enabled;
            return this;
        }

        public Builder sampleRate(double rate) {
            this.sampleRate = rate;
            return this;
        }

        public Builder growthThresholdMb(int megabytes) {
            this.growthThresholdMb = megabytes;
            return this;
        }

        public Builder containerName(String name) {
            this.containerName = Objects.requireNonNull(name, "containerName");
            return this;
        }

        public Builder prometheusEnabled(boolean enabled) {
            this.prometheusEnabled = enabled;
            return this;
        }

        /** Sets both credentials; pass two {@code null}s to leave {@code /metrics} unconfigured (it answers 500). */
        public Builder metricsCredentials(@Nullable String username, @Nullable String password) {
            this.metricsUsername = username;
            this.metricsPassword = password;
            this.metricsPasswordHash = null;
            this.passwordSetting = METRICS_AUTH_PASSWORD;
            return this;
        }

        /**
         * Sets the username and a stored hash of the password, in the format of {@link PasswordHash}, instead of the
         * password itself.
         */
        public Builder metricsHashedCredentials(@Nullable String username, @Nullable String passwordHash) {
            this.metricsUsername = username;
            this.metricsPassword = null;
            this.metricsPasswordHash = passwordHash;
            this.passwordSetting = METRICS_AUTH_PASSWORD_HASH;
            return this;
        }

        /** The path of the metrics endpoint, by default {@code /metrics}. */
        public Builder metricsPath(String path) {
            this.metricsPath = Objects.requireNonNull(path, "metricsPath");
            return this;
        }

        /**
         * Whether repeated wrong credentials make the endpoint answer 429 for a while; on by default. It never
         * turns authentication off.
         */
        public Builder authBackoff(boolean enabled) {
            this.authBackoff = enabled;
            return this;
        }

        public Builder maxRoutes(int maxRoutes) {
            this.maxRoutes = maxRoutes;
            return this;
        }

        public Builder heapDeltaEnabled(boolean enabled) {
            this.heapDeltaEnabled = enabled;
            return this;
        }

        /** @throws ConfigException naming the first setting that is not accepted */
        public HeapwatchConfig build() {
            return new HeapwatchConfig(this);
        }
    }
}
