package io.heapwatch.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.heapwatch.examples.jetty.JettyDemo;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus scrapes {@code /metrics} in each format it reads: OpenMetrics (what it asks for by default), the
 * Prometheus text format, and, started with protobuf negotiation on, the Prometheus protobuf format; each gzipped,
 * as Prometheus asks. A recording pass-through in front of the demo keeps what was asked for and what was served, and
 * Prometheus then holds heapwatch's series each time. For the text format the pass-through refuses OpenMetrics with
 * {@code q=0}, as a client that cannot read it would (Prometheus 2.42 has no setting for it).
 *
 * <p>Prometheus 2.42 (Debian 12) asks for protobuf only with {@code --enable-feature=native-histograms}; from 2.49
 * {@code scrape_protocols} chooses per job.
 */
class PrometheusScrapeFormatsIntegrationTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    static Path tmp;

    private static PrometheusUnderTest.Backend backend;
    private static JettyDemo demo;
    private static String password;

    private PrometheusUnderTest prometheus;
    private Recorder recorder;

    @BeforeAll
    static void startDemo() throws Exception {
        backend = PrometheusUnderTest.detectBackend();
        if (backend == PrometheusUnderTest.Backend.NONE) {
            if (ItSupport.inCi()) {
                fail("no Prometheus available; CI must install it (apt-get install prometheus)");
            }
            Assumptions.abort("no Prometheus binary and no Docker: skipped outside CI");
        }
        password = ItSupport.randomPassword();
        demo = JettyDemo.start(0, ItSupport.demoEnv(password));
        ItSupport.driveTraffic(demo, 0);
    }

    @AfterEach
    void stop() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        if (recorder != null) {
            recorder.close();
        }
    }

    @org.junit.jupiter.api.AfterAll
    static void stopDemo() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void scrapesOpenMetrics() throws Exception {
        Served served = scrapeWith("openmetrics", null);
        assertThat(served.accept()).startsWith("application/openmetrics-text");
        assertThat(served.contentType()).isEqualTo("application/openmetrics-text; version=1.0.0; charset=utf-8");
    }

    @Test
    void scrapesTheTextFormatWhenOpenMetricsIsRefused() throws Exception {
        Served served =
                scrapeWith("text", "application/openmetrics-text;q=0, text/plain;version=0.0.4;q=0.5, */*;q=0.1");
        assertThat(served.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    }

    @Test
    void scrapesTheProtobufFormat() throws Exception {
        Served served = scrapeWith("protobuf", null, "--enable-feature=native-histograms");
        assertThat(served.accept()).startsWith("application/vnd.google.protobuf");
        assertThat(served.contentType())
                .isEqualTo("application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily;"
                        + " encoding=delimited");
    }

    /**
     * Starts a Prometheus scraping the demo through the recorder, which replaces Prometheus' {@code Accept} with
     * {@code accept} unless it is null; returns the first successful scrape it served.
     */
    private Served scrapeWith(String name, String accept, String... flags) throws Exception {
        recorder = new Recorder(demo.port(), accept);
        Path config = Files.createDirectories(tmp.resolve(name));
        Files.writeString(config.resolve("heapwatch-password"), password + "\n");
        String target = PrometheusUnderTest.targetAddress(backend, recorder.port());
        Files.writeString(
                config.resolve("prometheus.yml"),
                String.join(
                        "\n",
                        "global:",
                        "  scrape_interval: 1s",
                        "scrape_configs:",
                        "  - job_name: heapwatch-" + name,
                        "    metrics_path: /metrics",
                        "    basic_auth:",
                        "      username: " + ItSupport.USERNAME,
                        "      password_file: heapwatch-password",
                        "    static_configs:",
                        "      - targets: ['" + target + "']",
                        ""));
        prometheus = PrometheusUnderTest.start(backend, config, flags);

        String query = "heapwatch_heap_committed_bytes{job=\"heapwatch-" + name + "\",container=\""
                + ItSupport.CONTAINER + "\"}";
        Instant deadline = Instant.now().plus(DEADLINE);
        JsonNode result = null;
        while (Instant.now().isBefore(deadline)) {
            List<JsonNode> targets = prometheus.activeTargets("heapwatch-" + name);
            result = prometheus.query(query);
            if (!targets.isEmpty() && "up".equals(targets.get(0).path("health").asText()) && result.size() > 0) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(result)
                .as(
                        "%s in Prometheus within %s; served %s\nprometheus log:\n%s",
                        query, DEADLINE, recorder.served, prometheus.logTail())
                .isNotNull()
                .hasSize(1);
        assertThat(Double.parseDouble(result.get(0).path("value").get(1).asText()))
                .isPositive();
        JsonNode counter = prometheus.query("heapwatch_requests_sampled_total{job=\"heapwatch-" + name + "\"}");
        assertThat(counter).as("per-route counters ingested").isNotEmpty();

        Served first = recorder.served.stream()
                .filter(s -> s.status() == 200)
                .findFirst()
                .orElseThrow();
        assertThat(first.encoding()).as("Prometheus asks for gzip").isEqualTo("gzip");
        return first;
    }

    record Served(int status, String accept, String contentType, String encoding) {}

    /** Forwards every request to the demo unchanged and records the negotiation of each. */
    static final class Recorder implements AutoCloseable {
        final List<Served> served = new CopyOnWriteArrayList<>();
        private final HttpServer server;
        private final int demoPort;
        private final String accept;

        Recorder(int demoPort, String accept) throws IOException {
            this.demoPort = demoPort;
            this.accept = accept;
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", this::forward);
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        private void forward(HttpExchange exchange) throws IOException {
            try (exchange) {
                HttpRequest.Builder request = HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + demoPort + exchange.getRequestURI()))
                        .timeout(Duration.ofSeconds(30))
                        .GET();
                String askedFor =
                        accept != null ? accept : exchange.getRequestHeaders().getFirst("Accept");
                if (askedFor != null) {
                    request.header("Accept", askedFor);
                }
                for (String h : List.of("Authorization", "Accept-Encoding")) {
                    String v = exchange.getRequestHeaders().getFirst(h);
                    if (v != null) {
                        request.header(h, v);
                    }
                }
                HttpResponse<byte[]> r;
                try {
                    r = ItSupport.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
                String contentType = r.headers().firstValue("Content-Type").orElse("");
                String encoding = r.headers().firstValue("Content-Encoding").orElse("");
                served.add(new Served(r.statusCode(), String.valueOf(askedFor), contentType, encoding));
                if (!contentType.isEmpty()) {
                    exchange.getResponseHeaders().set("Content-Type", contentType);
                }
                if (!encoding.isEmpty()) {
                    exchange.getResponseHeaders().set("Content-Encoding", encoding);
                }
                exchange.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(r.body());
                }
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
