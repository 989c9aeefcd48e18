package io.heapwatch.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapwatch.diagnosis.Diagnosis;
import io.heapwatch.diagnosis.DiagnosisSettings;
import io.heapwatch.diagnosis.LeakDiagnostics;
import io.heapwatch.diagnosis.LeakingType;
import io.heapwatch.diagnosis.ObjectCountReport;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The report page and the diagnosis JSON on a real Jetty with a real leak: the leaking type and the leaking method are
 * named, values are escaped, credentials are required, and closing removes the recording's directory.
 */
class DiagnosisEndpointsTest {

    static final String AUTH = TestServer.basic(TestServer.USER + ":" + TestServer.PASSWORD);

    @AfterEach
    void release() {
        synchronized (TestServer.RETAINED) {
            TestServer.RETAINED.clear();
        }
    }

    static DiagnosisSettings settings() {
        return DiagnosisSettings.defaults()
                .withEvidence(true)
                .withMinInterval(Duration.ofSeconds(1))
                .withApplicationPackages(List.of("io.heapwatch.servlet.TestServer"));
    }

    @Test
    void namesTheLeakingTypeAndMethodBehindTheMetricsCredentials() throws Exception {
        try (TestServer server = TestServer.start(TestServer.config()
                .containerName("it<script>alert(1)</script>")
                .diagnosis(settings())
                .build())) {
            LeakDiagnostics diagnostics = server.heapwatch.diagnostics();
            assertThat(diagnostics).isNotNull();
            Path dir = diagnostics.recordingDirectoryForTests();
            assertThat(dir).isDirectory();
            for (int i = 0; i < 300; i++) {
                assertThat(server.get("/api/leak?kb=64").statusCode()).isEqualTo(200);
            }
            System.gc();
            Thread.sleep(200);
            System.gc();
            Thread.sleep(200);

            HttpResponse<String> refused = server.get("/heapwatch/diagnosis");
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate"))
                    .hasValue("Basic realm=\"metrics\", charset=\"UTF-8\"");
            assertThat(refused.body()).doesNotContain("byte[]");
            assertThat(server.get("/heapwatch", "Authorization", TestServer.basic("prom:wrong"))
                            .statusCode())
                    .isEqualTo(401);

            HttpResponse<String> json = server.get("/heapwatch/diagnosis", "Authorization", AUTH);
            assertThat(json.statusCode()).isEqualTo(200);
            assertThat(json.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(json.body()).startsWith("{\"schema\":\"heapwatch.diagnosis/1\"");
            Diagnosis d = diagnostics.latest();
            assertThat(d).isNotNull();
            assertThat(d.evidence()).isEqualTo("on");
            assertThat(d.types()).isNotEmpty();
            LeakingType top = d.types().get(0);
            assertThat(top.type()).isEqualTo("byte[]");
            assertThat(top.applicationFrame()).startsWith("io.heapwatch.servlet.TestServer$LeakServlet.doGet:");
            assertThat(top.sampledBytes()).as("mostly the 64 KiB buffers").isGreaterThan(60_000L * top.samples());
            assertThat(json.body())
                    .contains("\"type\":\"byte[]\"")
                    .contains("it\\u003cscript\\u003ealert(1)\\u003c/script\\u003e")
                    .doesNotContain("<script>");

            HttpResponse<String> page = server.get("/heapwatch", "Authorization", AUTH);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Security-Policy"))
                    .hasValueSatisfying(v -> assertThat(v).contains("default-src 'none'"));
            assertThat(page.body())
                    .contains("heapwatch report")
                    .contains("<code>byte[]</code>")
                    .contains("io.heapwatch.servlet.TestServer$LeakServlet.doGet")
                    .contains("it&lt;script&gt;alert(1)&lt;/script&gt;")
                    .contains("<svg")
                    .doesNotContain("<script")
                    .doesNotContain("src=\"http")
                    .doesNotContain("href=\"http");
            assertThat(server.client
                            .send(
                                    java.net.http.HttpRequest.newBuilder(server.uri("/heapwatch"))
                                            .header("Authorization", AUTH)
                                            .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(405);

            server.close();
            assertThat(Files.exists(dir)).as("recording directory after close").isFalse();
        }
    }

    @Test
    void objectCountsNameTheLeakingTypeWhenOnAndAreAbsentWhenOff() throws Exception {
        try (TestServer server = TestServer.start(
                TestServer.config().diagnosis(settings().withObjectCount(true)).build())) {
            LeakDiagnostics diagnostics = server.heapwatch.diagnostics();
            assertThat(diagnostics).isNotNull();
            System.gc(); // the first collection that counts objects within the recording
            for (int i = 0; i < 300; i++) {
                assertThat(server.get("/api/leak?kb=64").statusCode()).isEqualTo(200);
            }
            // two collections, as in the test above: the ranked samples must have survived the last two
            System.gc();
            Thread.sleep(200);
            System.gc();
            Thread.sleep(200);

            HttpResponse<String> json = server.get("/heapwatch/diagnosis", "Authorization", AUTH);
            assertThat(json.statusCode()).isEqualTo(200);
            Diagnosis d = diagnostics.latest();
            assertThat(d).isNotNull();
            ObjectCountReport counts = d.objectCounts();
            assertThat(counts).isNotNull();
            assertThat(counts.status()).as(counts.detail()).isEqualTo("on");
            assertThat(counts.collections()).isGreaterThanOrEqualTo(2);
            assertThat(counts.latestAtMillis()).isGreaterThanOrEqualTo(counts.firstAtMillis());
            assertThat(counts.classes()).isNotEmpty();
            ObjectCountReport.ObjectCountClass top = counts.classes().get(0);
            assertThat(top.type()).isEqualTo("byte[]");
            assertThat(top.growthInstances()).isGreaterThanOrEqualTo(300);
            assertThat(top.growthBytes()).as("the 300 retained 64 KiB buffers").isGreaterThan(270L * 64 * 1024);
            // Without a histogram the counts' growth is the ranking's: the leaking entry carries it.
            assertThat(counts.detail()).contains("ranked by this growth");
            assertThat(d.types()).isNotEmpty();
            LeakingType ranked = d.types().get(0);
            assertThat(ranked.type()).isEqualTo("byte[]");
            assertThat(ranked.applicationFrame()).startsWith("io.heapwatch.servlet.TestServer$LeakServlet.doGet:");
            assertThat(ranked.histogramGrowthBytes()).isEqualTo(top.growthBytes());
            assertThat(ranked.attributedGrowthBytes()).isGreaterThan(0);
            assertThat(json.body())
                    .contains("\"objectCounts\":{\"status\":\"on\"")
                    .contains("\"classes\":[{\"type\":\"byte[]\"");
            assertThat(server.get("/heapwatch", "Authorization", AUTH).body())
                    .contains("<h2>Object counts after GC</h2>")
                    .contains("<code>byte[]</code>");
            assertThat(server.get("/heapwatch/diagnosis").statusCode()).isEqualTo(401);
        }
        synchronized (TestServer.RETAINED) {
            TestServer.RETAINED.clear();
        }
        try (TestServer server =
                TestServer.start(TestServer.config().diagnosis(settings()).build())) {
            HttpResponse<String> json = server.get("/heapwatch/diagnosis", "Authorization", AUTH);
            assertThat(json.statusCode()).isEqualTo(200);
            assertThat(json.body())
                    .startsWith("{\"schema\":\"heapwatch.diagnosis/1\"")
                    .doesNotContain("objectCounts");
            assertThat(server.get("/heapwatch", "Authorization", AUTH).body()).doesNotContain("Object counts");
            Diagnosis d = server.heapwatch.diagnostics().latest();
            assertThat(d).isNotNull();
            assertThat(d.types())
                    .allSatisfy(t -> assertThat(t.histogramGrowthBytes()).isEqualTo(-1));
        }
    }

    @Test
    void diagnosesAreRateLimited() throws Exception {
        try (TestServer server = TestServer.start(TestServer.config()
                .diagnosis(settings().withMinInterval(Duration.ofMinutes(5)))
                .build())) {
            LeakDiagnostics diagnostics = server.heapwatch.diagnostics();
            Diagnosis first = diagnostics.take("request");
            assertThat(first).isNotNull();
            assertThat(diagnostics.take("request"))
                    .as("a second diagnosis within the limit")
                    .isNull();
            assertThat(diagnostics.diagnosis()).isSameAs(first);
        }
    }

    @Test
    void withoutEvidenceTheReportStillShowsTheVerdictAndSaysWhyNoTypeIsNamed() throws Exception {
        try (TestServer server = TestServer.start(TestServer.config().build())) {
            assertThat(server.heapwatch.diagnostics().recordingDirectoryForTests())
                    .isNull();
            HttpResponse<String> page = server.get("/heapwatch", "Authorization", AUTH);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("No evidence of a leak").contains("HEAPWATCH_DIAGNOSIS=false");
        }
    }

    @Test
    void pathsAreConfigurableAndTheReportCanBeTurnedOff() throws Exception {
        try (TestServer server = TestServer.start(TestServer.config()
                .reportPath("/ops/leaks")
                .diagnosisPath("/ops/leaks.json")
                .build())) {
            assertThat(server.get("/ops/leaks", "Authorization", AUTH).body()).contains("href=\"/ops/leaks.json\"");
            assertThat(server.get("/ops/leaks.json", "Authorization", AUTH).statusCode())
                    .isEqualTo(200);
            assertThat(server.get("/heapwatch", "Authorization", AUTH).statusCode())
                    .isEqualTo(404);
        }
        try (TestServer server =
                TestServer.start(TestServer.config().reportEnabled(false).build())) {
            assertThat(server.heapwatch.diagnostics()).isNull();
            assertThat(server.get("/heapwatch", "Authorization", AUTH).statusCode())
                    .isEqualTo(404);
        }
    }
}
