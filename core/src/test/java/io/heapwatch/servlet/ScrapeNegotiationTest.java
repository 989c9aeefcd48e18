package io.heapwatch.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_35_0.Metrics.MetricFamily;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Content negotiation, compression and name filtering of {@code /metrics} against a real Jetty, checked the way a
 * Prometheus server reads the answers.
 */
class ScrapeNegotiationTest {

    static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    static final String PROTOBUF =
            "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";
    /** What Prometheus 2.x sends when it prefers protobuf (scrape_protocols: [PrometheusProto, ...]). */
    static final String PROMETHEUS_PROTOBUF_FIRST = "application/vnd.google.protobuf;"
            + "proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.5,"
            + "application/openmetrics-text;version=1.0.0;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(TestServer.config().build());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void noAcceptHeaderGetsTheTextFormat() throws Exception {
        HttpResponse<byte[]> r = scrape("");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(TEXT);
        assertThat(text(r)).contains("# TYPE heapwatch_heap_used_bytes gauge").doesNotContain("# EOF");
    }

    @Test
    void openMetricsWhenAskedFor() throws Exception {
        HttpResponse<byte[]> r = scrape("", "Accept", "application/openmetrics-text;version=1.0.0,text/plain;q=0.5");
        assertThat(r.headers().firstValue("Content-Type")).hasValue(OPENMETRICS);
        assertThat(text(r)).endsWith("# EOF\n");
    }

    @Test
    void qualityZeroRefusesOpenMetrics() throws Exception {
        HttpResponse<byte[]> r = scrape("", "Accept", "application/openmetrics-text;q=0, text/plain;q=0.5");
        assertThat(r.headers().firstValue("Content-Type")).hasValue(TEXT);
        assertThat(text(r)).doesNotContain("# EOF");
        HttpResponse<byte[]> only = scrape("", "Accept", "application/openmetrics-text; q=0");
        assertThat(only.headers().firstValue("Content-Type")).hasValue(TEXT);
    }

    @Test
    void higherQualityWinsWhateverTheOrder() throws Exception {
        HttpResponse<byte[]> r = scrape("", "Accept", "text/plain;q=0.2, application/openmetrics-text;q=0.9");
        assertThat(r.headers().firstValue("Content-Type")).hasValue(OPENMETRICS);
        HttpResponse<byte[]> text = scrape("", "Accept", "application/openmetrics-text;q=0.1, text/plain;q=0.9");
        assertThat(text.headers().firstValue("Content-Type")).hasValue(TEXT);
    }

    @Test
    void protobufParsesAsMetricFamilies() throws Exception {
        HttpResponse<byte[]> r = scrape("", "Accept", PROMETHEUS_PROTOBUF_FIRST);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(PROTOBUF);
        List<MetricFamily> families = families(r.body());
        MetricFamily heap = families.stream()
                .filter(f -> f.getName().equals("heapwatch_heap_used_bytes"))
                .findFirst()
                .orElseThrow();
        assertThat(heap.getMetric(0).getGauge().getValue()).isPositive();
        assertThat(heap.getMetric(0).getLabelList())
                .anySatisfy(l -> assertThat(l.getName() + "=" + l.getValue()).isEqualTo("container=it"));
    }

    @Test
    void gzipWhenAcceptedAndNotOtherwise() throws Exception {
        HttpResponse<byte[]> zipped = scrape("", "Accept-Encoding", "deflate, gzip;q=0.8");
        assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(zipped.headers().firstValue("Content-Length")).hasValue(Integer.toString(zipped.body().length));
        String unzipped = new String(gunzip(zipped.body()), StandardCharsets.UTF_8);
        assertThat(unzipped).contains("# TYPE heapwatch_heap_used_bytes gauge");

        HttpResponse<byte[]> refused = scrape("", "Accept-Encoding", "gzip;q=0, identity");
        assertThat(refused.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(text(refused)).contains("# TYPE heapwatch_heap_used_bytes gauge");
    }

    @Test
    void gzippedProtobuf() throws Exception {
        HttpResponse<byte[]> r = scrape("", "Accept", PROMETHEUS_PROTOBUF_FIRST, "Accept-Encoding", "gzip");
        assertThat(r.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(families(gunzip(r.body()))).extracting(MetricFamily::getName).contains("heapwatch_heap_max_bytes");
    }

    @Test
    void nameFilterKeepsOnlyTheNamedMetrics() throws Exception {
        HttpResponse<byte[]> r =
                scrape("?name[]=heapwatch_heap_used_bytes&name%5B%5D=heapwatch_metrics_auth_failures_total");
        List<String> types =
                text(r).lines().filter(l -> l.startsWith("# TYPE ")).toList();
        assertThat(types)
                .containsExactlyInAnyOrder(
                        "# TYPE heapwatch_heap_used_bytes gauge",
                        "# TYPE heapwatch_metrics_auth_failures_total counter");

        HttpResponse<byte[]> proto = scrape("?name[]=heapwatch_heap_used_bytes", "Accept", PROMETHEUS_PROTOBUF_FIRST);
        assertThat(families(proto.body()))
                .extracting(MetricFamily::getName)
                .containsExactly("heapwatch_heap_used_bytes");
    }

    @Test
    void headAnswersHeadersOnly() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.uri("/metrics"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", TestServer.basic(TestServer.USER + ":" + TestServer.PASSWORD))
                .header("Accept", "application/openmetrics-text")
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<byte[]> r = server.client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(OPENMETRICS);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void negotiationComesAfterAuthentication() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.uri("/metrics?name[]=heapwatch_heap_used_bytes"))
                .timeout(Duration.ofSeconds(10))
                .header("Accept", PROMETHEUS_PROTOBUF_FIRST)
                .header("Accept-Encoding", "gzip")
                .build();
        HttpResponse<String> r = server.client.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(r.body()).isEqualTo("Unauthorized\n");
    }

    static HttpResponse<byte[]> scrape(String query, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri("/metrics" + query))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", TestServer.basic(TestServer.USER + ":" + TestServer.PASSWORD));
        if (headers.length > 0) {
            b.headers(headers);
        }
        HttpResponse<byte[]> r = server.client.send(b.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return r;
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    static byte[] gunzip(byte[] body) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return in.readAllBytes();
        }
    }

    /** Reads length-delimited MetricFamily messages until the body ends. */
    static List<MetricFamily> families(byte[] body) throws IOException {
        List<MetricFamily> families = new ArrayList<>();
        InputStream in = new ByteArrayInputStream(body);
        MetricFamily f;
        while ((f = MetricFamily.parseDelimitedFrom(in)) != null) {
            families.add(f);
        }
        assertThat(families).isNotEmpty();
        return families;
    }
}
