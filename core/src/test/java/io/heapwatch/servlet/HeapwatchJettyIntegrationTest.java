package io.heapwatch.servlet;

import static io.heapwatch.servlet.TestServer.basic;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** heapwatch on a real embedded Jetty, over real HTTP. */
class HeapwatchJettyIntegrationTest {

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(TestServer.config().growthThresholdMb(1).build());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        synchronized (TestServer.RETAINED) {
            TestServer.RETAINED.clear();
        }
    }

    private static double value(String body, String series) {
        Matcher m =
                Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    @Test
    void metricsWithoutCredentialsIs401WithChallenge() throws Exception {
        HttpResponse<String> r = server.get("/metrics");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"metrics\", charset=\"UTF-8\"");
        assertThat(r.body()).doesNotContain("heapwatch_");
    }

    @Test
    void wrongAndMalformedCredentialsGetTheSame401() throws Exception {
        for (String header : new String[] {
            basic("prom:wrong"),
            basic("other:" + TestServer.PASSWORD),
            "Basic !!!",
            "Bearer token",
            "Basic " + "A".repeat(3000)
        }) {
            HttpResponse<String> r = server.get("/metrics", "Authorization", header);
            assertThat(r.statusCode()).as(header).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
            assertThat(r.body()).isEqualTo("Unauthorized\n");
        }
    }

    @Test
    void rightCredentialsGet200WithPrometheusText() throws Exception {
        HttpResponse<String> r = server.scrape();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain"));
        assertThat(r.body()).contains("heapwatch_heap_used_bytes{container=\"it\"}");
        assertThat(r.body())
                .contains("heapwatch_metrics_auth_failures_total{container=\"it\",reason=\"bad_credentials\"}");
        assertThat(r.body()).contains("heapwatch_leak_suspected{container=\"it\"} 0.0");
        assertThat(r.body()).contains("heapwatch_leak_time_to_exhaustion_seconds{container=\"it\"}");
    }

    @Test
    void openMetricsIsServedWhenAsked() throws Exception {
        HttpResponse<String> r = server.get(
                "/metrics",
                "Authorization",
                basic(TestServer.USER + ":" + TestServer.PASSWORD),
                "Accept",
                "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/openmetrics-text");
        assertThat(r.body()).endsWith("# EOF\n");
    }

    @Test
    void postToMetricsWithRightCredentialsIs405AndWithoutIs401() throws Exception {
        var post = java.net.http.HttpRequest.newBuilder(server.uri("/metrics"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody());
        assertThat(server.client
                        .send(post.build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(401);
        post.header("Authorization", basic(TestServer.USER + ":" + TestServer.PASSWORD));
        assertThat(server.client
                        .send(post.build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(405);
    }

    @Test
    void leakingEndpointCountsGrowthEventsUnderItsRouteAndThePlainOneDoesNot() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(server.get("/api/leak?kb=4096").statusCode()).isEqualTo(200);
            assertThat(server.get("/api/items/" + i).statusCode()).isEqualTo(200);
        }
        String body = server.scrape().body();
        String leak = "{container=\"it\",method=\"GET\",uri=\"/api/leak\"}";
        String items = "{container=\"it\",method=\"GET\",uri=\"/api/items/*\"}";
        double events = value(body, "heapwatch_request_growth_events_total" + leak);
        // Each leaking call grows the heap by 4 MiB and counts at most once. A call that spans a GC is discarded when
        // the notification has arrived or the heap fell; when neither, its delta is underestimated, never inflated.
        assertThat(events).isGreaterThanOrEqualTo(1).isLessThanOrEqualTo(5);
        assertThat(value(body, "heapwatch_request_growth_events_total" + items)).isZero();
        assertThat(value(body, "heapwatch_request_allocated_bytes_sum" + leak)).isGreaterThanOrEqualTo(5 * 4096 * 1024);
    }

    @Test
    void thousandDistinctUrlsNeverBecomeTags() throws Exception {
        for (int i = 0; i < 1_000; i++) {
            String path = (i % 2 == 0) ? "/api/items/" + i : "/no/such/path/" + i;
            server.get(path);
        }
        String body = server.scrape().body();
        assertThat(body).doesNotContainPattern("uri=\"[^\"]*[0-9]{2,}[^\"]*\"");
        assertThat(body).contains("uri=\"/api/items/*\"").contains("uri=\"NOT_FOUND\"");
        assertThat(server.heapwatch.filter().routeCount()).isLessThan(10);
    }

    @Test
    void failingRequestIsRecordedAndStillFailsForTheClient() throws Exception {
        assertThat(server.get("/api/fail").statusCode()).isEqualTo(500);
        String body = server.scrape().body();
        assertThat(value(body, "heapwatch_requests_sampled_total{container=\"it\",method=\"GET\",uri=\"/api/fail\"}"))
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void asyncRequestIsRecordedWhenItCompletes() throws Exception {
        String series = "heapwatch_requests_sampled_total{container=\"it\",method=\"GET\",uri=\"/api/async\"}";
        double before = value(server.scrape().body(), series);
        before = Double.isNaN(before) ? 0 : before;
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = server.get("/api/async");
            assertThat(r.body()).isEqualTo("async done");
        }
        // onComplete runs right after the response is written; allow it a moment.
        double n = 0;
        for (int i = 0; i < 50 && n < 3; i++) {
            n = value(server.scrape().body(), series) - before;
            Thread.sleep(20);
        }
        assertThat(n).isEqualTo(3);
    }

    @Test
    void endpointOutputPassesPromtoolCheckMetrics(@TempDir Path dir) throws Exception {
        server.get("/api/items/1");
        server.get("/api/async");
        String body = server.scrape().body();
        File promtool = findPromtool();
        if (promtool == null) {
            assertThat(System.getenv("CI"))
                    .as("promtool must be installed in CI (.ci/run installs Debian's prometheus)")
                    .isNull();
            System.err.println("SKIPPED promtool check: promtool is not on PATH (install Debian's prometheus package)");
            return;
        }
        Path exposition = dir.resolve("metrics.txt");
        Files.writeString(exposition, body, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(promtool.getPath(), "check", "metrics")
                .redirectInput(exposition.toFile())
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("promtool lint output").isBlank();
    }

    static File findPromtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, "promtool");
            if (f.canExecute()) {
                return f;
            }
        }
        return null;
    }
}
