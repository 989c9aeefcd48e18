package io.heapwatch.benchmarks;

import io.heapwatch.config.HeapwatchConfig;
import io.heapwatch.gc.GcEventTracker;
import io.heapwatch.sampling.JvmMeasurementSource;
import io.heapwatch.sampling.MemoryProfilingFilter;
import io.heapwatch.sampling.RouteResolver;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.bull.javamelody.MonitoringFilter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * The cost one filter adds to a request whose chain does almost nothing, in the same run for heapwatch's settings and
 * for its peers. Every variant runs the same chain, which does what Spring MVC's handler mapping does for a matched
 * route: it sets the {@code bestMatchingPattern} request attribute and, when an observation is in progress, its path
 * pattern. Requests rotate over 50 routes; method GET, status 200, dispatcher type REQUEST.
 *
 * <p>{@code none} is the baseline: the chain called directly. The cost a filter adds is its score minus the baseline's.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class FilterOverheadBenchmark {

    static final int ROUTES = 50;

    /** Request attribute carrying the route the fake handler mapping "matches" (survives request wrappers). */
    static final String ROUTE_ATTRIBUTE = "bench.route";

    @Param({
        "none",
        "heapwatch_rate_1.0",
        "heapwatch_rate_0.1",
        "heapwatch_rate_0.0",
        "heapwatch_allocation_only",
        "spring_observation",
        "javamelody",
        "naive_mxbean"
    })
    public String filter;

    private Filter instance;
    private AutoCloseable cleanup;
    private PrometheusMeterRegistry registry;
    private ServletContext context;

    /**
     * The application: what Spring MVC's {@code RequestMappingInfoHandlerMapping#handleMatch} does for a matched route,
     * then nothing. Status stays 200.
     */
    static final FilterChain APP = FilterOverheadBenchmark::handle;

    private static void handle(ServletRequest request, ServletResponse response) {
        String route = (String) request.getAttribute(ROUTE_ATTRIBUTE);
        request.setAttribute(RouteResolver.SPRING_BEST_MATCHING_PATTERN, route);
        Object observation = request.getAttribute(ServerHttpObservationFilter.CURRENT_OBSERVATION_CONTEXT_ATTRIBUTE);
        if (observation instanceof ServerRequestObservationContext) {
            ((ServerRequestObservationContext) observation).setPathPattern(route);
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        context = Fakes.servletContext(Map.of());
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        switch (filter) {
            case "none":
                instance = null;
                cleanup = registry::close;
                break;
            case "heapwatch_rate_1.0":
                heapwatch(registry, HeapwatchConfig.builder().sampleRate(1.0));
                break;
            case "heapwatch_rate_0.1":
                heapwatch(registry, HeapwatchConfig.builder().sampleRate(0.1));
                break;
            case "heapwatch_rate_0.0":
                heapwatch(registry, HeapwatchConfig.builder().sampleRate(0.0));
                break;
            case "heapwatch_allocation_only":
                heapwatch(registry, HeapwatchConfig.builder().sampleRate(1.0).heapDeltaEnabled(false));
                break;
            case "spring_observation":
                // What Spring Boot wires for every servlet app with actuator: http.server.requests via the meter
                // observation handler (timer on stop, long task timer while active).
                ObservationRegistry observations = ObservationRegistry.create();
                observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(registry));
                instance = new ServerHttpObservationFilter(observations);
                cleanup = registry::close;
                break;
            case "javamelody":
                Path storage = Files.createTempDirectory("javamelody-bench");
                System.setProperty("javamelody.storage-directory", storage.toString());
                System.setProperty("javamelody.no-database", "true");
                MonitoringFilter melody = new MonitoringFilter();
                melody.init(Fakes.filterConfig("javamelody", context, Map.of()));
                instance = melody;
                cleanup = () -> {
                    melody.destroy();
                    registry.close();
                };
                break;
            case "naive_mxbean":
                instance = new NaiveHeapFilter(registry);
                cleanup = registry::close;
                break;
            default:
                throw new IllegalArgumentException("unknown filter " + filter);
        }
    }

    private void heapwatch(PrometheusMeterRegistry registry, HeapwatchConfig.Builder config) {
        GcEventTracker tracker = new GcEventTracker(Tags.of("container", "bench"));
        tracker.bindTo(registry);
        MemoryProfilingFilter f = new MemoryProfilingFilter(
                config.containerName("bench").build(), registry, new JvmMeasurementSource(tracker));
        instance = f;
        cleanup = () -> {
            f.removeMeters();
            tracker.close();
            registry.close();
        };
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            checkRecorded();
        } finally {
            cleanup.close();
        }
    }

    /** Fails the run if a filter under test did not record what it exists to record (so it was not measured idle). */
    private void checkRecorded() {
        String meter;
        switch (filter) {
            case "heapwatch_rate_1.0":
            case "heapwatch_rate_0.1":
            case "heapwatch_allocation_only":
                meter = "heapwatch.requests.sampled";
                break;
            case "spring_observation":
                meter = "http.server.requests";
                break;
            case "naive_mxbean":
                meter = "naive.request.heap.delta.bytes";
                break;
            default:
                return;
        }
        long routes = registry.find(meter).meters().stream()
                .map(m -> m.getId().getTag("uri"))
                .filter(uri -> uri != null && uri.startsWith("/api/resource"))
                .distinct()
                .count();
        // A very short (smoke) run, still interpreted, may not have reached every route; a real run reaches all 50.
        if (routes == 0) {
            throw new IllegalStateException(
                    filter + " recorded no " + meter + " for the benchmark's routes: " + registry.scrape());
        }
    }

    /** Each thread's own requests (50 routes in rotation) and response. */
    @State(Scope.Thread)
    public static class Requests {
        final FakeRequest[] requests = new FakeRequest[ROUTES];
        final FakeResponse response = new FakeResponse();
        int next;

        @Setup(Level.Trial)
        public void setUp(FilterOverheadBenchmark bench) {
            // Threads start at different points of the rotation, so they do not walk the routes in lockstep.
            next = java.util.concurrent.ThreadLocalRandom.current().nextInt(ROUTES);
            for (int i = 0; i < ROUTES; i++) {
                FakeRequest r = new FakeRequest("GET", "/api/resource" + i + "/42", bench.context)
                        .header("Host", "localhost:8080")
                        .header("User-Agent", "wrk");
                r.setAttribute(ROUTE_ATTRIBUTE, "/api/resource" + i + "/{id}");
                requests[i] = r;
            }
        }

        FakeRequest next() {
            int i = next;
            next = i + 1 == ROUTES ? 0 : i + 1;
            return requests[i];
        }
    }

    private int request(Requests state) throws IOException, ServletException {
        FakeRequest request = state.next();
        FakeResponse response = state.response;
        if (instance == null) {
            APP.doFilter(request, response);
        } else {
            instance.doFilter(request, response, APP);
        }
        return response.getStatus();
    }

    @Benchmark
    @Threads(1)
    public int threads1(Requests state) throws IOException, ServletException {
        return request(state);
    }

    @Benchmark
    @Threads(2)
    public int threads2(Requests state) throws IOException, ServletException {
        return request(state);
    }
}
