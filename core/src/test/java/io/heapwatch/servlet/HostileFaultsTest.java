package io.heapwatch.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapwatch.config.HeapwatchConfig;
import io.heapwatch.endpoint.BasicAuthenticator;
import io.heapwatch.endpoint.MetricsServlet;
import io.heapwatch.sampling.MeasurementSource;
import io.heapwatch.sampling.MemoryProfilingFilter;
import io.heapwatch.testing.OutputCapture;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * Faults inside measurement, over real HTTP: a source that throws or returns nonsense, and registries whose meters
 * throw, even the fault counter itself. Every request still gets its normal response; the fault is counted in
 * heapwatch_measurement_faults_total (when the registry can count at all) and logged once.
 */
class HostileFaultsTest {

    static final int REQUESTS = 50;
    static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** A Jetty with the given filter on /* and an items servlet (and optionally a metrics servlet). */
    static final class App implements AutoCloseable {
        final Server server = TestServer.jetty();

        App(Filter filter, HttpServlet metrics) throws Exception {
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler("/");
            context.addServlet(new ServletHolder(new TestServer.ItemsServlet()), "/api/items/*");
            if (filter != null) {
                context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
            }
            if (metrics != null) {
                context.addServlet(new ServletHolder(metrics), "/metrics");
            }
            server.setHandler(context);
            server.start();
        }

        HttpResponse<String> get(String path, String... headers) throws Exception {
            int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
            if (headers.length > 0) {
                b.headers(headers);
            }
            return CLIENT.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        }

        @Override
        public void close() throws Exception {
            server.stop();
        }
    }

    static HeapwatchConfig config() {
        return HeapwatchConfig.builder()
                .containerName("faults")
                .growthThresholdMb(1)
                .build();
    }

    /** Sends REQUESTS requests and asserts each got the servlet's normal answer. */
    static void allSucceed(App app) throws Exception {
        for (int i = 0; i < REQUESTS; i++) {
            HttpResponse<String> r = app.get("/api/items/" + i);
            assertThat(r.statusCode()).as("request " + i).isEqualTo(200);
            assertThat(r.body()).isEqualTo("item /" + i);
        }
    }

    static Map<String, Double> faults(MeterRegistry registry) {
        Map<String, Double> m = new TreeMap<>();
        for (Counter c : registry.find("heapwatch.measurement.faults").counters()) {
            if (c.count() > 0) {
                m.put(c.getId().getTag("signal"), c.count());
            }
        }
        return m;
    }

    static final class Throwing implements MeasurementSource {
        @Override
        public long currentThreadAllocatedBytes() {
            throw new IllegalStateException("allocation counter broke");
        }

        @Override
        public long heapUsedBytes() {
            throw new IllegalStateException("heap read broke");
        }

        @Override
        public long gcCount() {
            throw new IllegalStateException("gc counter broke");
        }
    }

    /** Allocation counter running backwards, heap used -1, a negative GC count: nonsense, all of it. */
    static final class Nonsense implements MeasurementSource {
        final AtomicLong allocation = new AtomicLong(1_000_000_000L);

        @Override
        public long currentThreadAllocatedBytes() {
            return allocation.addAndGet(-1000);
        }

        @Override
        public long heapUsedBytes() {
            return -1;
        }

        @Override
        public long gcCount() {
            return -7;
        }
    }

    static final class Calm implements MeasurementSource {
        @Override
        public long currentThreadAllocatedBytes() {
            return 0;
        }

        @Override
        public long heapUsedBytes() {
            return 0;
        }

        @Override
        public long gcCount() {
            return 0;
        }
    }

    // ------------------------------------------------------------------------------------ registries that throw

    static final class ThrowingCounter implements Counter {
        private final Id id;

        ThrowingCounter(Id id) {
            this.id = id;
        }

        @Override
        public void increment(double amount) {
            throw new IllegalStateException("counter broke: " + id.getName());
        }

        @Override
        public double count() {
            return 0;
        }

        @Override
        public Id getId() {
            return id;
        }
    }

    static final class ThrowingSummary implements DistributionSummary {
        private final Id id;

        ThrowingSummary(Id id) {
            this.id = id;
        }

        @Override
        public void record(double amount) {
            throw new IllegalStateException("summary broke: " + id.getName());
        }

        @Override
        public long count() {
            return 0;
        }

        @Override
        public double totalAmount() {
            return 0;
        }

        @Override
        public double max() {
            return 0;
        }

        @Override
        public HistogramSnapshot takeSnapshot() {
            return HistogramSnapshot.empty(0, 0, 0);
        }

        @Override
        public Id getId() {
            return id;
        }
    }

    /** A SimpleMeterRegistry whose counters and summaries matching the predicate throw on record. */
    static final class BrokenRegistry extends SimpleMeterRegistry {
        final Predicate<String> broken;

        BrokenRegistry(Predicate<String> broken) {
            this.broken = broken;
        }

        @Override
        protected Counter newCounter(Meter.Id id) {
            return broken.test(id.getName()) ? new ThrowingCounter(id) : super.newCounter(id);
        }

        @Override
        protected DistributionSummary newDistributionSummary(
                Meter.Id id, DistributionStatisticConfig config, double scale) {
            return broken.test(id.getName())
                    ? new ThrowingSummary(id)
                    : super.newDistributionSummary(id, config, scale);
        }
    }

    // ------------------------------------------------------------------------------------ tests

    @Test
    void throwingSourceNeverFailsARequestAndEachSignalIsCountedAndLoggedOnce() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        int mark = OutputCapture.mark();
        try (App app = new App(new MemoryProfilingFilter(config(), registry, new Throwing()), null)) {
            allSucceed(app);
        }
        // Two reads per signal per request (before and after).
        assertThat(faults(registry))
                .isEqualTo(Map.of("allocation", 2.0 * REQUESTS, "heap", 2.0 * REQUESTS, "gc", 2.0 * REQUESTS));
        for (String signal : new String[] {"allocation", "heap", "gc"}) {
            assertThat(OutputCapture.linesContaining(mark, "heapwatch: reading the " + signal + " signal failed"))
                    .as(signal)
                    .isEqualTo(1);
        }
        assertThat(registry.get("heapwatch.requests.sampled").counter().count()).isEqualTo(REQUESTS);
    }

    @Test
    void nonsenseValuesAreFaultsNotMeasurements() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        int mark = OutputCapture.mark();
        try (App app = new App(new MemoryProfilingFilter(config(), registry, new Nonsense()), null)) {
            allSucceed(app);
        }
        assertThat(faults(registry)).isEqualTo(Map.of("allocation", (double) REQUESTS, "heap", (double) REQUESTS));
        assertThat(registry.get("heapwatch.request.allocated").summary().count())
                .isZero();
        assertThat(registry.get("heapwatch.request.heap.delta").summary().count())
                .isZero();
        assertThat(registry.get("heapwatch.request.growth.events").counter().count())
                .isZero();
        assertThat(OutputCapture.linesContaining(mark, "heapwatch: the allocation signal returned an impossible value"))
                .isEqualTo(1);
        assertThat(OutputCapture.linesContaining(mark, "heapwatch: the heap signal returned an impossible value"))
                .isEqualTo(1);
    }

    @Test
    void perRouteMetersThatThrowAreRecordFaults() throws Exception {
        BrokenRegistry registry = new BrokenRegistry(name ->
                name.startsWith("heapwatch.request") && !name.contains("discarded") && !name.contains("unavailable"));
        int mark = OutputCapture.mark();
        try (App app = new App(new MemoryProfilingFilter(config(), registry, new Calm()), null)) {
            allSucceed(app);
        }
        assertThat(faults(registry)).isEqualTo(Map.of("record", (double) REQUESTS));
        assertThat(OutputCapture.linesContaining(mark, "heapwatch: reading the record signal failed"))
                .isEqualTo(1);
    }

    /** Regression: the fault counter throwing used to escape the filter and turn every request into a 500. */
    @Test
    void registryThatThrowsEvenOnTheFaultCounterNeverFailsARequest() throws Exception {
        BrokenRegistry registry = new BrokenRegistry(name -> true);
        int mark = OutputCapture.mark();
        try (App app = new App(new MemoryProfilingFilter(config(), registry, new Throwing()), null)) {
            allSucceed(app);
        }
        try (App app =
                new App(new MemoryProfilingFilter(config(), new BrokenRegistry(name -> true), new Calm()), null)) {
            allSucceed(app);
        }
        try (App app =
                new App(new MemoryProfilingFilter(config(), new BrokenRegistry(name -> true), new Nonsense()), null)) {
            allSucceed(app);
        }
        // Logged once per signal and filter, never per request: three filters, each failing to record.
        assertThat(OutputCapture.linesContaining(mark, "heapwatch: reading the gc signal failed"))
                .isEqualTo(1);
        assertThat(OutputCapture.linesContaining(mark, "heapwatch: reading the record signal failed"))
                .isEqualTo(3);
    }

    /** Regression: a throwing auth-failure counter used to turn a 401 into a 500. */
    @Test
    void throwingAuthFailureCounterStillRefusesWith401() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) {
            @Override
            public Counter newCounter(Meter.Id id) {
                return id.getName().startsWith("heapwatch.metrics.auth")
                        ? new ThrowingCounter(id)
                        : super.newCounter(id);
            }
        };
        MetricsServlet servlet =
                new MetricsServlet(registry, new BasicAuthenticator("prom", "it-password-7f3a"), Tags.empty());
        int mark = OutputCapture.mark();
        try (App app = new App(null, servlet)) {
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = app.get("/metrics", "Authorization", TestServer.basic("prom:wrong" + i));
                assertThat(r.statusCode()).isEqualTo(401);
                assertThat(r.body()).doesNotContain("heapwatch_");
                assertThat(app.get("/metrics").statusCode()).isEqualTo(401);
            }
            assertThat(app.get("/metrics", "Authorization", TestServer.basic("prom:it-password-7f3a"))
                            .statusCode())
                    .isEqualTo(200);
        }
        assertThat(OutputCapture.linesContaining(mark, "heapwatch: counting a refused /metrics request failed"))
                .isEqualTo(1);
    }
}
