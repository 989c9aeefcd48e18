package io.heapwatch.servlet;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.heapwatch.servlet.HostileAuthTest.Case;
import io.heapwatch.servlet.HostileAuthTest.Expect;
import io.heapwatch.testing.RawHttp;
import io.heapwatch.testing.SecretsGuard;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The report page and the diagnosis JSON refuse exactly like {@code /metrics}: every generated hostile
 * {@code Authorization} case of {@link HostileAuthTest}, with the metrics endpoint on or off and credentials configured
 * or not, gets the same status from {@code /heapwatch} and {@code /heapwatch/diagnosis} as from {@code /metrics}, the
 * same {@code WWW-Authenticate} and refusal bodies, and never a report without the right credentials, on the exact
 * paths and on path variants.
 */
class HostileDiagnosisAuthTest {

    static final List<String> ENDPOINTS = List.of("/heapwatch", "/heapwatch/diagnosis");

    static final List<String> VARIANTS = List.of(
            "/heapwatch/",
            "/heapwatch;x",
            "//heapwatch",
            "/HEAPWATCH",
            "/heapwatch?x",
            "/%68eapwatch",
            "/./heapwatch",
            "/api/../heapwatch",
            "/heapwatch/diagnosis/",
            "/heapwatch/./diagnosis",
            "/heapwatch/diagnosis;x=y?z",
            "/heapwatch%2Fdiagnosis",
            "/heapwatch/Diagnosis");

    @BeforeAll
    static void guard() {
        SecretsGuard.registerPair(HostileAuthTest.USER, HostileAuthTest.PASSWORD);
    }

    @Test
    void everyCaseGetsTheMetricsEndpointsAnswer() throws Exception {
        Map<String, Integer> statuses = new TreeMap<>();
        for (boolean prometheus : new boolean[] {true, false}) {
            for (boolean credentials : new boolean[] {true, false}) {
                String config = "prometheus=" + prometheus + " credentials=" + credentials;
                try (TestServer s = HostileAuthTest.start(true, prometheus, credentials);
                        RawHttp http = HostileAuthTest.raw(s)) {
                    for (Case c : HostileAuthTest.CASES) {
                        RawHttp.Response metrics = http.send(c.method(), "/metrics", c.headers());
                        for (String path : ENDPOINTS) {
                            RawHttp.Response r = http.send(c.method(), path, c.headers());
                            String ctx = config + " " + path + " / " + c.name() + " " + c.method() + " -> " + r.status()
                                    + " (/metrics " + metrics.status() + ")";
                            check(ctx, c, r, prometheus && credentials);
                            assertThat(r.status()).as(ctx).isEqualTo(metrics.status());
                            assertThat(r.header("WWW-Authenticate"))
                                    .as(ctx)
                                    .isEqualTo(metrics.header("WWW-Authenticate"));
                            if (r.status() == 401 || r.status() == 500) {
                                assertThat(r.bodyText()).as(ctx).isEqualTo(metrics.bodyText());
                            }
                            statuses.merge(path + " " + r.status(), 1, Integer::sum);
                        }
                        for (String path : VARIANTS) {
                            RawHttp.Response r = http.send(c.method(), path, c.headers());
                            check(
                                    config + " " + path + " / " + c.name() + " " + c.method() + " -> " + r.status(),
                                    c,
                                    r,
                                    prometheus && credentials);
                        }
                    }
                }
            }
        }
        System.out.println("hostile diagnosis auth: " + HostileAuthTest.CASES.size() + " cases x "
                + (ENDPOINTS.size() * 2 + VARIANTS.size()) + " requests x 4 configurations; statuses " + statuses);
    }

    static void check(String ctx, Case c, RawHttp.Response r, boolean servedWithCredentials) {
        String body = new String(r.body(), UTF_8);
        SecretsGuard.assertAbsent("a response body (" + ctx + ")", body);
        boolean content = body.contains("heapwatch report") || body.contains("\"schema\"");
        if (r.status() == 200
                && (content || c.method().equals("GET") || c.method().equals("HEAD"))) {
            if (!content && c.method().equals("HEAD")) {
                assertThat(r.header("Content-Type")).as(ctx).isNotNull();
            }
            assertThat(c.expect())
                    .as(ctx + ": a report without the right credentials")
                    .isEqualTo(Expect.AUTHENTICATED);
            assertThat(servedWithCredentials).as(ctx).isTrue();
            return;
        }
        assertThat(content).as(ctx + ": a refusal carries the report").isFalse();
    }
}
