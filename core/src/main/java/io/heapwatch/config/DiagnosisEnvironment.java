package io.heapwatch.config;

import io.heapwatch.diagnosis.DiagnosisSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Reads and validates the leak diagnosis and report variables. */
final class DiagnosisEnvironment {

    static final String PATH_RANGE = "an absolute path of 2 to 200 characters from [A-Za-z0-9/._-], starting with '/',"
            + " without '//' or a trailing '/', distinct from the metrics path and the other heapwatch path";
    static final String INTERVAL_RANGE = "a duration from 1s to 1h, such as 30s, 5m or PT30S";
    static final String PACKAGES_RANGE = "comma-separated package prefixes such as com.example.,org.acme.shop";

    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._\\-]+(/[A-Za-z0-9._\\-]+)*");
    private static final Pattern PACKAGE =
            Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*\\.?");

    private DiagnosisEnvironment() {}

    static void read(Map<String, String> env, HeapwatchConfig.Builder b) {
        DiagnosisSettings settings = DiagnosisSettings.defaults();
        String v;
        if ((v = value(env, HeapwatchConfig.HEAPWATCH_DIAGNOSIS)) != null) {
            settings = settings.withEvidence(HeapwatchConfig.parseBoolean(HeapwatchConfig.HEAPWATCH_DIAGNOSIS, v));
        }
        if ((v = value(env, HeapwatchConfig.HEAPWATCH_DIAGNOSIS_MIN_INTERVAL)) != null) {
            settings = settings.withMinInterval(parseInterval(HeapwatchConfig.HEAPWATCH_DIAGNOSIS_MIN_INTERVAL, v));
        }
        if ((v = value(env, HeapwatchConfig.HEAPWATCH_DIAGNOSIS_APP_PACKAGES)) != null) {
            settings = settings.withApplicationPackages(
                    parsePackages(HeapwatchConfig.HEAPWATCH_DIAGNOSIS_APP_PACKAGES, v));
        }
        if ((v = value(env, HeapwatchConfig.HEAPWATCH_DIAGNOSIS_HISTOGRAM)) != null) {
            settings = settings.withHistogram(
                    HeapwatchConfig.parseBoolean(HeapwatchConfig.HEAPWATCH_DIAGNOSIS_HISTOGRAM, v));
        }
        if ((v = value(env, HeapwatchConfig.HEAPWATCH_DIAGNOSIS_GC_ROOTS)) != null) {
            settings =
                    settings.withGcRoots(HeapwatchConfig.parseBoolean(HeapwatchConfig.HEAPWATCH_DIAGNOSIS_GC_ROOTS, v));
        }
        if ((v = value(env, HeapwatchConfig.HEAPWATCH_DIAGNOSIS_OBJECT_COUNT)) != null) {
            settings = settings.withObjectCount(
                    HeapwatchConfig.parseBoolean(HeapwatchConfig.HEAPWATCH_DIAGNOSIS_OBJECT_COUNT, v));
        }
        b.diagnosis(settings);
        if ((v = value(env, HeapwatchConfig.HEAPWATCH_REPORT)) != null) {
            b.reportEnabled(HeapwatchConfig.parseBoolean(HeapwatchConfig.HEAPWATCH_REPORT, v));
        }
        if ((v = value(env, HeapwatchConfig.HEAPWATCH_REPORT_PATH)) != null) {
            b.reportPath(v);
        }
        if ((v = value(env, HeapwatchConfig.HEAPWATCH_DIAGNOSIS_PATH)) != null) {
            b.diagnosisPath(v);
        }
    }

    /** Validates the two paths against each other and the metrics path. */
    static void checkPaths(String reportPath, String diagnosisPath, String metricsPath) {
        checkPath(HeapwatchConfig.HEAPWATCH_REPORT_PATH, reportPath, metricsPath);
        checkPath(HeapwatchConfig.HEAPWATCH_DIAGNOSIS_PATH, diagnosisPath, metricsPath);
        if (reportPath.equals(diagnosisPath)) {
            throw new ConfigException(HeapwatchConfig.HEAPWATCH_DIAGNOSIS_PATH, diagnosisPath, PATH_RANGE);
        }
    }

    private static void checkPath(String name, String path, String metricsPath) {
        if (path.length() < 2 || path.length() > 200 || !PATH.matcher(path).matches() || path.equals(metricsPath)) {
            throw new ConfigException(name, path, PATH_RANGE);
        }
    }

    static Duration parseInterval(String name, String value) {
        Duration d = null;
        try {
            if (value.startsWith("P") || value.startsWith("p")) {
                d = Duration.parse(value);
            } else if (value.length() > 1) {
                long n = Long.parseLong(value.substring(0, value.length() - 1));
                char unit = value.charAt(value.length() - 1);
                d = unit == 's'
                        ? Duration.ofSeconds(n)
                        : unit == 'm' ? Duration.ofMinutes(n) : unit == 'h' ? Duration.ofHours(n) : null;
            }
        } catch (RuntimeException e) {
            d = null;
        }
        if (d == null || d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofHours(1)) > 0) {
            throw new ConfigException(name, value, INTERVAL_RANGE);
        }
        return d;
    }

    static List<String> parsePackages(String name, String value) {
        List<String> packages = new ArrayList<>();
        for (String p : value.split(",", -1)) {
            String t = p.trim();
            if (t.isEmpty() || t.length() > 200 || !PACKAGE.matcher(t).matches() || packages.size() >= 50) {
                throw new ConfigException(name, value, PACKAGES_RANGE);
            }
            packages.add(t);
        }
        return packages;
    }

    private static @Nullable String value(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null) {
            return null;
        }
        v = v.trim();
        return v.isEmpty() ? null : v;
    }
}
