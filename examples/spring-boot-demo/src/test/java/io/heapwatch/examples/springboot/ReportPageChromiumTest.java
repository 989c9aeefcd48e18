package io.heapwatch.examples.springboot;

import static io.heapwatch.examples.springboot.DemoClient.PASSWORD;
import static io.heapwatch.examples.springboot.DemoClient.USER;
import static io.heapwatch.examples.springboot.DemoClient.basic;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The report page, rendered by headless Chromium (Debian's {@code chromium}) from the demo after its leak endpoint ran:
 * a screenshot is written to {@code target/heapwatch-report.png}, the DOM Chromium built is asserted on, and the page
 * refuses without credentials. Credentials are passed in the URL, which Chromium answers the basic challenge with.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "METRICS_AUTH_USERNAME=" + USER,
            "METRICS_AUTH_PASSWORD=" + PASSWORD,
            "CONTAINER_NAME=demo-report",
            "HEAPWATCH_DIAGNOSIS=true",
            "HEAPWATCH_DIAGNOSIS_HISTOGRAM=true",
            "HEAPWATCH_DIAGNOSIS_GC_ROOTS=true",
            // the first diagnosis follows the baseline histogram by seconds: let it take its own
            "HEAPWATCH_DIAGNOSIS_MIN_INTERVAL=1s",
            "management.endpoints.web.exposure.include=health,heapwatchdiagnosis"
        })
class ReportPageChromiumTest {

    static final String CHROMIUM = System.getProperty("heapwatch.chromium", "chromium");

    @Value("${local.server.port}")
    int port;

    @AfterEach
    void release() {
        new DemoClient(port).delete("/api/leak");
    }

    @Test
    void chromiumRendersTheReportNamingTheLeak() throws Exception {
        DemoClient client = new DemoClient(port);
        for (int i = 0; i < 400; i++) {
            assertThat(client.post("/api/leak?kb=64").statusCode()).isEqualTo(200);
        }
        System.gc();
        Thread.sleep(200);
        System.gc();
        Thread.sleep(200);

        HttpResponse<String> refused = client.get("/heapwatch");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).doesNotContain("heapwatch report");
        HttpResponse<String> json = client.get("/heapwatch/diagnosis", basic(USER, PASSWORD));
        // jdk.OldObjectSample samples allocations at random; when the first diagnosis holds no sample of the leak,
        // the leak goes on and a fresh diagnosis is taken once the latest is no longer recent (60 s).
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(80);
        int rounds = 0;
        while (!json.body().contains("\"type\":\"byte[]\"") && System.nanoTime() < deadline) {
            rounds++;
            for (int i = 0; i < 100; i++) {
                assertThat(client.post("/api/leak?kb=64").statusCode()).isEqualTo(200);
            }
            System.gc();
            Thread.sleep(5_000);
            json = client.get("/heapwatch/diagnosis", basic(USER, PASSWORD));
        }
        System.out.println("ReportPageChromiumTest: extra leak rounds before the diagnosis named the leak: " + rounds);
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(json.body())
                .contains("\"schema\":\"heapwatch.diagnosis/1\"")
                .contains("\"type\":\"byte[]\"")
                .contains("\"histogram\":{\"status\":\"on\"")
                .contains("\"gcRoots\":{\"status\":\"on\"");
        assertThat(client.get("/actuator/heapwatchdiagnosis").statusCode())
                .as("the Actuator endpoint needs the same credentials")
                .isEqualTo(401);
        assertThat(client.get("/actuator/heapwatchdiagnosis", basic(USER, PASSWORD))
                        .body())
                .as("the Actuator endpoint returns the same document")
                .contains("\"schema\":\"heapwatch.diagnosis/1\"");

        Path target = Path.of("target");
        Files.createDirectories(target);
        Path screenshot = target.resolve("heapwatch-report.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        String url = "http://" + USER + ":" + PASSWORD + "@127.0.0.1:" + port + "/heapwatch";

        String dom = chromium(target, "--dump-dom", url);
        assertThat(dom)
                .contains("heapwatch report")
                .contains("demo-report")
                .contains("Live heap after GC")
                // the verdict and its evidence, with the time to exhaustion, whatever the verdict
                .contains("<h2>Verdict</h2>")
                .contains("time to exhaustion")
                .contains("floors analysed")
                .contains("<svg")
                .contains("Route suspects")
                .contains("Leaking types")
                .contains("<code>byte[]</code>")
                .contains("io.heapwatch.examples.springboot.DemoController.leak")
                // how much of the growth the named types explain, and from what
                .containsAnyOf("measured by the class histograms", "a share of samples, not a measured growth")
                .contains("Class histogram")
                .contains("Histogram on")
                .contains("instances gained")
                .contains("Paths to GC roots on")
                .contains("held by (path to a GC root")
                // the leak's holder: the controller's list field, named on the path under the leaking type
                .contains("io.heapwatch.examples.springboot.DemoController.leaked")
                .doesNotContain("<script");
        chromium(target, "--screenshot=" + screenshot, "--window-size=1100,1600", url);
        assertThat(screenshot).exists();
        assertThat(Files.size(screenshot)).as("screenshot bytes").isGreaterThan(10_000);
        System.out.println("report screenshot: " + screenshot);

        String refusedDom = chromium(target, "--dump-dom", "http://127.0.0.1:" + port + "/heapwatch");
        assertThat(refusedDom).doesNotContain("heapwatch report").doesNotContain("byte[]");
    }

    /** Runs headless Chromium with a throw-away profile and returns its standard output. */
    static String chromium(Path target, String... args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(target.toAbsolutePath(), "chromium-profile-");
        List<String> command = new ArrayList<>(List.of(
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                "--user-data-dir=" + profile));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(target.toAbsolutePath(), "chromium-", ".out");
        Process p = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(out);
            deleteTree(profile);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(f -> f.toFile().delete());
        }
    }
}
