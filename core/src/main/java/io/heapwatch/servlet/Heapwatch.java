package io.heapwatch.servlet;

import io.heapwatch.config.HeapwatchConfig;
import io.heapwatch.diagnosis.DiagnosisServlet;
import io.heapwatch.diagnosis.LeakDiagnostics;
import io.heapwatch.diagnosis.ReportServlet;
import io.heapwatch.endpoint.AuthGuard;
import io.heapwatch.endpoint.BasicAuthenticator;
import io.heapwatch.endpoint.MetricsServlet;
import io.heapwatch.gc.GcEventTracker;
import io.heapwatch.gc.LiveHeapListener;
import io.heapwatch.leak.LeakDetector;
import io.heapwatch.leak.RouteTraffic;
import io.heapwatch.sampling.JvmMeasurementSource;
import io.heapwatch.sampling.MemoryProfilingFilter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * heapwatch installed in one web application: the GC tracker, the request filter on {@code /*} and the authenticated
 * metrics servlet on {@link HeapwatchConfig#metricsPath()} ({@code /metrics} by default). {@link #close()} removes the
 * GC listeners and the meters.
 *
 * <pre>{@code
 * Heapwatch heapwatch = Heapwatch.install(servletContext); // reads the environment variables
 * }</pre>
 *
 * Call it while the context is being initialized (from a {@code ServletContainerInitializer}, a
 * {@code ServletContextListener} declared in {@code web.xml}, or before an embedded server starts). In {@code web.xml}
 * declare {@link HeapwatchServletContextListener} instead.
 *
 * <p>Installing fails with an {@link IllegalStateException} when the application already maps a servlet on the
 * metrics path (which would otherwise serve it without authentication) or already holds a filter or servlet under
 * heapwatch's names: set {@code HEAPWATCH_METRICS_PATH} to a free path.
 */
public final class Heapwatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Heapwatch.class);

    /** The name under which the filter is registered. */
    public static final String FILTER_NAME = "heapwatchMemoryProfilingFilter";

    /** The name under which the metrics servlet is registered. */
    public static final String SERVLET_NAME = "heapwatchMetricsServlet";

    /** The name under which the report page servlet is registered. */
    public static final String REPORT_SERVLET_NAME = "heapwatchReportServlet";

    /** The name under which the diagnosis JSON servlet is registered. */
    public static final String DIAGNOSIS_SERVLET_NAME = "heapwatchDiagnosisServlet";

    /** Where the metrics servlet is mapped by default; see {@link HeapwatchConfig#metricsPath()}. */
    public static final String METRICS_PATH = HeapwatchConfig.DEFAULT_METRICS_PATH;

    private final HeapwatchConfig config;
    private final PrometheusMeterRegistry registry;
    private final GcEventTracker tracker;
    private final @Nullable MemoryProfilingFilter filter;
    private final @Nullable MetricsServlet servlet;
    private final @Nullable LeakDetector leakDetector;
    private final @Nullable AuthGuard authGuard;
    private @Nullable LeakDiagnostics diagnostics;

    private Heapwatch(
            HeapwatchConfig config,
            PrometheusMeterRegistry registry,
            GcEventTracker tracker,
            @Nullable MemoryProfilingFilter filter,
            @Nullable MetricsServlet servlet,
            @Nullable LeakDetector leakDetector,
            @Nullable AuthGuard authGuard) {
        this.config = config;
        this.registry = registry;
        this.tracker = tracker;
        this.filter = filter;
        this.servlet = servlet;
        this.leakDetector = leakDetector;
        this.authGuard = authGuard;
    }

    /**
     * Installs heapwatch configured from the environment variables, with a new Prometheus registry.
     *
     * @throws io.heapwatch.config.ConfigException when a variable holds a value that is not accepted
     * @throws IllegalStateException when the metrics path or heapwatch's names are taken in the application
     */
    public static Heapwatch install(ServletContext context) {
        return install(
                context, HeapwatchConfig.fromEnvironment(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    /**
     * Installs heapwatch with the given configuration, recording into and serving the given registry.
     *
     * @throws IllegalStateException when the metrics path or heapwatch's names are taken in the application
     */
    public static Heapwatch install(ServletContext context, HeapwatchConfig config, PrometheusMeterRegistry registry) {
        Tags tags = Tags.of("container", config.containerName());
        GcEventTracker tracker = new GcEventTracker(tags);
        tracker.bindTo(registry);
        MemoryProfilingFilter filter = null;
        MetricsServlet servlet = null;
        LeakDetector detector = null;
        AuthGuard guard = null;
        LeakDiagnostics diagnostics = null;
        try {
            if (config.profilingEnabled()) {
                filter = new MemoryProfilingFilter(config, registry, new JvmMeasurementSource(tracker));
                FilterRegistration.Dynamic f = context.addFilter(FILTER_NAME, filter);
                if (f == null) {
                    throw new IllegalStateException("heapwatch cannot install its request filter: this web application"
                            + " already has a filter named '" + FILTER_NAME + "' (is heapwatch installed twice, for"
                            + " example by both web.xml and code?). Install heapwatch once.");
                }
                f.setAsyncSupported(true);
                f.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, "/*");
            }
            if (config.leakDetectionEnabled()) {
                detector = startLeakDetector(config, tracker, filter == null ? RouteTraffic.NONE : filter, tags);
                detector.bindTo(registry);
            }
            if (config.prometheusEnabled()) {
                guard = new AuthGuard(BasicAuthenticator.of(config), registry, tags);
                servlet = new MetricsServlet(registry, guard);
                map(context, SERVLET_NAME, servlet, config.metricsPath(), HeapwatchConfig.HEAPWATCH_METRICS_PATH);
                if (config.reportEnabled()) {
                    diagnostics = installDiagnostics(context, config, tracker, detector, guard);
                }
            }
        } catch (RuntimeException e) {
            tracker.close();
            if (detector != null) {
                detector.close();
            }
            if (filter != null) {
                filter.removeMeters();
            }
            if (guard != null) {
                guard.removeMeters();
            }
            if (diagnostics != null) {
                diagnostics.close();
            }
            throw e;
        }
        log.info("heapwatch installed: {}; {}", where(config), config);
        Heapwatch heapwatch = new Heapwatch(config, registry, tracker, filter, servlet, detector, guard);
        heapwatch.diagnostics = diagnostics;
        return heapwatch;
    }

    /** Where heapwatch's data can be read, and how it is protected, for the startup log line. */
    static String where(HeapwatchConfig config) {
        if (!config.prometheusEnabled()) {
            return "no metrics endpoint (ENABLE_PROMETHEUS_METRICS=false)";
        }
        String report = config.reportEnabled()
                ? "; the report on " + config.reportPath() + " and its JSON on " + config.diagnosisPath()
                        + " behind the same authentication"
                : "";
        return "metrics on " + config.metricsPath() + " behind HTTP basic authentication"
                + (config.metricsCredentialsConfigured()
                        ? (config.metricsPasswordHash() != null ? " (PBKDF2 password hash)" : "")
                                + (config.authBackoff() ? " with brute-force back-off" : "")
                        : ", answering 500 to every request until credentials are set")
                + report;
    }

    /**
     * Maps one of heapwatch's servlets, or fails: a servlet of the same name, or another servlet on the same path,
     * would leave that path answering without heapwatch's authentication.
     */
    private static void map(ServletContext context, String name, Servlet servlet, String path, String variable) {
        ServletRegistration.Dynamic s = context.addServlet(name, servlet);
        if (s == null) {
            throw new IllegalStateException("heapwatch cannot install its servlet: this web application already has a"
                    + " servlet named '" + name + "' (is heapwatch installed twice, for example by both web.xml and"
                    + " code?). Install heapwatch once.");
        }
        Set<String> conflicts = s.addMapping(path);
        if (!conflicts.isEmpty()) {
            throw new IllegalStateException(mappingConflict(context, name, path, variable));
        }
    }

    /**
     * Fails when a servlet registered under {@code servletName} does not hold {@code path} in a started servlet
     * context: for containers that register servlets without reporting mapping conflicts (Spring Boot's
     * {@code ServletRegistrationBean}), where another servlet on the same path would otherwise answer there without
     * heapwatch's authentication.
     *
     * @param variable the setting that moves the path, named in the message
     * @throws IllegalStateException naming the servlet that holds the path and how to resolve it
     */
    public static void requireMapped(ServletContext context, String servletName, String path, String variable) {
        ServletRegistration registration = context.getServletRegistration(servletName);
        if (registration == null || !registration.getMappings().contains(path)) {
            throw new IllegalStateException(mappingConflict(context, servletName, path, variable));
        }
    }

    /**
     * Says which servlet holds one of heapwatch's paths: left there, it would answer on that path without heapwatch's
     * authentication.
     */
    static String mappingConflict(ServletContext context, String name, String path, String variable) {
        String owner = null;
        try {
            for (Map.Entry<String, ? extends ServletRegistration> e :
                    context.getServletRegistrations().entrySet()) {
                if (!name.equals(e.getKey()) && e.getValue().getMappings().contains(path)) {
                    owner = e.getKey();
                    break;
                }
            }
        } catch (RuntimeException e) {
            // Only the message is at stake: some containers refuse the look-up from a listener.
        }
        return "heapwatch cannot serve " + path + ": this web application already maps "
                + (owner == null ? "another servlet" : "the servlet '" + owner + "'") + " on " + path
                + ", which would keep answering there without heapwatch's authentication. Set " + variable
                + " to a path nothing else maps (for example /internal" + path + "), or remove the other mapping.";
    }

    /**
     * Starts the leak diagnostics and maps the report page and the diagnosis JSON, behind the metrics credentials.
     */
    private static LeakDiagnostics installDiagnostics(
            ServletContext context,
            HeapwatchConfig config,
            GcEventTracker tracker,
            @Nullable LeakDetector detector,
            AuthGuard guard) {
        LeakDiagnostics diagnostics = newDiagnostics(config, tracker, detector);
        try {
            map(
                    context,
                    REPORT_SERVLET_NAME,
                    new ReportServlet(diagnostics, guard, config.diagnosisPath()),
                    config.reportPath(),
                    HeapwatchConfig.HEAPWATCH_REPORT_PATH);
            map(
                    context,
                    DIAGNOSIS_SERVLET_NAME,
                    new DiagnosisServlet(diagnostics, guard),
                    config.diagnosisPath(),
                    HeapwatchConfig.HEAPWATCH_DIAGNOSIS_PATH);
            diagnostics.start();
        } catch (RuntimeException e) {
            diagnostics.close();
            throw e;
        }
        return diagnostics;
    }

    /** Creates (not started) the leak diagnostics for a configuration; the caller starts and closes them. */
    public static LeakDiagnostics newDiagnostics(
            HeapwatchConfig config, GcEventTracker tracker, @Nullable LeakDetector detector) {
        return new LeakDiagnostics(
                config.diagnosis(),
                tracker,
                detector,
                config.containerName(),
                config.leakDetection().window(),
                config.leakDetection().subWindow());
    }

    /**
     * Creates the leak detector for a configuration and feeds it the tracker's after-GC samples. The caller binds it
     * to a registry (which starts its analyzer thread) and closes it.
     */
    public static LeakDetector startLeakDetector(
            HeapwatchConfig config, GcEventTracker tracker, RouteTraffic traffic, Tags tags) {
        LeakDetector detector = new LeakDetector(config.leakDetection(), tags, traffic);
        tracker.addListener(new LiveHeapListener() {
            @Override
            public void onLiveHeap(long epochMillis, long liveBytes, long maxBytes) {
                detector.onLiveHeap(epochMillis, liveBytes, maxBytes, false);
            }

            @Override
            public void onLiveHeap(long epochMillis, long liveBytes, long maxBytes, boolean reclaimedLongLived) {
                detector.onLiveHeap(epochMillis, liveBytes, maxBytes, reclaimedLongLived);
            }

            @Override
            public void onLiveHeap(
                    long epochMillis, long liveBytes, long maxBytes, boolean reclaimedLongLived, boolean requested) {
                detector.onLiveHeap(epochMillis, liveBytes, maxBytes, reclaimedLongLived, requested);
            }
        });
        return detector;
    }

    /** The configuration in force. */
    public HeapwatchConfig config() {
        return config;
    }

    /** The registry heapwatch records into and serves. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The GC tracker. */
    public GcEventTracker gcTracker() {
        return tracker;
    }

    /** The request filter, or {@code null} when profiling is disabled. */
    public @Nullable MemoryProfilingFilter filter() {
        return filter;
    }

    /**
     * The authentication in front of the metrics endpoint, for other servlets that serve heapwatch data (they share
     * its back-off and its refusal counters), or {@code null} when the endpoint is disabled.
     */
    public @Nullable AuthGuard authGuard() {
        return authGuard;
    }

    /** The leak detector, or {@code null} when leak detection is disabled. */
    public @Nullable LeakDetector leakDetector() {
        return leakDetector;
    }

    /** The leak diagnostics behind the report page, or {@code null} when the report is not served. */
    public @Nullable LeakDiagnostics diagnostics() {
        return diagnostics;
    }

    /** Stops the leak analyzer, removes the GC listeners and every meter heapwatch registered. */
    @Override
    public void close() {
        if (diagnostics != null) {
            diagnostics.close();
        }
        tracker.close();
        if (leakDetector != null) {
            leakDetector.close();
        }
        if (filter != null) {
            filter.removeMeters();
        }
        if (servlet != null) {
            servlet.removeMeters();
        }
    }
}
