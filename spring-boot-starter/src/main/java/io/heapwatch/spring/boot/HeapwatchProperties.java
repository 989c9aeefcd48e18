package io.heapwatch.spring.boot;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DataSizeUnit;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.util.unit.DataSize;
import org.springframework.util.unit.DataUnit;

/**
 * heapwatch's settings as Spring properties under {@code heapwatch.*}. Each one also has a variable of the deployment
 * contract, which {@link HeapwatchDeploymentVariables} maps into a property source right after the system
 * environment: Spring Boot's order holds, so a property on the command line or as a system property wins over the
 * variable, and the variable wins over {@code application.properties} (see {@code docs/spring-boot.md}).
 */
@ConfigurationProperties(prefix = "heapwatch")
public class HeapwatchProperties {

    /**
     * Value of the container tag on every heapwatch meter: a non-blank name of at most 253 characters.
     * Environment variable: CONTAINER_NAME.
     */
    private String containerName = "default";

    private final Profiling profiling = new Profiling();

    private final Metrics metrics = new Metrics();

    private final Leak leak = new Leak();

    private final Diagnosis diagnosis = new Diagnosis();

    private final Report report = new Report();

    public Diagnosis getDiagnosis() {
        return diagnosis;
    }

    public Report getReport() {
        return report;
    }

    public String getContainerName() {
        return containerName;
    }

    public void setContainerName(String containerName) {
        this.containerName = containerName;
    }

    public Profiling getProfiling() {
        return profiling;
    }

    public Leak getLeak() {
        return leak;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    /** Settings of the request filter that measures sampled requests. */
    public static class Profiling {

        /**
         * Whether the request filter is installed and measures requests. The /metrics endpoint stays authenticated
         * either way. Environment variable: ENABLE_MEMORY_PROFILING.
         */
        private boolean enabled = true;

        /** Fraction of requests measured, from 0.0 to 1.0. Environment variable: MEMORY_PROFILING_SAMPLE_RATE. */
        private double sampleRate = 1.0;

        /**
         * Heap growth from which a sampled request with no GC counts as a growth event: whole megabytes from 1MB to
         * 1024GB (a bare number means megabytes). Environment variable: MEMORY_GROWTH_THRESHOLD_MB (megabytes).
         */
        @DataSizeUnit(DataUnit.MEGABYTES)
        private DataSize growthThreshold = DataSize.ofMegabytes(10);

        /**
         * How many distinct uri tag values are kept, from 1 to 10000, before further routes fold into OTHER.
         * Environment variable: HEAPWATCH_MAX_ROUTES.
         */
        private int maxRoutes = 100;

        /**
         * Whether heap used is read before and after each sampled request (the heap-delta signal and growth
         * events). Environment variable: HEAPWATCH_HEAP_DELTA.
         */
        private boolean heapDelta = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public double getSampleRate() {
            return sampleRate;
        }

        public void setSampleRate(double sampleRate) {
            this.sampleRate = sampleRate;
        }

        public DataSize getGrowthThreshold() {
            return growthThreshold;
        }

        public void setGrowthThreshold(DataSize growthThreshold) {
            this.growthThreshold = growthThreshold;
        }

        public int getMaxRoutes() {
            return maxRoutes;
        }

        public void setMaxRoutes(int maxRoutes) {
            this.maxRoutes = maxRoutes;
        }

        public boolean isHeapDelta() {
            return heapDelta;
        }

        public void setHeapDelta(boolean heapDelta) {
            this.heapDelta = heapDelta;
        }
    }

    /** Settings of the leak analysis of the live heap after GC. */
    public static class Leak {

        /**
         * Whether the live heap after GC is analysed for leaks, on its own thread. Environment variable:
         * HEAPWATCH_LEAK_DETECTION.
         */
        private boolean enabled = true;

        /**
         * Sliding window the verdict is computed over: 15s to 7d, as 90s, 30m, 2h, 1d or ISO-8601 (PT30M), at least
         * one second per sub-window (a bare number means seconds). Environment variable: HEAPWATCH_LEAK_WINDOW.
         */
        @DurationUnit(ChronoUnit.SECONDS)
        private Duration window = Duration.ofMinutes(30);

        /**
         * Sub-windows per window, 3 to 240; one floor (minimum live heap after GC) is kept per sub-window.
         * Environment variable: HEAPWATCH_LEAK_SUB_WINDOWS.
         */
        private int subWindows = 15;

        /**
         * Minimum growth over the window, as a percentage of max heap (0 to 100), for a leak verdict. Environment
         * variable: HEAPWATCH_LEAK_MIN_GROWTH_PERCENT.
         */
        private double minGrowthPercent = 2.0;

        /**
         * Route suspects exposed while a leak is suspected, 1 to 100. Environment variable:
         * HEAPWATCH_LEAK_TOP_ROUTES.
         */
        private int topRoutes = 5;

        /**
         * How soon a rise of the retained heap must fill the heap to be reported while no collection of the last 3
         * days has brought down a tooth of the sawtooth (for example after a start, before the first concurrent cycle
         * or full collection): 1m to 30d. Environment variable: HEAPWATCH_LEAK_UNPROVEN_REACH.
         */
        @DurationUnit(ChronoUnit.SECONDS)
        private Duration unprovenReach = Duration.ofHours(1);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getWindow() {
            return window;
        }

        public void setWindow(Duration window) {
            this.window = window;
        }

        public int getSubWindows() {
            return subWindows;
        }

        public void setSubWindows(int subWindows) {
            this.subWindows = subWindows;
        }

        public double getMinGrowthPercent() {
            return minGrowthPercent;
        }

        public void setMinGrowthPercent(double minGrowthPercent) {
            this.minGrowthPercent = minGrowthPercent;
        }

        public int getTopRoutes() {
            return topRoutes;
        }

        public void setTopRoutes(int topRoutes) {
            this.topRoutes = topRoutes;
        }

        public Duration getUnprovenReach() {
            return unprovenReach;
        }

        public void setUnprovenReach(Duration unprovenReach) {
            this.unprovenReach = unprovenReach;
        }
    }

    /** Settings of the authenticated /metrics endpoint. */
    public static class Metrics {

        /**
         * Whether /metrics is mapped. Environment variable: ENABLE_PROMETHEUS_METRICS.
         */
        private boolean enabled = true;

        /**
         * Username of the HTTP basic authentication of /metrics: 1 to 256 bytes in UTF-8, without ':'. Without
         * credentials /metrics answers 500. Environment variable: METRICS_AUTH_USERNAME.
         */
        private @Nullable String username;

        /**
         * Password of the HTTP basic authentication of /metrics: 1 to 256 bytes in UTF-8. Prefer password-file in
         * production. Environment variable: METRICS_AUTH_PASSWORD.
         */
        private @Nullable String password;

        /**
         * File holding the /metrics password (a mounted secret; one trailing newline is ignored). Set it or
         * password, not both. Environment variable: METRICS_AUTH_PASSWORD_FILE.
         */
        private @Nullable String passwordFile;

        /**
         * PBKDF2 hash of the /metrics password, instead of the password: $pbkdf2-sha256$i=...$salt$key (produce it
         * with java -cp heapwatch-core.jar io.heapwatch.config.PasswordHash). Set one of password, password-file and
         * password-hash. Environment variable: METRICS_AUTH_PASSWORD_HASH.
         */
        private @Nullable String passwordHash;

        /**
         * Path of the metrics endpoint, for apps that own /metrics. Environment variable: HEAPWATCH_METRICS_PATH.
         */
        private String path = "/metrics";

        /**
         * Whether repeated wrong credentials make the endpoint answer 429 with Retry-After for a while; credentials
         * that verified before keep working. Environment variable: HEAPWATCH_METRICS_AUTH_BACKOFF.
         */
        private boolean authBackoff = true;

        public @Nullable String getPasswordHash() {
            return passwordHash;
        }

        public void setPasswordHash(@Nullable String passwordHash) {
            this.passwordHash = passwordHash;
        }

        public String getPath() {
            return path;
        }

        public void setPath(String path) {
            this.path = path;
        }

        public boolean isAuthBackoff() {
            return authBackoff;
        }

        public void setAuthBackoff(boolean authBackoff) {
            this.authBackoff = authBackoff;
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public @Nullable String getUsername() {
            return username;
        }

        public void setUsername(@Nullable String username) {
            this.username = username;
        }

        public @Nullable String getPassword() {
            return password;
        }

        public void setPassword(@Nullable String password) {
            this.password = password;
        }

        public @Nullable String getPasswordFile() {
            return passwordFile;
        }

        public void setPasswordFile(@Nullable String passwordFile) {
            this.passwordFile = passwordFile;
        }

        /** Never shows the password. */
        @Override
        public String toString() {
            return "Metrics{enabled=" + enabled + ", username=" + (username == null ? "unset" : "set") + ", password="
                    + (password == null ? "unset" : "set") + ", passwordFile=" + passwordFile + ", passwordHash="
                    + (passwordHash == null ? "unset" : "set") + ", path=" + path + ", authBackoff=" + authBackoff
                    + '}';
        }
    }

    /** Settings of the leak diagnosis that names leaking types, allocation stacks and routes. */
    public static class Diagnosis {

        /**
         * Whether the jdk.OldObjectSample recording runs, so that diagnoses name leaking types and allocation stacks
         * (off by default; see docs/performance.md for its cost). Environment variable: HEAPWATCH_DIAGNOSIS.
         */
        private boolean enabled = false;

        /**
         * Least time between two diagnoses, 1s to 1h, as 30s, 5m or ISO-8601. Environment variable:
         * HEAPWATCH_DIAGNOSIS_MIN_INTERVAL.
         */
        private String minInterval = "30s";

        /**
         * Comma-separated class-name prefixes of application code, for the application frame; unset means every
         * package outside the JDK, the containers, Spring, Micrometer and heapwatch. Environment variable:
         * HEAPWATCH_DIAGNOSIS_APP_PACKAGES.
         */
        private @Nullable String applicationPackages;

        /**
         * Whether each diagnosis also takes a class histogram (gcClassHistogram of the DiagnosticCommand MBean) and
         * ranks types by their retained growth since a baseline histogram. Each histogram forces a full collection
         * (a pause, measured in the diagnosis), at most one per min-interval; off by default, see docs/performance.md.
         * Environment variable: HEAPWATCH_DIAGNOSIS_HISTOGRAM.
         */
        private boolean histogram = false;

        public boolean isHistogram() {
            return histogram;
        }

        public void setHistogram(boolean histogram) {
            this.histogram = histogram;
        }

        /**
         * Whether each dump of the diagnosis recording also searches paths to GC roots, so that each listed type shows
         * the chain of classes and fields that holds it. The search stops the application at a safepoint for up to
         * 1 s per diagnosis (measured in the diagnosis); needs heapwatch.diagnosis.enabled; off by default, see
         * docs/performance.md. Environment variable: HEAPWATCH_DIAGNOSIS_GC_ROOTS.
         */
        private boolean gcRoots = false;

        public boolean isGcRoots() {
            return gcRoots;
        }

        public void setGcRoots(boolean gcRoots) {
            this.gcRoots = gcRoots;
        }

        /**
         * Whether the diagnosis recording also records jdk.ObjectCountAfterGC, so that each diagnosis lists the
         * classes whose live bytes grew between the first and the latest collection that counted them (and, without a
         * class histogram growth, ranks the types by it). The JVM counts the heap inside the pause of each G1 remark and
         * full collection (tens of milliseconds per 100 MiB live, about a second per GiB of small objects, see
         * docs/leak-detection.md); needs heapwatch.diagnosis.enabled; off by default. Environment variable:
         * HEAPWATCH_DIAGNOSIS_OBJECT_COUNT.
         */
        private boolean objectCount = false;

        public boolean isObjectCount() {
            return objectCount;
        }

        public void setObjectCount(boolean objectCount) {
            this.objectCount = objectCount;
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getMinInterval() {
            return minInterval;
        }

        public void setMinInterval(String minInterval) {
            this.minInterval = minInterval;
        }

        public @Nullable String getApplicationPackages() {
            return applicationPackages;
        }

        public void setApplicationPackages(@Nullable String applicationPackages) {
            this.applicationPackages = applicationPackages;
        }
    }

    /** Settings of the report page and the diagnosis JSON, served behind the metrics credentials. */
    public static class Report {

        /**
         * Whether the report page and the diagnosis JSON are served (with /metrics and its credentials).
         * Environment variable: HEAPWATCH_REPORT.
         */
        private boolean enabled = true;

        /** Path of the report page. Environment variable: HEAPWATCH_REPORT_PATH. */
        private String path = "/heapwatch";

        /** Path of the diagnosis JSON. Environment variable: HEAPWATCH_DIAGNOSIS_PATH. */
        private String diagnosisPath = "/heapwatch/diagnosis";

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getPath() {
            return path;
        }

        public void setPath(String path) {
            this.path = path;
        }

        public String getDiagnosisPath() {
            return diagnosisPath;
        }

        public void setDiagnosisPath(String diagnosisPath) {
            this.diagnosisPath = diagnosisPath;
        }
    }
}
