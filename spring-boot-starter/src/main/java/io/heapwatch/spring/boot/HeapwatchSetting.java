package io.heapwatch.spring.boot;

import io.heapwatch.config.HeapwatchConfig;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.util.unit.DataSize;

/** Each heapwatch setting: its variable of the deployment contract and its Spring property. */
public enum HeapwatchSetting {
    PROFILING_ENABLED(
            HeapwatchConfig.ENABLE_MEMORY_PROFILING,
            "heapwatch.profiling.enabled",
            p -> Boolean.toString(p.getProfiling().isEnabled())),
    SAMPLE_RATE(
            HeapwatchConfig.MEMORY_PROFILING_SAMPLE_RATE,
            "heapwatch.profiling.sample-rate",
            p -> Double.toString(p.getProfiling().getSampleRate())),
    GROWTH_THRESHOLD_MB(
            HeapwatchConfig.MEMORY_GROWTH_THRESHOLD_MB,
            "heapwatch.profiling.growth-threshold",
            p -> megabytes(p.getProfiling().getGrowthThreshold())),
    MAX_ROUTES(
            HeapwatchConfig.HEAPWATCH_MAX_ROUTES,
            "heapwatch.profiling.max-routes",
            p -> Integer.toString(p.getProfiling().getMaxRoutes())),
    HEAP_DELTA(
            HeapwatchConfig.HEAPWATCH_HEAP_DELTA,
            "heapwatch.profiling.heap-delta",
            p -> Boolean.toString(p.getProfiling().isHeapDelta())),
    CONTAINER_NAME(HeapwatchConfig.CONTAINER_NAME, "heapwatch.container-name", HeapwatchProperties::getContainerName),
    METRICS_ENABLED(
            HeapwatchConfig.ENABLE_PROMETHEUS_METRICS,
            "heapwatch.metrics.enabled",
            p -> Boolean.toString(p.getMetrics().isEnabled())),
    METRICS_USERNAME(HeapwatchConfig.METRICS_AUTH_USERNAME, "heapwatch.metrics.username", p -> p.getMetrics()
            .getUsername()),
    METRICS_PASSWORD(HeapwatchConfig.METRICS_AUTH_PASSWORD, "heapwatch.metrics.password", p -> p.getMetrics()
            .getPassword()),
    METRICS_PASSWORD_FILE(
            HeapwatchConfig.METRICS_AUTH_PASSWORD_FILE, "heapwatch.metrics.password-file", p -> p.getMetrics()
                    .getPasswordFile()),
    METRICS_PASSWORD_HASH(
            HeapwatchConfig.METRICS_AUTH_PASSWORD_HASH, "heapwatch.metrics.password-hash", p -> p.getMetrics()
                    .getPasswordHash()),
    METRICS_PATH(HeapwatchConfig.HEAPWATCH_METRICS_PATH, "heapwatch.metrics.path", p -> p.getMetrics()
            .getPath()),
    METRICS_AUTH_BACKOFF(
            HeapwatchConfig.HEAPWATCH_METRICS_AUTH_BACKOFF,
            "heapwatch.metrics.auth-backoff",
            p -> Boolean.toString(p.getMetrics().isAuthBackoff())),
    LEAK_ENABLED(
            HeapwatchConfig.HEAPWATCH_LEAK_DETECTION,
            "heapwatch.leak.enabled",
            p -> Boolean.toString(p.getLeak().isEnabled())),
    LEAK_WINDOW(HeapwatchConfig.HEAPWATCH_LEAK_WINDOW, "heapwatch.leak.window", p -> p.getLeak()
            .getWindow()
            .toString()),
    LEAK_SUB_WINDOWS(
            HeapwatchConfig.HEAPWATCH_LEAK_SUB_WINDOWS,
            "heapwatch.leak.sub-windows",
            p -> Integer.toString(p.getLeak().getSubWindows())),
    LEAK_MIN_GROWTH_PERCENT(
            HeapwatchConfig.HEAPWATCH_LEAK_MIN_GROWTH_PERCENT,
            "heapwatch.leak.min-growth-percent",
            p -> Double.toString(p.getLeak().getMinGrowthPercent())),
    LEAK_TOP_ROUTES(
            HeapwatchConfig.HEAPWATCH_LEAK_TOP_ROUTES,
            "heapwatch.leak.top-routes",
            p -> Integer.toString(p.getLeak().getTopRoutes())),
    LEAK_UNPROVEN_REACH(HeapwatchConfig.HEAPWATCH_LEAK_UNPROVEN_REACH, "heapwatch.leak.unproven-reach", p -> p.getLeak()
            .getUnprovenReach()
            .toString()),
    DIAGNOSIS_ENABLED(
            HeapwatchConfig.HEAPWATCH_DIAGNOSIS,
            "heapwatch.diagnosis.enabled",
            p -> Boolean.toString(p.getDiagnosis().isEnabled())),
    DIAGNOSIS_MIN_INTERVAL(
            HeapwatchConfig.HEAPWATCH_DIAGNOSIS_MIN_INTERVAL, "heapwatch.diagnosis.min-interval", p -> p.getDiagnosis()
                    .getMinInterval()),
    DIAGNOSIS_APP_PACKAGES(
            HeapwatchConfig.HEAPWATCH_DIAGNOSIS_APP_PACKAGES,
            "heapwatch.diagnosis.application-packages",
            p -> p.getDiagnosis().getApplicationPackages()),
    DIAGNOSIS_HISTOGRAM(
            HeapwatchConfig.HEAPWATCH_DIAGNOSIS_HISTOGRAM,
            "heapwatch.diagnosis.histogram",
            p -> Boolean.toString(p.getDiagnosis().isHistogram())),
    DIAGNOSIS_GC_ROOTS(
            HeapwatchConfig.HEAPWATCH_DIAGNOSIS_GC_ROOTS,
            "heapwatch.diagnosis.gc-roots",
            p -> Boolean.toString(p.getDiagnosis().isGcRoots())),
    DIAGNOSIS_OBJECT_COUNT(
            HeapwatchConfig.HEAPWATCH_DIAGNOSIS_OBJECT_COUNT,
            "heapwatch.diagnosis.object-count",
            p -> Boolean.toString(p.getDiagnosis().isObjectCount())),
    REPORT_ENABLED(
            HeapwatchConfig.HEAPWATCH_REPORT,
            "heapwatch.report.enabled",
            p -> Boolean.toString(p.getReport().isEnabled())),
    REPORT_PATH(HeapwatchConfig.HEAPWATCH_REPORT_PATH, "heapwatch.report.path", p -> p.getReport()
            .getPath()),
    DIAGNOSIS_PATH(HeapwatchConfig.HEAPWATCH_DIAGNOSIS_PATH, "heapwatch.report.diagnosis-path", p -> p.getReport()
            .getDiagnosisPath());

    private final String environmentVariable;
    private final String property;
    private final Function<HeapwatchProperties, @Nullable String> value;

    HeapwatchSetting(
            String environmentVariable, String property, Function<HeapwatchProperties, @Nullable String> value) {
        this.environmentVariable = environmentVariable;
        this.property = property;
        this.value = value;
    }

    /** The environment variable of the deployment contract, for example {@code ENABLE_MEMORY_PROFILING}. */
    public String environmentVariable() {
        return environmentVariable;
    }

    /** The Spring property, for example {@code heapwatch.profiling.enabled}. */
    public String property() {
        return property;
    }

    /** Whether the value is a credential, never to be shown. */
    public boolean secret() {
        return this == METRICS_USERNAME || this == METRICS_PASSWORD || this == METRICS_PASSWORD_HASH;
    }

    /** The bound value in the core's format (the format of the environment variable). */
    @Nullable
    String valueOf(HeapwatchProperties properties) {
        return value.apply(properties);
    }

    /** Whole megabytes as the core reads them; any other size as its byte count, which the core then rejects. */
    private static String megabytes(DataSize size) {
        long mb = DataSize.ofMegabytes(1).toBytes();
        return size.toBytes() % mb == 0 ? Long.toString(size.toBytes() / mb) : size.toBytes() + "B";
    }

    /** The setting with this environment variable, or {@code null}. */
    static @Nullable HeapwatchSetting ofEnvironmentVariable(String name) {
        for (HeapwatchSetting s : values()) {
            if (s.environmentVariable.equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** The setting with this property (canonical form), or {@code null}. */
    static @Nullable HeapwatchSetting ofProperty(String name) {
        for (HeapwatchSetting s : values()) {
            if (s.property.equals(name)) {
                return s;
            }
        }
        return null;
    }
}
