package io.heapwatch.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapwatch.config.HeapwatchConfig;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Each flag on a real embedded Jetty: authentication never depends on any of them. */
class HeapwatchFlagsIntegrationTest {

    @Test
    void noCredentialsConfiguredAnswers500ToEveryone() throws Exception {
        try (TestServer s =
                TestServer.start(HeapwatchConfig.builder().containerName("it").build())) {
            HttpResponse<String> anonymous = s.get("/metrics");
            HttpResponse<String> guessing = s.get("/metrics", "Authorization", TestServer.basic("admin:admin"));
            assertThat(anonymous.statusCode()).isEqualTo(500);
            assertThat(guessing.statusCode()).isEqualTo(500);
            assertThat(anonymous.body()).isEqualTo("metrics authentication is not configured\n");
            assertThat(guessing.body()).doesNotContain("heapwatch_");
        }
    }

    @Test
    void profilingDisabledStillRequiresAuthentication() throws Exception {
        try (TestServer s =
                TestServer.start(TestServer.config().profilingEnabled(false).build())) {
            assertThat(s.get("/metrics").statusCode()).isEqualTo(401);
            assertThat(s.get("/metrics", "Authorization", TestServer.basic("prom:nope"))
                            .statusCode())
                    .isEqualTo(401);
            HttpResponse<String> ok = s.scrape();
            assertThat(ok.statusCode()).isEqualTo(200);
            s.get("/api/items/1");
            assertThat(s.scrape().body()).doesNotContain("heapwatch_requests_sampled_total");
            assertThat(s.heapwatch.filter()).isNull();
        }
    }

    @Test
    void profilingDisabledWithoutCredentialsIsStill500NotOpen() throws Exception {
        try (TestServer s = TestServer.start(HeapwatchConfig.builder()
                .containerName("it")
                .profilingEnabled(false)
                .build())) {
            assertThat(s.get("/metrics").statusCode()).isEqualTo(500);
        }
    }

    @Test
    void prometheusDisabledRemovesTheEndpoint() throws Exception {
        try (TestServer s =
                TestServer.start(TestServer.config().prometheusEnabled(false).build())) {
            assertThat(s.scrape().statusCode()).isEqualTo(404);
            assertThat(s.get("/api/items/1").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void closingRemovesEveryHeapwatchMeter() throws Exception {
        TestServer s = TestServer.start(TestServer.config().build());
        s.get("/api/items/1");
        s.close();
        assertThat(s.heapwatch.registry().getMeters()).isEmpty();
    }
}
