package io.heapwatch.examples.springboot;

import static io.heapwatch.examples.springboot.DemoClient.PASSWORD;
import static io.heapwatch.examples.springboot.DemoClient.USER;
import static io.heapwatch.examples.springboot.DemoClient.basic;
import static io.heapwatch.examples.springboot.DemoClient.heapwatchLines;
import static io.heapwatch.examples.springboot.DemoClient.samples;
import static org.assertj.core.api.Assertions.assertThat;

import io.heapwatch.sampling.MemoryProfilingFilter;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

/** The demo over real HTTP with other settings: no credentials, profiling off, endpoint off. */
class OtherConfigurationsHttpTest {

    // Spring Boot 3.5's @SpringBootTest turns metrics export off; the running demo has it on.
    static final String PROMETHEUS_EXPORT = "management.prometheus.metrics.export.enabled=true";

    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = PROMETHEUS_EXPORT)
    class WithoutCredentials {

        @Value("${local.server.port}")
        int port;

        @Test
        void metricsAnswers500ToEveryRequest() {
            DemoClient client = new DemoClient(port);

            assertThat(client.get("/metrics").statusCode()).isEqualTo(500);
            assertThat(client.get("/metrics", basic(USER, PASSWORD)).statusCode())
                    .isEqualTo(500);
        }

        @Test
        void actuatorPrometheusAnswers500TooAndServesNoHeapwatchData() {
            DemoClient client = new DemoClient(port);

            for (String authorization : new String[] {null, basic(USER, PASSWORD)}) {
                HttpResponse<String> r = authorization == null
                        ? client.get("/actuator/prometheus")
                        : client.get("/actuator/prometheus", authorization);
                assertThat(r.statusCode()).isEqualTo(500);
                assertThat(heapwatchLines(r.body())).isZero();
            }
            assertThat(client.get("/actuator/health").statusCode()).isEqualTo(200);
        }
    }

    @Nested
    @SpringBootTest(
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {
                "ENABLE_MEMORY_PROFILING=false",
                "METRICS_AUTH_USERNAME=" + USER,
                "METRICS_AUTH_PASSWORD=" + PASSWORD
            })
    class WithProfilingDisabled {

        @Value("${local.server.port}")
        int port;

        @Autowired
        ApplicationContext context;

        @Test
        void metricsStillRequiresCredentials() {
            DemoClient client = new DemoClient(port);

            HttpResponse<String> anonymous = client.get("/metrics");
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isPresent();
            assertThat(client.get("/metrics", basic(USER, "wrong")).statusCode())
                    .isEqualTo(401);
            assertThat(client.get("/metrics", basic(USER, PASSWORD)).statusCode())
                    .isEqualTo(200);
        }

        @Test
        void noRequestIsMeasured() {
            DemoClient client = new DemoClient(port);
            client.get("/api/items/1");

            assertThat(context.getBeansOfType(MemoryProfilingFilter.class)).isEmpty();
            assertThat(samples(client.metrics(), "heapwatch_requests_sampled_total"))
                    .isEmpty();
            assertThat(client.metrics()).contains("heapwatch_live_heap_after_gc_bytes");
        }
    }

    @Nested
    @SpringBootTest(
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {
                "ENABLE_PROMETHEUS_METRICS=false",
                "METRICS_AUTH_USERNAME=" + USER,
                "METRICS_AUTH_PASSWORD=" + PASSWORD,
                PROMETHEUS_EXPORT
            })
    class WithMetricsEndpointDisabled {

        @Value("${local.server.port}")
        int port;

        @Test
        void metricsIsNotMapped() {
            DemoClient client = new DemoClient(port);

            assertThat(client.get("/metrics", basic(USER, PASSWORD)).statusCode())
                    .isEqualTo(404);
            assertThat(client.get("/api/items/7").statusCode()).isEqualTo(200);
        }

        @Test
        void actuatorPrometheusStillNeedsTheCredentials() {
            DemoClient client = new DemoClient(port);

            HttpResponse<String> anonymous = client.get("/actuator/prometheus");
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(heapwatchLines(anonymous.body())).isZero();
            assertThat(heapwatchLines(client.actuatorPrometheus())).isPositive();
        }
    }
}
