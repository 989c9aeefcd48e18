package io.heapwatch.benchmarks;

import io.heapwatch.endpoint.BasicAuthenticator;
import io.heapwatch.endpoint.MetricsServlet;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

/**
 * The cost of one authenticated {@code GET /metrics} through {@link MetricsServlet} against
 * {@link PrometheusMeterRegistry#scrape()} called directly, for registries of 100, 1,000 and 10,000 series. The
 * difference is what the endpoint and its authentication add.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
@State(Scope.Benchmark)
public class ScrapeBenchmark {

    /** Series are spread over this many metric names, so HELP and TYPE lines come in realistic proportion. */
    static final int METRIC_NAMES = 10;

    @Param({"100", "1000", "10000"})
    public int series;

    /**
     * {@code direct}: {@link PrometheusMeterRegistry#scrape()}; {@code servlet}: {@code GET /metrics} through
     * {@link MetricsServlet} with valid credentials; {@code servlet-gzip}: the same with {@code Accept-Encoding: gzip},
     * as Prometheus sends it. A parameter rather than separate methods, and named to sort after {@code series}, so
     * that JMH runs them for one registry size back to back: machine drift between the halves of a ratio stays small.
     */
    @Param({"direct", "servlet", "servlet-gzip"})
    public String via;

    private PrometheusMeterRegistry registry;
    private MetricsServlet servlet;
    private FakeRequest request;
    private FakeResponse response;

    @Setup(Level.Trial)
    public void setUp() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        for (int i = 0; i < series; i++) {
            Counter.builder("bench.metric" + (i % METRIC_NAMES))
                    .tags("container", "bench", "uri", "/api/resource" + (i / METRIC_NAMES) + "/{id}", "method", "GET")
                    .description("A benchmark series")
                    .register(registry)
                    .increment(i + 1);
        }
        servlet = new MetricsServlet(
                registry, new BasicAuthenticator("prometheus", "s3cret"), Tags.of("container", "bench"));
        String token = Base64.getEncoder().encodeToString("prometheus:s3cret".getBytes(StandardCharsets.UTF_8));
        request = new FakeRequest("GET", "/metrics", Fakes.servletContext(Map.of()))
                .header("Authorization", "Basic " + token);
        if ("servlet-gzip".equals(via)) {
            request.header("Accept-Encoding", "gzip");
        }
        response = new FakeResponse(1 << 20);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        registry.close();
    }

    @Benchmark
    public int scrape() throws IOException, ServletException {
        if ("direct".equals(via)) {
            return registry.scrape().length();
        }
        response.recycle();
        servlet.service(request, response);
        if (response.getStatus() != 200) {
            throw new IllegalStateException("/metrics answered " + response.getStatus());
        }
        return response.bodySize();
    }
}
