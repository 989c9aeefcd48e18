package io.heapwatch.spring.boot;

import io.heapwatch.config.HeapwatchConfig;
import io.heapwatch.endpoint.AuthGuard;
import io.heapwatch.endpoint.BasicAuthenticator;
import io.heapwatch.endpoint.MetricsServlet;
import io.heapwatch.gc.GcEventTracker;
import io.heapwatch.leak.LeakDetector;
import io.heapwatch.leak.RouteTraffic;
import io.heapwatch.sampling.JvmMeasurementSource;
import io.heapwatch.sampling.MemoryProfilingFilter;
import io.heapwatch.servlet.Heapwatch;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.servlet.DispatcherType;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.core.Ordered;

/** Builds heapwatch's components from the core, the way {@link Heapwatch} assembles them for plain servlets. */
public final class HeapwatchComponents {

    /**
     * The filter's order: just after Spring's observation filter ({@code HIGHEST_PRECEDENCE + 1}), before Spring
     * Security ({@code -100}), so that it measures nearly the whole request.
     */
    public static final int FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 2;

    private HeapwatchComponents() {}

    /** The {@code container} tag of every heapwatch meter. */
    public static Tags tags(HeapwatchConfig config) {
        return Tags.of("container", config.containerName());
    }

    /** A GC tracker bound to the registry heapwatch records into. */
    public static GcEventTracker gcTracker(HeapwatchConfig config, HeapwatchRegistries registries) {
        GcEventTracker tracker = new GcEventTracker(tags(config));
        try {
            for (MeterRegistry registry : registries.binderTargets()) {
                tracker.bindTo(registry);
            }
        } catch (RuntimeException e) {
            tracker.close();
            throw e;
        }
        return tracker;
    }

    public static MemoryProfilingFilter filter(
            HeapwatchConfig config, HeapwatchRegistries registries, GcEventTracker tracker) {
        return new MemoryProfilingFilter(config, registries.recording(), new JvmMeasurementSource(tracker));
    }

    /**
     * Registers the filter on {@code /*} for REQUEST and ASYNC dispatches, async-supported; disabled when the
     * configuration says profiling is off (possible only with a user-supplied {@link HeapwatchConfig}).
     */
    public static FilterRegistrationBean<MemoryProfilingFilter> filterRegistration(
            MemoryProfilingFilter filter, HeapwatchConfig config) {
        FilterRegistrationBean<MemoryProfilingFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setName(Heapwatch.FILTER_NAME);
        registration.setAsyncSupported(true);
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
        registration.addUrlPatterns("/*");
        registration.setOrder(FILTER_ORDER);
        registration.setEnabled(config.profilingEnabled());
        return registration;
    }

    /**
     * The leak detector, fed by the tracker's after-GC samples and the filter's per-route counts (none when profiling
     * is off), bound like the tracker; binding starts its analyzer thread.
     */
    public static LeakDetector leakDetector(
            HeapwatchConfig config,
            HeapwatchRegistries registries,
            GcEventTracker tracker,
            @Nullable MemoryProfilingFilter filter) {
        LeakDetector detector =
                Heapwatch.startLeakDetector(config, tracker, filter == null ? RouteTraffic.NONE : filter, tags(config));
        try {
            for (MeterRegistry registry : registries.binderTargets()) {
                detector.bindTo(registry);
            }
        } catch (RuntimeException e) {
            detector.close();
            throw e;
        }
        return detector;
    }

    public static BasicAuthenticator authenticator(HeapwatchConfig config) {
        return BasicAuthenticator.of(config);
    }

    /**
     * The authentication of heapwatch's endpoints: refusals counted in the scraped registry, back-off and remembered
     * credentials shared through the authenticator.
     */
    public static AuthGuard authGuard(
            HeapwatchConfig config, HeapwatchRegistries registries, BasicAuthenticator authenticator) {
        return new AuthGuard(authenticator, registries.scraped(), tags(config));
    }

    public static MetricsServlet metricsServlet(
            HeapwatchConfig config, HeapwatchRegistries registries, BasicAuthenticator authenticator) {
        return new MetricsServlet(registries.scraped(), authenticator, tags(config));
    }

    /**
     * Maps the servlet on {@code /metrics}; disabled when the configuration says the endpoint is off (possible only
     * with a user-supplied {@link HeapwatchConfig}).
     */
    public static ServletRegistrationBean<MetricsServlet> metricsServletRegistration(
            MetricsServlet servlet, HeapwatchConfig config) {
        ServletRegistrationBean<MetricsServlet> registration =
                new ServletRegistrationBean<>(servlet, config.metricsPath());
        registration.setName(Heapwatch.SERVLET_NAME);
        registration.setLoadOnStartup(1);
        registration.setEnabled(config.prometheusEnabled());
        return registration;
    }
}
