package io.heapwatch.servlet;

import io.heapwatch.config.HeapwatchConfig;
import io.heapwatch.endpoint.AuthGuard;
import io.heapwatch.endpoint.BasicAuthenticator;
import io.heapwatch.endpoint.MetricsServlet;
import io.heapwatch.gc.GcEventTracker;
import io.heapwatch.leak.LeakDetector;
import io.heapwatch.leak.RouteTraffic;
import io.heapwatch.sampling.JvmMeasurementSource;
import io.heapwatch.sampling.MemoryProfilingFilter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
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

    /** Where the metrics servlet is mapped by default; see {@link HeapwatchConfig#metricsPath()}. */
    public static final String METRICS_PATH = HeapwatchConfig.DEFAULT_METRICS_PATH;

    private final HeapwatchConfig config;
    private final PrometheusMeterRegistry registry;
    private final GcEventTracker tracker;
    private final @Nullable MemoryProfilingFilter filter;
    private final @Nullable MetricsServlet servlet;
    private final @Nullable LeakDetector leakDetector;
    private final @Nullable AuthGuard authGuard;

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
                ServletRegistration.Dynamic s = context.addServlet(SERVLET_NAME, servlet);
                if (s == null) {
                    throw new IllegalStateException("heapwatch cannot install its metrics servlet: this web"
                            + " application already has a servlet named '" + SERVLET_NAME + "' (is heapwatch installed"
                            + " twice, for example by both web.xml and code?). Install heapwatch once.");
                }
                Set<String> conflicts = s.addMapping(config.metricsPath());
                if (!conflicts.isEmpty()) {
                    throw new IllegalStateException(mappingConflict(context, config.metricsPath()));
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
            throw e;
        }
        log.info("heapwatch installed: {}; {}", where(config), config);
        return new Heapwatch(config, registry, tracker, filter, servlet, detector, guard);
    }

    /** Where heapwatch's data can be read, and how it is protected, for the startup log line. */
    static String where(HeapwatchConfig config) {
        if (!config.prometheusEnabled()) {
            return "no metrics endpoint (ENABLE_PROMETHEUS_METRICS=false)";
        }
        return "metrics on " + config.metricsPath() + " behind HTTP basic authentication"
                + (config.metricsCredentialsConfigured()
                        ? (config.metricsPasswordHash() != null ? " (PBKDF2 password hash)" : "")
                                + (config.authBackoff() ? " with brute-force back-off" : "")
                        : ", answering 500 to every request until credentials are set");
    }

    /**
     * Says which servlet holds the metrics path: left there, it would answer on the metrics path without heapwatch's
     * authentication.
     */
    static String mappingConflict(ServletContext context, String path) {
        String owner = null;
        try {
            for (Map.Entry<String, ? extends ServletRegistration> e :
                    context.getServletRegistrations().entrySet()) {
                if (!SERVLET_NAME.equals(e.getKey())
                        && e.getValue().getMappings().contains(path)) {
                    owner = e.getKey();
                    break;
                }
            }
        } catch (RuntimeException e) {
            // Only the message is at stake: some containers refuse the look-up from a listener.
        }
        return "heapwatch cannot serve its metrics on " + path + ": this web application already maps "
                + (owner == null ? "another servlet" : "the servlet '" + owner + "'") + " on " + path
                + ", which would keep answering there without heapwatch's authentication. Set "
                + HeapwatchConfig.HEAPWATCH_METRICS_PATH + " to a path nothing else maps (for example"
                + " /heapwatch/metrics), or remove the other mapping.";
    }

    /**
     * Creates the leak detector for a configuration and feeds it the tracker's after-GC samples. The caller binds it
     * to a registry (which starts its analyzer thread) and closes it.
     */
    public static LeakDetector startLeakDetector(
            HeapwatchConfig config, GcEventTracker tracker, RouteTraffic traffic, Tags tags) {
        LeakDetector detector = new LeakDetector(config.leakDetection(), tags, traffic);
        tracker.addListener(detector::onLiveHeap);
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

    /** Stops the leak analyzer, removes the GC listeners and every meter heapwatch registered. */
    @Override
    public void close() {
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
