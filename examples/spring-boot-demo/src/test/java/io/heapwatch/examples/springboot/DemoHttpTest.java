package io.heapwatch.examples.springboot;

import static io.heapwatch.examples.springboot.DemoClient.PASSWORD;
import static io.heapwatch.examples.springboot.DemoClient.USER;
import static io.heapwatch.examples.springboot.DemoClient.basic;
import static io.heapwatch.examples.springboot.DemoClient.eventually;
import static io.heapwatch.examples.springboot.DemoClient.heapwatchLines;
import static io.heapwatch.examples.springboot.DemoClient.heapwatchSeries;
import static io.heapwatch.examples.springboot.DemoClient.samples;
import static io.heapwatch.examples.springboot.DemoClient.value;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/** The demo over real HTTP on embedded Tomcat, configured through heapwatch's environment variable names. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "METRICS_AUTH_USERNAME=" + USER,
            "METRICS_AUTH_PASSWORD=" + PASSWORD,
            "heapwatch.profiling.growth-threshold=1MB",
            "CONTAINER_NAME=demo-test",
            // Spring Boot 3.5's @SpringBootTest turns metrics export off (only a SimpleMeterRegistry); turn the
            // Prometheus one back on, as in the running app, so that /actuator/prometheus exists on 3.5 and 4.1.
            "management.prometheus.metrics.export.enabled=true"
        })
class DemoHttpTest {

    @Value("${local.server.port}")
    int port;

    DemoClient client;

    @BeforeEach
    void setUp() {
        client = new DemoClient(port);
    }

    @Test
    void metricsWithoutCredentialsAnswers401WithChallenge() {
        HttpResponse<String> r = client.get("/metrics");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
    }

    @Test
    void metricsWithWrongPasswordAnswers401WithChallenge() {
        HttpResponse<String> r = client.get("/metrics", basic(USER, "wrong"));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
    }

    @Test
    void metricsWithRightCredentialsAnswers200WithHeapwatchMeters() {
        HttpResponse<String> r = client.get("/metrics", basic(USER, PASSWORD));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("heapwatch_heap_used_bytes{container=\"demo-test\"");
        assertThat(r.body()).contains("heapwatch_live_heap_after_gc_bytes");
    }

    @Test
    void leakEndpointCountsGrowthEventsUnderItsRouteTemplate() {
        for (int i = 0; i < 40 && growthEvents() < 1; i++) {
            assertThat(client.post("/api/leak?kb=4096").statusCode()).isEqualTo(200);
        }

        eventually(() -> assertThat(growthEvents()).isGreaterThanOrEqualTo(1));
        assertThat(samples(client.metrics(), "heapwatch_request_growth_events_total"))
                .noneMatch(line -> line.contains("uri=\"/api/leak?"));
        assertThat(client.delete("/api/leak").statusCode()).isEqualTo(200);
    }

    private double growthEvents() {
        double v = value(
                client.metrics(), "heapwatch_request_growth_events_total", "uri=\"/api/leak\"", "method=\"POST\"");
        return Double.isNaN(v) ? 0 : v;
    }

    @Test
    void unmatchedPathsAreTaggedNotFoundNeverWithTheirPath() {
        for (int i = 0; i < 50; i++) {
            assertThat(client.get("/no/such/page/" + i).statusCode()).isEqualTo(404);
        }

        eventually(() -> assertThat(value(client.metrics(), "heapwatch_requests_sampled_total", "uri=\"NOT_FOUND\""))
                .isGreaterThanOrEqualTo(50));
        assertThat(samples(client.metrics(), "heapwatch_requests_sampled_total"))
                .noneMatch(line -> line.contains("/no/such/page"))
                .noneMatch(line -> line.contains("uri=\"/**\""));
    }

    @Test
    void thousandDistinctIdsProduceOneUriSeries() {
        for (int id = 0; id < 1000; id++) {
            assertThat(client.get("/api/items/" + id).statusCode()).isEqualTo(200);
        }

        eventually(() -> {
            List<String> items = samples(client.metrics(), "heapwatch_requests_sampled_total").stream()
                    .filter(line -> line.contains("/api/items"))
                    .toList();
            assertThat(items).hasSize(1);
            assertThat(items.get(0)).contains("uri=\"/api/items/{id}\"");
            assertThat(Double.parseDouble(items.get(0).substring(items.get(0).lastIndexOf(' ') + 1)))
                    .isGreaterThanOrEqualTo(1000);
        });
    }

    @Test
    void actuatorPrometheusAndMetricsServeOneRegistryWithoutDuplicates() {
        for (int i = 0; i < 5; i++) {
            client.get("/api/items/" + i);
            client.get("/api/cache?key=k" + i);
            client.get("/api/garbage?mb=1");
        }

        eventually(() -> {
            String metrics = client.metrics();
            String actuator = client.actuatorPrometheus();
            List<String> fromMetrics = heapwatchSeries(metrics);
            List<String> fromActuator = heapwatchSeries(actuator);
            assertThat(fromMetrics).doesNotHaveDuplicates();
            assertThat(fromActuator).doesNotHaveDuplicates();
            assertThat(new HashSet<>(fromActuator))
                    .containsAll(fromMetrics.stream()
                            .filter(s -> !s.contains("uri=\"/metrics\"") && !s.contains("uri=\"/actuator/prometheus\""))
                            .toList());
            String[] route = {"uri=\"/api/items/{id}\"", "method=\"GET\""};
            assertThat(value(metrics, "heapwatch_requests_sampled_total", route))
                    .isGreaterThanOrEqualTo(5)
                    .isEqualTo(value(actuator, "heapwatch_requests_sampled_total", route));
        });
    }

    @Test
    void garbageEndpointRecordsAllocationUnderItsRoute() {
        client.get("/api/garbage?mb=8");

        eventually(() -> assertThat(
                        value(client.metrics(), "heapwatch_request_allocated_bytes_sum", "uri=\"/api/garbage\""))
                .isGreaterThanOrEqualTo(8 * 1024 * 1024));
    }

    @Test
    void asyncEndpointIsRecordedWhenItCompletes() {
        assertThat(client.get("/api/async?ms=10").statusCode()).isEqualTo(200);

        eventually(() -> assertThat(value(client.metrics(), "heapwatch_requests_sampled_total", "uri=\"/api/async\""))
                .isGreaterThanOrEqualTo(1));
    }

    @Test
    void actuatorPrometheusWithoutCredentialsServesNoHeapwatchData() {
        HttpResponse<String> anonymous = client.get("/actuator/prometheus");
        HttpResponse<String> wrong = client.get("/actuator/prometheus", basic(USER, "wrong"));

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        assertThat(heapwatchLines(anonymous.body())).isZero();
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(heapwatchLines(wrong.body())).isZero();
        assertThat(heapwatchLines(client.actuatorPrometheus())).isPositive();
    }

    @Test
    void noPathServesHeapwatchDataWithoutCredentials() {
        for (String path : new String[] {
            "/actuator/prometheus/", "/actuator/prometheus;a=b", "/actuator/%70rometheus", "/ACTUATOR/PROMETHEUS",
            "/actuator/metrics", "/actuator/metrics/heapwatch.heap.used", "/metrics", "/metrics/"
        }) {
            HttpResponse<String> r = client.get(path);
            assertThat(r.statusCode()).as(path).isNotEqualTo(200);
            // Neither the Prometheus text nor the metrics endpoint's JSON (a 404 page may echo the path).
            assertThat(r.body()).as(path).doesNotContain("heapwatch_", "\"names\"", "\"measurements\"");
        }
    }

    @Test
    void livenessAndReadinessProbesAnswer200() {
        assertThat(client.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(client.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
    }
}
