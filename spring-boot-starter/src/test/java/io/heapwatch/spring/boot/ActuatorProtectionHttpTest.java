package io.heapwatch.spring.boot;

import static io.heapwatch.spring.boot.ActuatorClient.WITHOUT_SPRING_SECURITY;
import static io.heapwatch.spring.boot.ActuatorClient.basic;
import static io.heapwatch.spring.boot.ActuatorClient.heapwatch;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Actuator's {@code prometheus} and {@code metrics} endpoints exposed over HTTP, without Spring Security, on real
 * embedded Tomcat: heapwatch's credentials guard them, whatever the path, and the application keeps its meters.
 */
class ActuatorProtectionHttpTest {

    static final String CREDENTIALS_USER = "METRICS_AUTH_USERNAME=" + ActuatorClient.USER;
    static final String CREDENTIALS_PASSWORD = "METRICS_AUTH_PASSWORD=" + ActuatorClient.PASSWORD;
    static final String EXPOSE = "management.endpoints.web.exposure.include=health,prometheus,metrics";
    // Spring Boot 3.5's @SpringBootTest turns metrics export off; the running application has it on.
    static final String EXPORT = "management.prometheus.metrics.export.enabled=true";

    /** A Spring Boot application with one controller of its own. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @RestController
    static class App {
        @GetMapping("/hello")
        String hello() {
            return "hello";
        }
    }

    static void assertRefused(HttpResponse<String> r) {
        assertThat(r.statusCode()).as("status").isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"metrics\", charset=\"UTF-8\"");
        assertNoHeapwatchData(r);
    }

    /** Neither the Prometheus text nor the metrics endpoint's JSON (a 404 page may echo the path). */
    static void assertNoHeapwatchData(HttpResponse<String> r) {
        assertThat(r.body()).doesNotContain("heapwatch_", "\"names\"", "\"measurements\"");
    }

    @Nested
    @SpringBootTest(
            classes = App.class,
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {CREDENTIALS_USER, CREDENTIALS_PASSWORD, EXPOSE, EXPORT, WITHOUT_SPRING_SECURITY})
    class ByDefault {

        @Value("${local.server.port}")
        int port;

        @Autowired
        ObjectProvider<HeapwatchAccessReport> report;

        ActuatorClient client() {
            return new ActuatorClient(port);
        }

        @Test
        void prometheusWithoutCredentialsAnswers401WithTheChallenge() {
            assertRefused(client().get("/actuator/prometheus"));
        }

        @Test
        void prometheusWithWrongCredentialsAnswers401() {
            assertRefused(client().get("/actuator/prometheus", basic(ActuatorClient.USER, "wrong")));
            assertRefused(client().get("/actuator/prometheus", "Bearer abc"));
        }

        @Test
        void headWithoutCredentialsAnswers401() {
            assertRefused(client().send("HEAD", "/actuator/prometheus", null));
            assertRefused(client().send("HEAD", "/actuator/metrics/heapwatch.heap.used", null));
        }

        @Test
        void prometheusWithHeapwatchCredentialsServesHeapwatchAndTheApplicationsOwnMeters() {
            client().get("/hello");
            HttpResponse<String> r = client().get("/actuator/prometheus", heapwatch());

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body())
                    .contains("heapwatch_heap_used_bytes")
                    .contains("heapwatch_requests_sampled_total")
                    .contains("jvm_memory_used_bytes")
                    .contains("http_server_requests_seconds");
        }

        @Test
        void metricsAndItsSubpathsWithoutCredentialsAnswer401() {
            assertRefused(client().get("/actuator/metrics"));
            assertRefused(client().get("/actuator/metrics/heapwatch.heap.used"));
            assertRefused(client().get("/actuator/metrics/heapwatch.heap.used?tag=container:default"));
        }

        @Test
        void metricsWithHeapwatchCredentialsServesTheMeter() {
            HttpResponse<String> r = client().get("/actuator/metrics/heapwatch.heap.used", heapwatch());

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("heapwatch.heap.used");
            assertThat(client().get("/actuator/metrics", heapwatch()).body()).contains("heapwatch.heap.used");
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "/actuator/prometheus/",
                    "/actuator/prometheus;jsessionid=1",
                    "/actuator;a=b/prometheus",
                    "/actuator/%70rometheus",
                    "/%61ctuator/prometheus",
                    "//actuator//prometheus",
                    "/actuator/./prometheus",
                    "/x/../actuator/prometheus",
                    "/ACTUATOR/PROMETHEUS",
                    "/actuator/metrics/",
                    "/actuator/metrics/heapwatch.heap.used/",
                    "/actuator/metrics;a=b/heapwatch.heap.used",
                    "/actuator/metrics/heapwatch%2Eheap%2Eused",
                    "/actuator/%6detrics/heapwatch.heap.used"
                })
        void noVariantOfThePathServesHeapwatchDataWithoutCredentials(String path) {
            for (String method : new String[] {"GET", "HEAD", "POST"}) {
                HttpResponse<String> r = client().send(method, path, null);

                assertThat(r.statusCode()).as(method + " " + path).isNotEqualTo(200);
                assertNoHeapwatchData(r);
            }
        }

        @Test
        void theApplicationsOtherPathsNeedNoCredentials() {
            assertThat(client().get("/hello").statusCode()).isEqualTo(200);
            assertThat(client().get("/actuator/health").statusCode()).isEqualTo(200);
            assertThat(client().get("/actuator").statusCode()).isEqualTo(200);
        }

        @Test
        void refusalsAreCountedWithMetricsOwnRefusals() {
            client().get("/actuator/prometheus", "Basic !!!");
            HttpResponse<String> r = client().get("/metrics", heapwatch());

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body())
                    .containsPattern("heapwatch_metrics_auth_failures_total\\{[^}]*reason=\"malformed\"[^}]*} [1-9]");
        }

        @Test
        void metricsStaysHeapwatchsOwnEndpoint() {
            assertThat(client().get("/metrics").statusCode()).isEqualTo(401);
            assertThat(client().get("/metrics", heapwatch()).statusCode()).isEqualTo(200);
        }

        @Test
        void theStartupLineNamesEachPlaceWithItsPortAndProtection() {
            assertThat(report.getObject().describe())
                    .contains("/metrics on port " + port + " (heapwatch basic auth")
                    .contains("Actuator /actuator/prometheus, /actuator/metrics and /actuator/metrics/{name} on port "
                            + port)
                    .contains("heapwatch.actuator.protection=basic-auth")
                    .doesNotContain("UNPROTECTED");
        }
    }

    @Nested
    @SpringBootTest(
            classes = App.class,
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {EXPOSE, EXPORT, WITHOUT_SPRING_SECURITY})
    class WithoutCredentials {

        @Value("${local.server.port}")
        int port;

        @Autowired
        ObjectProvider<HeapwatchAccessReport> report;

        @Test
        void prometheusAndMetricsAnswer500LikeMetrics() {
            ActuatorClient client = new ActuatorClient(port);

            for (String path : new String[] {"/actuator/prometheus", "/actuator/metrics/heapwatch.heap.used"}) {
                HttpResponse<String> anonymous = client.get(path);
                assertThat(anonymous.statusCode()).as(path).isEqualTo(500);
                assertNoHeapwatchData(anonymous);
                assertThat(client.get(path, heapwatch()).statusCode()).as(path).isEqualTo(500);
            }
            assertThat(client.get("/metrics").statusCode()).isEqualTo(500);
            assertThat(client.get("/actuator/health").statusCode()).isEqualTo(200);
        }

        @Test
        void theStartupLineSaysTheyAnswer500() {
            assertThat(report.getObject().describe()).contains("are not set: answers 500");
        }
    }

    @Nested
    @SpringBootTest(
            classes = App.class,
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {
                "ENABLE_PROMETHEUS_METRICS=false",
                CREDENTIALS_USER,
                CREDENTIALS_PASSWORD,
                EXPOSE,
                EXPORT,
                WITHOUT_SPRING_SECURITY
            })
    class WithMetricsEndpointDisabled {

        @Value("${local.server.port}")
        int port;

        @Autowired
        ObjectProvider<HeapwatchAccessReport> report;

        @Test
        void actuatorStillNeedsHeapwatchsCredentials() {
            ActuatorClient client = new ActuatorClient(port);

            assertThat(client.get("/metrics", heapwatch()).statusCode()).isEqualTo(404);
            assertRefused(client.get("/actuator/prometheus"));
            HttpResponse<String> r = client.get("/actuator/prometheus", heapwatch());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("heapwatch_heap_used_bytes");
            assertThat(report.getObject().describe()).contains("/metrics is not mapped", "/actuator/prometheus");
        }
    }

    @Nested
    @SpringBootTest(
            classes = App.class,
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {
                CREDENTIALS_USER,
                CREDENTIALS_PASSWORD,
                EXPOSE,
                EXPORT,
                WITHOUT_SPRING_SECURITY,
                "management.endpoints.web.base-path=/manage",
                "management.endpoints.web.path-mapping.prometheus=scrape",
                "management.endpoints.web.path-mapping.metrics=meters",
                "spring.mvc.servlet.path=/app"
            })
    class WithBasePathPathMappingAndServletPath {

        @Value("${local.server.port}")
        int port;

        @Test
        void theMappedPathsNeedHeapwatchsCredentials() {
            ActuatorClient client = new ActuatorClient(port);

            assertRefused(client.get("/app/manage/scrape"));
            assertRefused(client.get("/app/manage/meters/heapwatch.heap.used"));
            HttpResponse<String> r = client.get("/app/manage/scrape", heapwatch());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("heapwatch_heap_used_bytes");
            assertThat(client.get("/app/manage/health").statusCode()).isEqualTo(200);
            assertThat(client.get("/app/hello").statusCode()).isEqualTo(200);
        }
    }

    @Nested
    @SpringBootTest(
            classes = App.class,
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {
                CREDENTIALS_USER,
                CREDENTIALS_PASSWORD,
                EXPOSE,
                EXPORT,
                WITHOUT_SPRING_SECURITY,
                "management.server.port=0"
            })
    class OnASeparateManagementPort {

        @Value("${local.server.port}")
        int port;

        @Value("${local.management.port}")
        int managementPort;

        @Autowired
        ObjectProvider<HeapwatchAccessReport> report;

        @Test
        void theManagementPortNeedsHeapwatchsCredentials() {
            ActuatorClient management = new ActuatorClient(managementPort);

            assertThat(managementPort).isNotEqualTo(port);
            assertRefused(management.get("/actuator/prometheus"));
            assertRefused(management.get("/actuator/metrics/heapwatch.heap.used"));
            HttpResponse<String> r = management.get("/actuator/prometheus", heapwatch());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("heapwatch_heap_used_bytes");
            assertThat(management.get("/actuator/health").statusCode()).isEqualTo(200);
            assertThat(report.getObject().describe()).contains("on the management port " + managementPort);
        }
    }

    @Nested
    @SpringBootTest(
            classes = App.class,
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {
                CREDENTIALS_USER,
                CREDENTIALS_PASSWORD,
                EXPOSE,
                EXPORT,
                WITHOUT_SPRING_SECURITY,
                "HEAPWATCH_ACTUATOR_PROTECTION=none"
            })
    class WithProtectionNone {

        @Value("${local.server.port}")
        int port;

        @Autowired
        ObjectProvider<HeapwatchAccessReport> report;

        @Test
        void heapwatchAddsNothingAndTheStartupLineSaysItIsUnprotected() {
            ActuatorClient client = new ActuatorClient(port);

            assertThat(client.get("/actuator/prometheus").statusCode()).isEqualTo(200);
            assertThat(client.get("/metrics").statusCode()).isEqualTo(401);
            assertThat(report.getObject().describe()).contains("UNPROTECTED", "heapwatch.actuator.protection=none");
        }
    }

    @Nested
    @SpringBootTest(
            classes = App.class,
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {
                CREDENTIALS_USER,
                CREDENTIALS_PASSWORD,
                "management.endpoints.web.exposure.include=health," + HeapwatchDiagnosisEndpoint.ID,
                WITHOUT_SPRING_SECURITY
            })
    class TheDiagnosisEndpoint {

        @Value("${local.server.port}")
        int port;

        @Test
        void needsHeapwatchsCredentialsLikeTheReportPage() {
            ActuatorClient client = new ActuatorClient(port);
            String path = "/actuator/" + HeapwatchDiagnosisEndpoint.ID;

            HttpResponse<String> anonymous = client.get(path);
            assertRefused(anonymous);
            assertThat(anonymous.body()).doesNotContain("heapwatch.diagnosis/1");
            assertRefused(client.get(path, basic(ActuatorClient.USER, "wrong")));
            assertRefused(client.get("/actuator/HeapwatchDiagnosis"));

            HttpResponse<String> authenticated = client.get(path, heapwatch());
            assertThat(authenticated.statusCode()).isEqualTo(200);
            assertThat(authenticated.body()).contains("heapwatch.diagnosis/1");
        }
    }
}
