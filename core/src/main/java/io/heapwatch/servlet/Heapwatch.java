package io.heapwatch.servlet;

import io.heapwatch.config.HeapwatchConfig;
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
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import java.util.EnumSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * heapwatch installed in one web application: the GC tracker, the request filter on {@code /*} and the authenticated
 * {@code /metrics} servlet. {@link #close()} removes the GC listeners and the meters.
 *
 * <pre>{@code
 * Heapwatch heapwatch = Heapwatch.install(servletContext); // reads the environment variables
 * }</pre>
 *
 * Call it while the context is being initialized (from a {@code ServletContainerInitializer}, a
 * {@code ServletContextListener} declared in {@code web.xml}, or before an embedded server starts). In {@code web.xml}
 * declare {@link HeapwatchServletContextListener} instead.
 */
public final class Heapwatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Heapwatch.class);

    /** The name under which the filter is registered. */
    public static final String FILTER_NAME = "heapwatchMemoryProfilingFilter";

    /** The name under which the metrics servlet is registered. */
    public static final String SERVLET_NAME = "heapwatchMetricsServlet";

    /** Where the metrics servlet is mapped. */
    public static final String METRICS_PATH = "/metrics";

    private final HeapwatchConfig config;
    private final PrometheusMeterRegistry registry;
    private final GcEventTracker tracker;
    private final @Nullable MemoryProfilingFilter filter;
    private final @Nullable MetricsServlet servlet;
    private final @Nullable LeakDetector leakDetector;

    private Heapwatch(
            HeapwatchConfig config,
            PrometheusMeterRegistry registry,
            GcEventTracker tracker,
            @Nullable MemoryProfilingFilter filter,
            @Nullable MetricsServlet servlet,
            @Nullable LeakDetector leakDetector) {
        this.config = config;
        this.registry = registry;
        this.tracker = tracker;
        this.filter = filter;
        this.servlet = servlet;
        this.leakDetector = leakDetector;
    }

    /**
     * Installs heapwatch configured from the environment variables, with a new Prometheus registry.
     *
     * @throws io.heapwatch.config.ConfigException when a variable holds a value that is not accepted
     */
    public static Heapwatch install(ServletContext context) {
        return install(
                context, HeapwatchConfig.fromEnvironment(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    /** Installs heapwatch with the given configuration, recording into and serving the given registry. */
    public static Heapwatch install(ServletContext context, HeapwatchConfig config, PrometheusMeterRegistry registry) {
        Tags tags = Tags.of("container", config.containerName());
        GcEventTracker tracker = new GcEventTracker(tags);
        tracker.bindTo(registry);
        MemoryProfilingFilter filter = null;
        MetricsServlet servlet = null;
        LeakDetector detector = null;
        try {
            if (config.profilingEnabled()) {
                filter = new MemoryProfilingFilter(config, registry, new JvmMeasurementSource(tracker));
                FilterRegistration.Dynamic f = context.addFilter(FILTER_NAME, filter);
                f.setAsyncSupported(true);
                f.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, "/*");
            }
            if (config.leakDetectionEnabled()) {
                detector = startLeakDetector(config, tracker, filter == null ? RouteTraffic.NONE : filter, tags);
                detector.bindTo(registry);
            }
            if (config.prometheusEnabled()) {
                servlet = new MetricsServlet(
                        registry, new BasicAuthenticator(config.metricsUsername(), config.metricsPassword()), tags);
                ServletRegistration.Dynamic s = context.addServlet(SERVLET_NAME, servlet);
                s.addMapping(METRICS_PATH);
            }
        } catch (RuntimeException e) {
            tracker.close();
            if (detector != null) {
                detector.close();
            }
            throw e;
        }
        log.info("heapwatch installed: {}", config);
        return new Heapwatch(config, registry, tracker, filter, servlet, detector);
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
