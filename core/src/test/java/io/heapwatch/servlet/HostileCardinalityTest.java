package io.heapwatch.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapwatch.config.HeapwatchConfig;
import io.heapwatch.gc.GcEventTracker;
import io.heapwatch.sampling.JvmMeasurementSource;
import io.heapwatch.sampling.MemoryProfilingFilter;
import io.heapwatch.sampling.RouteResolver;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Proxy;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Cardinality under hostile traffic: unique raw URLs (path-variable routes, 404 probes, unmapped servlet paths, more
 * route templates than the cap, invented methods) never grow heapwatch's meters past the documented cap, and the
 * retained heap returns to its baseline after GC.
 *
 * <p>Sizes: {@code -Dheapwatch.hostile.requests} (default 1,000,000, driven into the filter directly) and
 * {@code -Dheapwatch.hostile.httpRequests} (default 5,000 to keep the build short; 20,000 for the recorded run, over real HTTP
 * to Jetty with keep-alive).
 */
class HostileCardinalityTest {

    static final int DIRECT = Integer.getInteger("heapwatch.hostile.requests", 1_000_000);
    static final int HTTP = Integer.getInteger("heapwatch.hostile.httpRequests", 5_000);
    static final int MAX_ROUTES = 100;
    /** Per route: 9 method values x 4 meters (sampled, allocated, heap delta, growth events). */
    static final int PER_ROUTE = 9 * 4;
    /** The documented cap: HEAPWATCH_MAX_ROUTES routes plus OTHER, each with at most PER_ROUTE meters. */
    static final int CAP = (MAX_ROUTES + 1) * PER_ROUTE;
    /** heapwatch's global meters (GC, heap, faults, discarded, endpoint): a constant well above their count. */
    static final int CONSTANT = 40;

    /** A reusable fake request and response: one Proxy each, mutable state, nothing per request but the URL. */
    static final class Exchange {
        String uri = "/";
        String method = "GET";
        Object pattern;
        int status = 200;
        HttpServletMapping mapping;
        final HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(
                HttpServletRequest.class.getClassLoader(), new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> {
                    switch (m.getName()) {
                        case "getDispatcherType":
                            return DispatcherType.REQUEST;
                        case "isAsyncStarted":
                            return false;
                        case "getAttribute":
                            return RouteResolver.SPRING_BEST_MATCHING_PATTERN.equals(a[0]) ? pattern : null;
                        case "getMethod":
                            return method;
                        case "getRequestURI":
                            return uri;
                        case "getHttpServletMapping":
                            return mapping;
                        case "hashCode":
                            return System.identityHashCode(p);
                        case "equals":
                            return p == a[0];
                        case "toString":
                            return "fake request " + uri;
                        default:
                            throw new UnsupportedOperationException(m.getName());
                    }
                });
        final HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(
                HttpServletResponse.class.getClassLoader(), new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> {
                    switch (m.getName()) {
                        case "getStatus":
                            return status;
                        case "hashCode":
                            return System.identityHashCode(p);
                        case "equals":
                            return p == a[0];
                        case "toString":
                            return "fake response";
                        default:
                            throw new UnsupportedOperationException(m.getName());
                    }
                });
    }

    static HttpServletMapping mapping(MappingMatch match, String pattern) {
        return new HttpServletMapping() {
            @Override
            public String getMatchValue() {
                return "";
            }

            @Override
            public String getPattern() {
                return pattern;
            }

            @Override
            public String getServletName() {
                return "s";
            }

            @Override
            public MappingMatch getMappingMatch() {
                return match;
            }
        };
    }

    static final HttpServletMapping ITEMS = mapping(MappingMatch.PATH, "/api/items/*");
    static final HttpServletMapping DEFAULT = mapping(MappingMatch.DEFAULT, "/");
    static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "HEAD"};

    /** One hostile request of kind i % 6, with a unique raw URL. */
    static void shape(Exchange x, long i) {
        x.uri = "/api/items/" + Long.toHexString(i * 0x9E3779B97F4A7C15L) + "?q=" + i;
        x.pattern = null;
        x.status = 200;
        x.mapping = ITEMS;
        x.method = METHODS[(int) (i % METHODS.length)];
        switch ((int) (i % 6)) {
            case 0 -> x.pattern = "/api/items/{id}"; // a path-variable route (Spring)
            case 1 -> {
                x.status = 404;
                x.mapping = DEFAULT;
            } // a 404 probe
            case 2 -> x.mapping = DEFAULT; // an unmapped servlet path (default servlet)
            case 3 -> x.mapping = null; // no mapping at all
            case 4 -> x.pattern = "/generated/" + (i % 5_000) + "/{id}"; // more route templates than the cap
            default -> x.method = "X-" + i; // invented methods
        }
    }

    static long heapwatchMeters(MeterRegistry registry) {
        return registry.getMeters().stream()
                .map(Meter::getId)
                .filter(id -> id.getName().startsWith("heapwatch."))
                .count();
    }

    static long usedAfterGc() throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(30);
            best = Math.min(
                    best,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    @Test
    void millionUniqueUrlsThroughTheFilterStayUnderTheCapAndRetainNothing() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HeapwatchConfig config = HeapwatchConfig.builder()
                .containerName("card")
                .maxRoutes(MAX_ROUTES)
                .build();
        try (GcEventTracker tracker = new GcEventTracker(Tags.of("container", "card"))) {
            tracker.bindTo(registry);
            MemoryProfilingFilter filter =
                    new MemoryProfilingFilter(config, registry, new JvmMeasurementSource(tracker));
            Exchange x = new Exchange();
            FilterChain chain = (req, res) -> {};
            int warmup = Math.min(DIRECT, 50_000);
            for (long i = 0; i < warmup; i++) {
                shape(x, i);
                filter.doFilter(x.request, x.response, chain);
            }
            long metersAfterWarmup = heapwatchMeters(registry);
            long baseline = usedAfterGc();
            long start = System.nanoTime();
            for (long i = warmup; i < DIRECT; i++) {
                shape(x, i);
                filter.doFilter(x.request, x.response, chain);
            }
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            long after = usedAfterGc();
            long meters = heapwatchMeters(registry);
            double sampled = registry.find("heapwatch.requests.sampled").counters().stream()
                    .mapToDouble(c -> c.count())
                    .sum();
            String scrape = registry.scrape();
            System.out.printf(
                    "hostile cardinality (direct): %,d requests in %,d ms; heapwatch meters %d (cap %d + %d);"
                            + " routes %d; used heap after GC %,d -> %,d bytes (%+,d); scrape %,d bytes%n",
                    DIRECT,
                    elapsedMs,
                    meters,
                    CAP,
                    CONSTANT,
                    filter.routeCount(),
                    baseline,
                    after,
                    after - baseline,
                    scrape.length());
            assertThat(sampled).isEqualTo(DIRECT);
            assertThat(meters).isLessThanOrEqualTo(CAP + CONSTANT).isEqualTo(metersAfterWarmup);
            assertThat(filter.routeCount()).isEqualTo(MAX_ROUTES);
            assertThat(uriValues(scrape))
                    .hasSizeLessThanOrEqualTo(MAX_ROUTES + 1)
                    .contains("OTHER", "NOT_FOUND", "UNKNOWN", "/api/items/{id}");
            assertThat(scrape).doesNotContain("?q=").doesNotContain("X-1");
            // Nothing per request is retained: allow 8 MiB of noise (TLABs, JIT, class metadata is off-heap).
            assertThat(after - baseline).isLessThan(8L * 1024 * 1024);
            filter.removeMeters();
        }
    }

    static Set<String> uriValues(String scrape) {
        Set<String> uris = new TreeSet<>();
        Matcher m = Pattern.compile("uri=\"([^\"]*)\"").matcher(scrape);
        while (m.find()) {
            uris.add(m.group(1));
        }
        return uris;
    }

    /** Requests the client had to resend because the server had closed a pooled keep-alive connection. */
    static final AtomicInteger RESENT = new AtomicInteger();

    /**
     * Sends once more when the client picked a pooled connection the server had already closed. The JDK client resends
     * only idempotent methods on its own, and a POST on such a connection fails with "header parser received no
     * bytes". That is a transport race, not a heapwatch fault: a fault in heapwatch shows as a status, never as a
     * dropped connection.
     */
    static int send(TestServer s, HttpRequest req) throws IOException, InterruptedException {
        try {
            return s.client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            RESENT.incrementAndGet();
            return s.client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    @Test
    void uniqueUrlsOverRealHttpStayUnderTheCap() throws Exception {
        try (TestServer s =
                TestServer.start(TestServer.config().maxRoutes(MAX_ROUTES).build())) {
            MeterRegistry registry = s.heapwatch.registry();
            for (int i = 0; i < 200; i++) {
                s.get("/api/items/warm" + i);
                s.get("/warm/" + i);
            }
            long metersBefore = heapwatchMeters(registry);
            long baseline = usedAfterGc();
            int threads = 4;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long start = System.nanoTime();
            List<Future<int[]>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                results.add(pool.submit(() -> {
                    int[] statuses = new int[600];
                    for (int i = offset; i < HTTP; i += threads) {
                        String path =
                                switch (i % 4) {
                                    case 0 -> "/api/items/" + i + "?session=" + Integer.toHexString(i * 31);
                                    case 1 -> "/no/such/route/" + i + "/" + Integer.toHexString(i); // 404 probe
                                    case 2 -> "/api/items/" + i + "/deep/%7B" + i + "%7D"; // path variable
                                    default -> "/unmapped" + i + ".php"; // scanner probe
                                };
                        HttpRequest req = HttpRequest.newBuilder(s.uri(path))
                                .timeout(Duration.ofSeconds(10))
                                .method(i % 7 == 0 ? "POST" : "GET", HttpRequest.BodyPublishers.noBody())
                                .build();
                        statuses[send(s, req)]++;
                    }
                    return statuses;
                }));
            }
            int[] statuses = new int[600];
            for (Future<int[]> f : results) {
                int[] st = f.get();
                for (int i = 0; i < st.length; i++) {
                    statuses[i] += st[i];
                }
            }
            pool.shutdown();
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            long after = usedAfterGc();
            String scrape = s.scrape().body();
            long meters = heapwatchMeters(registry);
            System.out.printf(
                    "hostile cardinality (HTTP): %,d requests in %,d ms (200: %d, 404: %d, 405: %d; resent %d);"
                            + " heapwatch meters %d -> %d; uri values %s; used heap after GC %,d -> %,d bytes (%+,d)%n",
                    HTTP,
                    elapsedMs,
                    statuses[200],
                    statuses[404],
                    statuses[405],
                    RESENT.get(),
                    metersBefore,
                    meters,
                    uriValues(scrape),
                    baseline,
                    after,
                    after - baseline);
            assertThat(statuses[200] + statuses[404] + statuses[405]).isEqualTo(HTTP);
            assertThat(RESENT.get())
                    .as("requests resent after a closed keep-alive connection")
                    .isLessThan(HTTP / 100);
            assertThat(meters).isLessThanOrEqualTo(CAP + CONSTANT);
            assertThat(uriValues(scrape)).allSatisfy(u -> assertThat(u).doesNotContainPattern("[0-9]"));
            assertThat(after - baseline).isLessThan(8L * 1024 * 1024);
        }
    }
}
