package io.heapwatch.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapwatch.examples.jetty.JettyDemo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/monitoring/validate-metrics-endpoint.sh against live Jetty demos, with and without credentials. */
class ValidationScriptIntegrationTest {

    private static JettyDemo configured;
    private static JettyDemo unconfigured;
    private static String password;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() throws Exception {
        password = ItSupport.randomPassword();
        configured = JettyDemo.start(0, ItSupport.demoEnv(password));
        unconfigured = JettyDemo.start(0, ItSupport.demoEnv(null));
        // per-route series appear after the first sampled request
        for (JettyDemo demo : List.of(configured, unconfigured)) {
            assertThat(ItSupport.get("http://127.0.0.1:" + demo.port() + "/api/items/42")
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (JettyDemo demo : new JettyDemo[] {configured, unconfigured}) {
            if (demo != null) {
                demo.close();
            }
        }
    }

    record Run(int exitCode, String output) {
        List<String> lines(String prefix) {
            return output.lines().filter(l -> l.startsWith(prefix)).toList();
        }
    }

    /** Runs the script with only the given METRICS_* variables (none inherited), stdout and stderr merged. */
    private static Run runScript(Map<String, String> vars) throws IOException, InterruptedException {
        Path script = ItSupport.monitoringDir().resolve("validate-metrics-endpoint.sh");
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("METRICS_"));
        pb.environment().putAll(vars);
        Path out = Files.createTempFile(tmp, "validate", ".out");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("validate-metrics-endpoint.sh did not finish in 120s:\n" + Files.readString(out));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    private static String url(JettyDemo demo) {
        return "http://127.0.0.1:" + demo.port() + "/metrics";
    }

    private static String leakNote(JettyDemo demo) throws IOException, InterruptedException {
        boolean leakGauge =
                ItSupport.metricNames(ItSupport.scrape(demo, password)).contains("heapwatch_leak_suspected");
        return leakGauge
                ? ""
                : "\nNOTE: heapwatch_leak_suspected is absent from the demo's /metrics (the leak-analysis gauges are"
                        + " not in this build): the script's 'metric heapwatch_leak_suspected present' check fails"
                        + " until the leak-analysis work is merged into core.";
    }

    @Test
    void passesAgainstADemoWithCredentials() throws Exception {
        Run run = runScript(Map.of(
                "METRICS_URL",
                url(configured),
                "METRICS_AUTH_USERNAME",
                ItSupport.USERNAME,
                "METRICS_AUTH_PASSWORD",
                password));
        String context = "script output:\n" + run.output() + leakNote(configured);
        assertThat(run.lines("FAIL")).as(context).isEmpty();
        assertThat(run.exitCode()).as(context).isZero();
        assertThat(run.lines("PASS"))
                .as(context)
                .contains(
                        "PASS no credentials -> 401",
                        "PASS no credentials -> WWW-Authenticate: Basic header",
                        "PASS wrong credentials -> 401",
                        "PASS malformed Authorization header -> 401",
                        "PASS right credentials -> 200",
                        "PASS promtool check metrics",
                        "PASS metric heapwatch_requests_sampled_total present",
                        "PASS heapwatch series carry a container label");
        assertThat(run.output()).as(context).contains("RESULT PASS").doesNotContain(password);
    }

    @Test
    void passesWithThePasswordFromAFile() throws Exception {
        Path file = tmp.resolve("password");
        Files.writeString(file, password + "\n");
        Run run = runScript(Map.of(
                "METRICS_URL", url(configured),
                "METRICS_AUTH_USERNAME", ItSupport.USERNAME,
                "METRICS_AUTH_PASSWORD_FILE", file.toString()));
        String context = "script output:\n" + run.output() + leakNote(configured);
        assertThat(run.exitCode()).as(context).isZero();
        assertThat(run.output())
                .as(context)
                .contains("PASS right credentials -> 200")
                .doesNotContain(password);
    }

    @Test
    void failsAgainstADemoWithoutCredentials() throws Exception {
        Run run = runScript(Map.of(
                "METRICS_URL",
                url(unconfigured),
                "METRICS_AUTH_USERNAME",
                ItSupport.USERNAME,
                "METRICS_AUTH_PASSWORD",
                password));
        String context = "script output:\n" + run.output();
        assertThat(run.exitCode()).as(context).isNotZero();
        assertThat(run.lines("FAIL"))
                .as(context)
                .anySatisfy(l -> assertThat(l)
                        .contains("right credentials -> expected 200, got 500")
                        .contains("not configured"))
                .anySatisfy(l -> assertThat(l).contains("no credentials -> expected 401, got 500"));
        assertThat(run.output()).as(context).contains("RESULT FAIL").doesNotContain(password);
    }
}
