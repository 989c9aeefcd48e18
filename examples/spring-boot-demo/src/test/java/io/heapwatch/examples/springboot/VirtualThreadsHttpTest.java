package io.heapwatch.examples.springboot;

import static io.heapwatch.examples.springboot.DemoClient.PASSWORD;
import static io.heapwatch.examples.springboot.DemoClient.USER;
import static io.heapwatch.examples.springboot.DemoClient.eventually;
import static io.heapwatch.examples.springboot.DemoClient.samples;
import static io.heapwatch.examples.springboot.DemoClient.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * {@code spring.threads.virtual.enabled=true}: requests run on virtual threads, which cannot count their allocated
 * bytes; heapwatch records them without that signal and without errors.
 *
 * <p>Needs JDK 21+. On an older JDK it is skipped, or fails when {@code -Dheapwatch.require-virtual-threads=true}
 * (CI runs it on Temurin 25 with {@code -Djvm=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.threads.virtual.enabled=true",
            "METRICS_AUTH_USERNAME=" + USER,
            "METRICS_AUTH_PASSWORD=" + PASSWORD
        })
class VirtualThreadsHttpTest {

    static final String REQUIRED = "heapwatch.require-virtual-threads";

    @Value("${local.server.port}")
    int port;

    @BeforeAll
    static void requireJdk21() {
        int feature = Runtime.version().feature();
        String why = "virtual threads need JDK 21+, this test runs on JDK " + feature
                + "; run it with -Djvm=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java (see docs/spring-boot.md)";
        if (feature < 21 && Boolean.getBoolean(REQUIRED)) {
            fail(why + " (" + REQUIRED + "=true)");
        }
        assumeTrue(feature >= 21, why);
    }

    @Test
    void requestsOnVirtualThreadsAreServedAndRecordedWithoutTheAllocationSignal() {
        DemoClient client = new DemoClient(port);
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = client.get("/api/items/" + i);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("VirtualThread");
        }
        assertThat(client.get("/api/garbage?mb=2").statusCode()).isEqualTo(200);

        eventually(() -> {
            String metrics = client.metrics();
            assertThat(value(metrics, "heapwatch_requests_sampled_total", "uri=\"/api/items/{id}\""))
                    .isGreaterThanOrEqualTo(20);
            assertThat(value(metrics, "heapwatch_request_allocation_unavailable_total", "container="))
                    .isGreaterThanOrEqualTo(21);
            assertThat(samples(metrics, "heapwatch_measurement_faults_total")).allMatch(line -> line.endsWith(" 0.0"));
            assertThat(value(metrics, "heapwatch_request_allocated_bytes_count", "uri=\"/api/items/{id}\""))
                    .isIn(0.0, Double.NaN);
        });
    }
}
