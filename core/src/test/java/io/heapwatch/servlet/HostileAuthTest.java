package io.heapwatch.servlet;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heapwatch.config.ConfigException;
import io.heapwatch.config.HeapwatchConfig;
import io.heapwatch.testing.RawHttp;
import io.heapwatch.testing.SecretsGuard;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication cannot be bypassed: a generated suite of hostile {@code Authorization} headers, sent byte for byte
 * over raw sockets to a real Jetty, against every combination of ENABLE_MEMORY_PROFILING x ENABLE_PROMETHEUS_METRICS x
 * credentials configured or not, and against path variants of {@code /metrics}.
 */
class HostileAuthTest {

    static final String USER = "scraper";
    /** Non-ASCII on purpose (UTF-8 handling) and 25 bytes in user:password, so the base64 has padding. */
    static final String PASSWORD = "pässwörd-hw-9Qx";

    static final String NOT_CONFIGURED_BODY = "metrics authentication is not configured\n";

    static final List<String> PATHS = List.of(
            "/metrics",
            "/metrics/",
            "/metrics;x",
            "//metrics",
            "/METRICS",
            "/metrics?x",
            "/metrics%2F",
            "/%6Detrics",
            "/./metrics",
            "/api/../metrics",
            "/metrics%00",
            "/metrics/..",
            "/metrics;x=y?z",
            "/Metrics");

    /** How a case is expected to be classified by the endpoint, when it reaches it. */
    enum Expect {
        AUTHENTICATED,
        MISSING,
        MALFORMED,
        BAD_CREDENTIALS,
        /** Jetty may refuse it before the servlet (400/431) or pass it on; either way never 200. */
        NOT_200;

        String reason() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    record Case(String name, String method, List<byte[]> headers, Expect expect) {}

    static final List<Case> CASES = generate();

    /** 200s that carried no metrics: the container answering OPTIONS/TRACE on paths outside the endpoint. */
    static final java.util.concurrent.atomic.AtomicLong OPTIONS_200 = new java.util.concurrent.atomic.AtomicLong();

    /** 501s from the container for methods HttpServlet does not implement, on paths outside the endpoint. */
    static final java.util.concurrent.atomic.AtomicLong CONTAINER_501 = new java.util.concurrent.atomic.AtomicLong();

    @BeforeAll
    static void guard() {
        SecretsGuard.registerPair(USER, PASSWORD);
    }

    // ---------------------------------------------------------------------------------------------- generation

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(UTF_8));
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    static byte[] auth(String value) {
        return ("Authorization: " + value).getBytes(UTF_8);
    }

    /**
     * The documented rules, written independently of {@code BasicAuthenticator}: scheme {@code Basic} in any case,
     * one or more spaces, one base64 token (padding optional), no leading whitespace, at most 1024 characters, strict UTF-8 without control
     * characters, split at the first colon. Jetty trims the header value first.
     */
    static Expect oracle(String value) {
        // Jetty drops trailing whitespace of a field value; heapwatch refuses leading whitespace as malformed.
        String v = value.replaceAll("[ \t]+$", "");
        if (v.length() > 1024) {
            return Expect.MALFORMED;
        }
        Matcher m = Pattern.compile("(?i:basic) +([^ ]+)").matcher(v);
        if (!m.matches()) {
            return Expect.MALFORMED;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(m.group(1));
        } catch (IllegalArgumentException e) {
            return Expect.MALFORMED;
        }
        String text;
        try {
            text = UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(decoded))
                    .toString();
        } catch (CharacterCodingException e) {
            return Expect.MALFORMED;
        }
        if (text.chars().anyMatch(Character::isISOControl)) {
            return Expect.MALFORMED;
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            return Expect.MALFORMED;
        }
        return text.substring(0, colon).equals(USER)
                        && text.substring(colon + 1).equals(PASSWORD)
                ? Expect.AUTHENTICATED
                : Expect.BAD_CREDENTIALS;
    }

    static List<Case> generate() {
        Map<String, Case> cases = new LinkedHashMap<>();
        String right = USER + ":" + PASSWORD;
        String token = b64(right);
        java.util.function.BiConsumer<String, String> value =
                (name, v) -> cases.putIfAbsent("value:" + v, new Case(name, "GET", List.of(auth(v)), oracle(v)));
        java.util.function.BiConsumer<String, String> creds = (name, c) -> value.accept(name, "Basic " + b64(c));

        // Missing and empty.
        cases.put("missing", new Case("missing", "GET", List.of(), Expect.MISSING));
        cases.put("empty", new Case("empty value", "GET", List.of("Authorization:".getBytes(UTF_8)), Expect.MALFORMED));
        cases.put(
                "blank",
                new Case("blank value", "GET", List.of("Authorization:    ".getBytes(UTF_8)), Expect.MALFORMED));
        cases.put(
                "other-header",
                new Case(
                        "credentials in another header",
                        "GET",
                        List.of(
                                ("X-Authorization: Basic " + token).getBytes(UTF_8),
                                ("Proxy-Authorization: Basic " + token).getBytes(UTF_8)),
                        Expect.MISSING));

        // The right credentials, for reference: the only family allowed a 200.
        value.accept("right", "Basic " + token);
        for (String scheme : List.of("basic", "BASIC", "bAsIc", "Basic")) {
            value.accept("scheme case " + scheme, scheme + " " + token);
        }
        value.accept("two spaces", "Basic  " + token);
        value.accept("leading space", "  Basic " + token);
        value.accept("trailing space", "Basic " + token + "   ");
        value.accept("no padding", "Basic " + token.replace("=", ""));

        // Other schemes and mangled schemes, carrying the right token.
        for (String scheme : List.of(
                "Bearer",
                "Digest",
                "Negotiate",
                "NTLM",
                "Token",
                "Basically",
                "Basi",
                "XBasic",
                "Basic:",
                "Basic=",
                "B",
                "Bas ic",
                "Basic,",
                "\"Basic\"",
                "Basic-",
                "Bаsic" /* Cyrillic a */)) {
            value.accept("scheme " + scheme, scheme + " " + token);
        }
        value.accept("token only", token);
        value.accept("tab separator", "Basic\t" + token);
        value.accept("scheme only", "Basic");
        value.accept("scheme and space", "Basic ");
        value.accept("token then junk", "Basic " + token + " x");
        value.accept("space inside token", "Basic " + token.substring(0, 8) + " " + token.substring(8));
        value.accept("comma list", "Basic " + token + ", Basic " + token);
        value.accept("auth-param form", "Basic credentials=\"" + token + "\"");
        value.accept("quoted token", "Basic \"" + token + "\"");
        value.accept("Bearer then Basic", "Bearer x, Basic " + token);

        // Bad base64.
        for (String bad : List.of(
                "!!!",
                "====",
                "a",
                "ab=",
                "A===",
                "*",
                token + "=",
                token + "==",
                token + "x",
                "=" + token,
                token.replace('c', '-'),
                token + "%3D",
                token.toLowerCase(Locale.ROOT),
                token.toUpperCase(Locale.ROOT),
                new StringBuilder(token).reverse().toString(),
                "%" + token)) {
            value.accept("bad base64 " + bad, "Basic " + bad);
        }
        value.accept("url-safe base64", "Basic " + Base64.getUrlEncoder().encodeToString(right.getBytes(UTF_8)));
        value.accept("mime base64", "Basic " + Base64.getMimeEncoder().encodeToString(right.getBytes(UTF_8)));

        // No colon, several colons, empty parts.
        creds.accept("no colon", USER + PASSWORD);
        creds.accept("user only", USER);
        creds.accept("password only", PASSWORD);
        creds.accept("empty", "");
        creds.accept("colon only", ":");
        creds.accept("empty user", ":" + PASSWORD);
        creds.accept("empty password", USER + ":");
        creds.accept("double colon", USER + "::" + PASSWORD);
        creds.accept("trailing colon", right + ":");
        creds.accept("leading colon", ":" + right);
        creds.accept("colons", ":::");
        creds.accept("user:user", USER + ":" + USER);
        creds.accept("password:password", PASSWORD + ":" + PASSWORD);
        creds.accept("swapped", PASSWORD + ":" + USER);
        creds.accept("user with colon", USER + ":x:" + PASSWORD);

        // Right password with the wrong user, right user with the wrong password.
        for (String u : List.of(
                "Scraper",
                "SCRAPER",
                "scraper ",
                " scraper",
                "scrape",
                "scraperx",
                "xscraper",
                "admin",
                "root",
                "prom",
                "scr%61per",
                "scraper\u200b",
                "ｓｃｒａｐｅｒ",
                "scraper%00")) {
            creds.accept("wrong user " + u, u + ":" + PASSWORD);
        }
        for (String p : List.of(
                PASSWORD.toUpperCase(Locale.ROOT),
                "passwörd-hw-9Qx",
                "pässwörd-hw-9QX",
                PASSWORD + " ",
                " " + PASSWORD,
                Normalizer.normalize(PASSWORD, Normalizer.Form.NFD),
                URLEncoder.encode(PASSWORD, UTF_8),
                "admin",
                "password",
                "' OR '1'='1",
                "*",
                ".*",
                "%",
                PASSWORD.replace("ä", "&auml;"),
                PASSWORD + PASSWORD)) {
            creds.accept("wrong password " + p, USER + ":" + p);
        }
        // Prefixes and suffixes of the right password, of user:password and of the token.
        for (int i = 0; i < PASSWORD.length(); i++) {
            creds.accept("password prefix " + i, USER + ":" + PASSWORD.substring(0, i));
            creds.accept("password suffix " + i, USER + ":" + PASSWORD.substring(i + 1));
            creds.accept("password plus " + i, USER + ":" + PASSWORD + (char) ('a' + i));
        }
        for (int i = 0; i < right.length(); i++) {
            creds.accept("credential prefix " + i, right.substring(0, i));
            creds.accept("credential suffix " + i, right.substring(i + 1));
        }
        for (int i = 1; i < token.length(); i++) {
            value.accept("token prefix " + i, "Basic " + token.substring(0, i));
            value.accept("token suffix " + i, "Basic " + token.substring(i));
        }

        // Encodings of the right credentials that are not the right credentials.
        value.accept("latin-1 credentials", "Basic " + b64(right.getBytes(ISO_8859_1)));
        value.accept("utf-16 credentials", "Basic " + b64(right.getBytes(java.nio.charset.StandardCharsets.UTF_16)));
        value.accept("double base64", "Basic " + b64(token));
        value.accept("plain credentials", "Basic " + right);
        value.accept("url-encoded token", "Basic " + URLEncoder.encode(token, UTF_8));
        value.accept("url-encoded space", "Basic%20" + token);
        value.accept("plus for space", "Basic+" + token);
        creds.accept("url-encoded colon", USER + "%3A" + PASSWORD);
        creds.accept(
                "url-encoded credentials", URLEncoder.encode(USER, UTF_8) + ":" + URLEncoder.encode(PASSWORD, UTF_8));
        creds.accept("percent-encoded user", "%73craper:" + PASSWORD);
        creds.accept("fullwidth colon", USER + "：" + PASSWORD);
        creds.accept("NUL after password", right + "\u0000");
        creds.accept("NUL in user", USER + "\u0000:" + PASSWORD);
        creds.accept("newline after password", right + "\n");
        creds.accept("CR LF injection", right + "\r\nX: y");
        creds.accept("DEL in password", right + "\u007f");
        value.accept(
                "overlong-encoded colon",
                "Basic "
                        + b64(concat(
                                USER.getBytes(UTF_8),
                                new byte[] {(byte) 0xC0, (byte) 0xBA},
                                PASSWORD.getBytes(UTF_8))));
        value.accept(
                "invalid UTF-8 in password",
                "Basic "
                        + b64(concat(
                                (USER + ":").getBytes(UTF_8), new byte[] {(byte) 0xFF}, PASSWORD.getBytes(UTF_8))));
        value.accept(
                "lone surrogate bytes",
                "Basic " + b64(concat(right.getBytes(UTF_8), new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})));

        // Oversized.
        value.accept("1025 chars", "Basic " + token + " ".repeat(0) + "A".repeat(1025 - 6 - token.length()));
        value.accept("credentials padded to 1100", "Basic " + b64(USER + ":" + PASSWORD + "x".repeat(800)));
        value.accept("4 KiB", "Basic " + "QUFB".repeat(1024));
        cases.put(
                "9k", new Case("9 KiB header", "GET", List.of(auth("Basic " + "A".repeat(9 * 1024))), Expect.NOT_200));
        cases.put(
                "64k",
                new Case(
                        "64 KiB header",
                        "GET",
                        List.of(auth("Basic " + token + "A".repeat(64 * 1024))),
                        Expect.NOT_200));
        List<byte[]> many = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            many.add(auth("Basic " + token));
        }
        cases.put("200 headers", new Case("200 repeated headers", "GET", many, Expect.NOT_200));

        // Non-UTF-8 bytes in the header itself.
        cases.put(
                "raw ff",
                new Case(
                        "raw 0xFF in value",
                        "GET",
                        List.of(concat("Authorization: Basic ".getBytes(UTF_8), new byte[] {(byte) 0xFF, (byte) 0xFE})),
                        Expect.NOT_200));
        cases.put(
                "raw latin1 creds",
                new Case(
                        "raw latin-1 credentials",
                        "GET",
                        List.of(("Authorization: Basic " + right).getBytes(ISO_8859_1)),
                        Expect.NOT_200));
        cases.put(
                "raw utf8 creds",
                new Case(
                        "raw UTF-8 credentials",
                        "GET",
                        List.of(("Authorization: Basic " + right).getBytes(UTF_8)),
                        Expect.NOT_200));
        cases.put(
                "raw token + ff",
                new Case(
                        "token then 0xFF",
                        "GET",
                        List.of(concat(("Authorization: Basic " + token).getBytes(UTF_8), new byte[] {(byte) 0xFF})),
                        Expect.NOT_200));
        cases.put(
                "raw nul",
                new Case(
                        "NUL in header",
                        "GET",
                        List.of(concat(("Authorization: Basic " + token).getBytes(UTF_8), new byte[] {0})),
                        Expect.NOT_200));
        cases.put(
                "obs-fold",
                new Case(
                        "obs-fold continuation",
                        "GET",
                        List.of("Authorization: Basic".getBytes(UTF_8), (" " + token).getBytes(UTF_8)),
                        Expect.NOT_200));
        cases.put(
                "space before colon",
                new Case(
                        "space before colon",
                        "GET",
                        List.of(("Authorization : Basic " + token).getBytes(UTF_8)),
                        Expect.NOT_200));
        cases.put(
                "bare LF",
                new Case(
                        "bare LF inside",
                        "GET",
                        List.of(("Authorization: Basic \n" + token).getBytes(UTF_8)),
                        Expect.NOT_200));

        // Repeated headers: always malformed, whatever they hold.
        String wrong = "Basic " + b64(USER + ":nope");
        String[][] repeats = {
            {"Basic " + token, "Basic " + token},
            {"Basic " + token, wrong},
            {wrong, "Basic " + token},
            {"Basic " + token, ""},
            {"", "Basic " + token},
            {"Bearer x", "Basic " + token},
            {wrong, wrong},
            {"Basic " + token, "Basic " + token, "Basic " + token}
        };
        for (String[] r : repeats) {
            List<byte[]> lines = new ArrayList<>();
            for (String v : r) {
                lines.add(auth(v));
            }
            cases.put(
                    "repeat " + String.join("|", r), new Case("repeated " + r.length, "GET", lines, Expect.MALFORMED));
        }
        cases.put(
                "repeat case",
                new Case(
                        "repeated, name case differs",
                        "GET",
                        List.of(auth("Basic " + token), ("authorization: Basic " + token).getBytes(UTF_8)),
                        Expect.MALFORMED));
        cases.put(
                "repeat upper",
                new Case(
                        "repeated, upper-case name",
                        "GET",
                        List.of(("AUTHORIZATION: Basic " + token).getBytes(UTF_8), auth(wrong)),
                        Expect.MALFORMED));

        // Methods: without credentials every method is refused before anything else.
        for (String method : List.of("HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH", "PROPFIND", "get")) {
            cases.put("method " + method, new Case("method " + method, method, List.of(), Expect.MISSING));
            cases.put(
                    "method wrong " + method,
                    new Case("method wrong " + method, method, List.of(auth(wrong)), Expect.BAD_CREDENTIALS));
        }
        return List.copyOf(cases.values());
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /**
     * A server with the back-off off: these tests classify each of thousands of wrong headers exactly, which the
     * back-off would turn into 429s after ten. {@link #theBackoffNeverLetsAWrongHeaderThroughAndCountsEveryRefusal}
     * runs the suite with it on.
     */
    static TestServer start(boolean profiling, boolean prometheus, boolean credentials) throws Exception {
        return start(profiling, prometheus, credentials, false);
    }

    static TestServer start(boolean profiling, boolean prometheus, boolean credentials, boolean backoff)
            throws Exception {
        HeapwatchConfig.Builder b = HeapwatchConfig.builder()
                .containerName("hostile")
                .profilingEnabled(profiling)
                .prometheusEnabled(prometheus)
                .authBackoff(backoff);
        if (credentials) {
            b.metricsCredentials(USER, PASSWORD);
        }
        return TestServer.start(b.build());
    }

    static RawHttp raw(TestServer s) {
        return new RawHttp("127.0.0.1", ((ServerConnector) s.server.getConnectors()[0]).getLocalPort());
    }

    /** Counter values of heapwatch_metrics_auth_failures_total by reason, read from the registry. */
    static Map<String, Double> failures(TestServer s) {
        Map<String, Double> m = new TreeMap<>();
        for (String reason : List.of("missing", "malformed", "bad_credentials", "not_configured", "throttled")) {
            var c = s.heapwatch
                    .registry()
                    .find("heapwatch.metrics.auth.failures")
                    .tag("reason", reason)
                    .counter();
            m.put(reason, c == null ? 0.0 : c.count());
        }
        return m;
    }

    /** The same counters as Prometheus exposes them, from an authenticated scrape. */
    static Map<String, Double> scrapedFailures(TestServer s) throws Exception {
        return scrapedFailuresAt(s, "/metrics");
    }

    static Map<String, Double> scrapedFailuresAt(TestServer s, String path) throws Exception {
        var r = s.get(path, "Authorization", "Basic " + b64(USER + ":" + PASSWORD));
        assertThat(r.statusCode()).isEqualTo(200);
        SecretsGuard.assertAbsent("a scrape", r.body());
        Map<String, Double> m = new TreeMap<>();
        Matcher x = Pattern.compile(
                        "(?m)^heapwatch_metrics_auth_failures_total\\{container=\"hostile\",reason=\"(\\w+)\"} (\\S+)$")
                .matcher(r.body());
        while (x.find()) {
            m.put(x.group(1), Double.parseDouble(x.group(2)));
        }
        return m;
    }

    static void checkInvariants(
            String what, Case c, RawHttp.Response r, boolean endpointInstalled, boolean credentials) {
        String body = r.bodyText();
        String ctx = what + " / " + c.name() + " " + c.method() + " -> " + r.status();
        SecretsGuard.assertAbsent("a response body (" + ctx + ")", new String(r.body(), UTF_8));
        String type = r.header("Content-Type") == null ? "" : r.header("Content-Type");
        boolean exposition = type.startsWith("text/plain; version=0.0.4")
                || type.startsWith("application/openmetrics-text")
                || body.contains("# HELP")
                || body.contains("heapwatch_");
        if (r.status() == 200 && !exposition) {
            // The container's own answer to OPTIONS or TRACE on a path heapwatch does not serve (HttpServlet#doOptions
            // and #doTrace of Jetty's 404 servlet): an Allow header, or the request echoed back. Never metrics.
            assertThat(c.method())
                    .as(ctx + ": a 200 that is not the container's OPTIONS/TRACE answer")
                    .isIn("OPTIONS", "TRACE");
            if (c.method().equals("OPTIONS")) {
                assertThat(r.body()).as(ctx).isEmpty();
            } else {
                assertThat(body).as(ctx).startsWith("TRACE ");
            }
            OPTIONS_200.incrementAndGet();
            return;
        }
        if (r.status() == 200) {
            assertThat(c.expect())
                    .as(ctx + ": a 200 without the right credentials")
                    .isEqualTo(Expect.AUTHENTICATED);
            assertThat(endpointInstalled && credentials).as(ctx).isTrue();
            if (!c.method().equals("HEAD")) {
                assertThat(body).as(ctx).contains("# HELP");
            }
            return;
        }
        assertThat(body)
                .as(ctx + ": a refusal leaks metrics")
                .doesNotContain("heapwatch_")
                .doesNotContain("# HELP")
                .doesNotContain("# TYPE");
        if (r.status() == 501
                && !List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE")
                        .contains(c.method())) {
            // Jetty's 404 servlet (an HttpServlet) answers methods it does not implement with 501, on paths
            // heapwatch does not serve: MetricsServlet handles every method itself.
            CONTAINER_501.incrementAndGet();
            return;
        }
        if (r.status() >= 500) {
            assertThat(endpointInstalled && !credentials)
                    .as(ctx + ": unexpected 5xx")
                    .isTrue();
            assertThat(r.status()).as(ctx).isEqualTo(500);
            if (!c.method().equals("HEAD")) {
                assertThat(body).as(ctx).isEqualTo(NOT_CONFIGURED_BODY);
            }
        }
        if (r.status() == 401) {
            assertThat(r.header("WWW-Authenticate")).as(ctx).isEqualTo("Basic realm=\"metrics\", charset=\"UTF-8\"");
            if (!c.method().equals("HEAD")) {
                assertThat(body).as(ctx).isEqualTo("Unauthorized\n");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- tests

    @Test
    void generatedSuiteIsLargeAndCoversEveryFamily() {
        assertThat(CASES).hasSizeGreaterThanOrEqualTo(200);
        Map<Expect, Long> byExpect = new TreeMap<>();
        for (Case c : CASES) {
            byExpect.merge(c.expect(), 1L, Long::sum);
        }
        System.out.println("hostile auth: " + CASES.size() + " generated cases " + byExpect + " x " + PATHS.size()
                + " paths x 8 configurations");
        assertThat(byExpect.keySet()).containsExactlyInAnyOrder(Expect.values());
    }

    /**
     * Every case, one at a time, against {@code /metrics} with credentials configured: the exact reason counted for
     * each case is checked against the documented rules (one counter read per case).
     */
    @Test
    void eachCaseIsClassifiedAndCountedByReason() throws Exception {
        try (TestServer s = start(true, true, true);
                RawHttp http = raw(s)) {
            for (Case c : CASES) {
                Map<String, Double> before = failures(s);
                RawHttp.Response r = http.send(c.method(), "/metrics", c.headers());
                checkInvariants("/metrics", c, r, true, true);
                Map<String, Double> after = failures(s);
                Map<String, Double> delta = new TreeMap<>();
                after.forEach((k, v) -> {
                    if (v - before.get(k) != 0) {
                        delta.put(k, v - before.get(k));
                    }
                });
                String ctx = c.name() + " " + c.method() + " -> " + r.status() + " counted " + delta;
                switch (c.expect()) {
                    case AUTHENTICATED -> {
                        assertThat(r.status()).as(ctx).isEqualTo(c.method().equals("GET") ? 200 : 405);
                        assertThat(delta).as(ctx).isEmpty();
                    }
                    case NOT_200 -> {
                        assertThat(r.status()).as(ctx).isIn(400, 401, 413, 431);
                        assertThat(delta.values().stream()
                                        .mapToDouble(Double::doubleValue)
                                        .sum())
                                .as(ctx)
                                .isEqualTo(r.status() == 401 ? 1.0 : 0.0);
                    }
                    default -> {
                        assertThat(r.status()).as(ctx).isEqualTo(401);
                        assertThat(delta).as(ctx).isEqualTo(Map.of(c.expect().reason(), 1.0));
                    }
                }
            }
            // The registry and the exposition agree.
            Map<String, Double> scraped = scrapedFailures(s);
            assertThat(scraped).isEqualTo(failures(s));
        }
    }

    /**
     * The whole suite x every path variant x every combination of the two flags and credentials (eight servers, run
     * one after the other).
     */
    @Test
    void noCombinationOfFlagsPathsAndHeadersGets200WithoutTheRightCredentials() throws Exception {
        List<java.util.concurrent.Callable<String>> runs = new ArrayList<>();
        for (boolean profiling : new boolean[] {true, false}) {
            for (boolean prometheus : new boolean[] {true, false}) {
                for (boolean credentials : new boolean[] {true, false}) {
                    runs.add(() -> runConfiguration(profiling, prometheus, credentials));
                }
            }
        }
        // one at a time: three at once on the 2-core CI machine ended a request without a response twice in a day
        var pool = java.util.concurrent.Executors.newFixedThreadPool(1);
        StringBuilder report = new StringBuilder();
        try {
            for (var f : pool.invokeAll(runs)) {
                try {
                    report.append(f.get()).append('\n');
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof AssertionError a) {
                        throw a;
                    }
                    throw e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
        long requests = (long) CASES.size() * PATHS.size() * runs.size();
        System.out.println("hostile auth: " + requests + " requests (" + OPTIONS_200.get()
                + " container OPTIONS/TRACE answers without metrics and " + CONTAINER_501.get()
                + " container 501s for unimplemented methods, both on non-endpoint paths), statuses by path:\n"
                + report);
    }

    static String runConfiguration(boolean profiling, boolean prometheus, boolean credentials) throws Exception {
        String config = "profiling=" + profiling + " prometheus=" + prometheus + " credentials=" + credentials;
        try (TestServer s = start(profiling, prometheus, credentials);
                RawHttp http = raw(s)) {
            Map<String, Double> before = failures(s);
            Map<String, Long> expected = new TreeMap<>();
            Map<String, Map<Integer, Integer>> statusByPath = new TreeMap<>();
            for (String path : PATHS) {
                for (Case c : CASES) {
                    RawHttp.Response r = http.send(c.method(), path, c.headers());
                    checkInvariants(config + " " + path, c, r, prometheus, credentials);
                    statusByPath.computeIfAbsent(path, p -> new TreeMap<>()).merge(r.status(), 1, Integer::sum);
                    if (r.status() == 401) {
                        String reason = c.expect() == Expect.NOT_200
                                ? "ambiguous"
                                : c.expect().reason();
                        expected.merge(reason, 1L, Long::sum);
                    } else if (r.status() == 500) {
                        expected.merge("not_configured", 1L, Long::sum);
                    }
                }
            }
            Map<String, Double> after = failures(s);
            long ambiguous = expected.getOrDefault("ambiguous", 0L);
            double total = 0;
            for (String reason : after.keySet()) {
                double d = after.get(reason) - before.get(reason);
                total += d;
                if (ambiguous == 0 || reason.equals("not_configured")) {
                    assertThat(d).as(config + " reason " + reason).isEqualTo((double)
                            expected.getOrDefault(reason, 0L));
                }
            }
            long all = expected.values().stream().mapToLong(Long::longValue).sum();
            assertThat(total)
                    .as(config + " every refusal by the endpoint is counted once")
                    .isEqualTo((double) all);
            if (!prometheus) {
                assertThat(after).as(config).allSatisfy((k, v) -> assertThat(v).isZero());
            }
            if (prometheus && credentials) {
                assertThat(scrapedFailures(s)).as(config).isEqualTo(failures(s));
            }
            return config + ": " + statusByPath;
        }
    }

    /**
     * The whole suite with the back-off on (the default): after ten wrong credentials, unverified ones are answered
     * 429 with Retry-After, and never checked; the scraper that authenticated before keeps getting 200 between every
     * hostile request; every refusal is counted once, by reason.
     */
    @Test
    void theBackoffNeverLetsAWrongHeaderThroughAndCountsEveryRefusal() throws Exception {
        try (TestServer s = start(true, true, true, true);
                RawHttp http = raw(s);
                RawHttp scraper = raw(s)) {
            List<byte[]> right = List.of(auth("Basic " + b64(USER + ":" + PASSWORD)));
            assertThat(scraper.send("GET", "/metrics", right).status()).isEqualTo(200);
            Map<String, Double> before = failures(s);
            Map<Integer, Integer> statuses = new TreeMap<>();
            long refusals = 0;
            long throttled = 0;
            for (Case c : CASES) {
                RawHttp.Response r = http.send(c.method(), "/metrics", c.headers());
                checkInvariants("backoff /metrics", c, r, true, true);
                statuses.merge(r.status(), 1, Integer::sum);
                String ctx = c.name() + " " + c.method() + " -> " + r.status();
                if (r.status() == 429) {
                    throttled++;
                    assertThat(c.expect()).as(ctx).isIn(Expect.BAD_CREDENTIALS, Expect.NOT_200);
                    assertThat(Long.parseLong(r.header("Retry-After"))).as(ctx).isBetween(1L, 5L);
                    assertThat(r.header("WWW-Authenticate")).as(ctx).isNull();
                    if (!c.method().equals("HEAD")) {
                        assertThat(r.bodyText()).as(ctx).isEqualTo("Too Many Requests\n");
                    }
                }
                if (r.status() == 401 || r.status() == 429) {
                    refusals++;
                }
                if (c.expect() == Expect.MISSING || c.expect() == Expect.MALFORMED) {
                    assertThat(r.status())
                            .as(ctx + ": no login prompt lost to the back-off")
                            .isEqualTo(401);
                }
                assertThat(scraper.send("GET", "/metrics", right).status())
                        .as("the scraper after " + ctx)
                        .isEqualTo(200);
            }
            Map<String, Double> after = failures(s);
            double counted = 0;
            for (String reason : after.keySet()) {
                counted += after.get(reason) - before.get(reason);
            }
            assertThat(counted).as("every refusal counted once " + statuses).isEqualTo((double) refusals);
            assertThat(after.get("throttled") - before.get("throttled")).isEqualTo((double) throttled);
            assertThat(throttled).as("statuses " + statuses).isGreaterThan(50);
            assertThat(scrapedFailures(s)).isEqualTo(failures(s));
            System.out.println("hostile auth with back-off: statuses " + statuses);
        }
    }

    /** The endpoint moved with HEAPWATCH_METRICS_PATH: the suite holds there, and /metrics is not heapwatch's. */
    @Test
    void movedEndpointHoldsTheSuiteAndLeavesMetricsToTheApplication() throws Exception {
        HeapwatchConfig config = HeapwatchConfig.fromMap(Map.of(
                HeapwatchConfig.CONTAINER_NAME, "hostile",
                HeapwatchConfig.METRICS_AUTH_USERNAME, USER,
                HeapwatchConfig.METRICS_AUTH_PASSWORD, PASSWORD,
                HeapwatchConfig.HEAPWATCH_METRICS_PATH, "/internal/heapwatch-metrics",
                HeapwatchConfig.HEAPWATCH_METRICS_AUTH_BACKOFF, "false"));
        try (TestServer s = TestServer.start(config);
                RawHttp http = raw(s)) {
            List<byte[]> right = List.of(auth("Basic " + b64(USER + ":" + PASSWORD)));
            assertThat(http.send("GET", "/metrics", right).status()).isEqualTo(404);
            for (Case c : CASES) {
                RawHttp.Response r = http.send(c.method(), "/internal/heapwatch-metrics", c.headers());
                checkInvariants("moved", c, r, true, true);
                if (c.expect() != Expect.NOT_200) {
                    assertThat(r.status())
                            .as(c.name())
                            .isEqualTo(
                                    c.expect() == Expect.AUTHENTICATED
                                            ? (c.method().equals("GET") ? 200 : 405)
                                            : 401);
                }
            }
            assertThat(scrapedFailuresAt(s, "/internal/heapwatch-metrics")).isEqualTo(failures(s));
        }
    }

    /** METRICS_AUTH_PASSWORD_HASH end to end: verified once, then every scrape is answered from memory. */
    @Test
    void storedPasswordHashWorksEndToEnd() throws Exception {
        String hash = io.heapwatch.config.PasswordHash.create(
                PASSWORD.toCharArray(), io.heapwatch.config.PasswordHash.MIN_ITERATIONS);
        HeapwatchConfig config = HeapwatchConfig.fromMap(Map.of(
                HeapwatchConfig.CONTAINER_NAME, "hostile",
                HeapwatchConfig.METRICS_AUTH_USERNAME, USER,
                HeapwatchConfig.METRICS_AUTH_PASSWORD_HASH, hash));
        assertThat(config.toString()).doesNotContain(hash.substring(hash.lastIndexOf('$')));
        try (TestServer s = TestServer.start(config);
                RawHttp http = raw(s)) {
            for (int i = 0; i < 20; i++) {
                assertThat(http.send("GET", "/metrics", List.of(auth("Basic " + b64(USER + ":" + PASSWORD))))
                                .status())
                        .isEqualTo(200);
            }
            assertThat(http.send("GET", "/metrics", List.of(auth("basic " + b64(USER + ":" + PASSWORD))))
                            .status())
                    .isEqualTo(200);
            assertThat(http.send("GET", "/metrics", List.of(auth("Basic " + b64(USER + ":" + PASSWORD + "x"))))
                            .status())
                    .isEqualTo(401);
            assertThat(http.send("GET", "/metrics", List.of(auth("Basic " + b64("other:" + PASSWORD))))
                            .status())
                    .isEqualTo(401);
            assertThat(failures(s)).containsEntry("bad_credentials", 2.0);
        }
    }

    // ---------------------------------------------------------------------------------------------- password file

    @Test
    void passwordFileWorksEndToEnd(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("password");
        Files.writeString(secret, PASSWORD + "\n", UTF_8); // as written by echo or a Kubernetes Secret
        HeapwatchConfig config = HeapwatchConfig.fromMap(Map.of(
                HeapwatchConfig.CONTAINER_NAME,
                "hostile",
                HeapwatchConfig.METRICS_AUTH_USERNAME,
                USER,
                HeapwatchConfig.METRICS_AUTH_PASSWORD_FILE,
                secret.toString()));
        assertThat(config.toString()).doesNotContain(PASSWORD);
        try (TestServer s = TestServer.start(config);
                RawHttp http = raw(s)) {
            assertThat(http.send("GET", "/metrics", List.of(auth("Basic " + b64(USER + ":" + PASSWORD))))
                            .status())
                    .isEqualTo(200);
            assertThat(http.send("GET", "/metrics", List.of(auth("Basic " + b64(USER + ":" + PASSWORD + "\n"))))
                            .status())
                    .isEqualTo(401);
            assertThat(http.send("GET", "/metrics", List.of(auth("Basic " + b64(USER + ":" + secret))))
                            .status())
                    .isEqualTo(401);
            assertThat(http.send("GET", "/metrics", List.of()).status()).isEqualTo(401);
            // The newline is not part of the password: sent by a client it is a control character, so malformed.
            assertThat(failures(s))
                    .containsEntry("bad_credentials", 1.0)
                    .containsEntry("malformed", 1.0)
                    .containsEntry("missing", 1.0);
        }
    }

    @Test
    void passwordFileWithCrLfIsTrimmedOnceOnly(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("password");
        Files.writeString(secret, PASSWORD + "\r\n", UTF_8);
        HeapwatchConfig config = HeapwatchConfig.fromMap(Map.of(
                HeapwatchConfig.METRICS_AUTH_USERNAME,
                USER,
                HeapwatchConfig.METRICS_AUTH_PASSWORD_FILE,
                secret.toString()));
        assertThat(config.metricsPassword()).isEqualTo(PASSWORD);
        Files.writeString(secret, PASSWORD + "\n\n", UTF_8);
        assertThatThrownBy(() -> HeapwatchConfig.fromMap(Map.of(
                        HeapwatchConfig.METRICS_AUTH_USERNAME,
                        USER,
                        HeapwatchConfig.METRICS_AUTH_PASSWORD_FILE,
                        secret.toString())))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PASSWORD));
    }

    @Test
    void passwordFileErrorsNameTheVariableAndNeverTheSecret(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("password");
        Files.writeString(secret, PASSWORD, UTF_8);
        Path empty = Files.writeString(dir.resolve("empty"), "\n", UTF_8);
        Map<String, Map<String, String>> bad = new LinkedHashMap<>();
        bad.put(
                "both set",
                Map.of(
                        HeapwatchConfig.METRICS_AUTH_USERNAME,
                        USER,
                        HeapwatchConfig.METRICS_AUTH_PASSWORD,
                        PASSWORD,
                        HeapwatchConfig.METRICS_AUTH_PASSWORD_FILE,
                        secret.toString()));
        bad.put(
                "missing file",
                Map.of(
                        HeapwatchConfig.METRICS_AUTH_USERNAME,
                        USER,
                        HeapwatchConfig.METRICS_AUTH_PASSWORD_FILE,
                        dir.resolve("absent").toString()));
        bad.put(
                "directory",
                Map.of(
                        HeapwatchConfig.METRICS_AUTH_USERNAME,
                        USER,
                        HeapwatchConfig.METRICS_AUTH_PASSWORD_FILE,
                        dir.toString()));
        bad.put(
                "empty file",
                Map.of(
                        HeapwatchConfig.METRICS_AUTH_USERNAME,
                        USER,
                        HeapwatchConfig.METRICS_AUTH_PASSWORD_FILE,
                        empty.toString()));
        bad.put("file without user", Map.of(HeapwatchConfig.METRICS_AUTH_PASSWORD_FILE, secret.toString()));
        bad.put("password without user", Map.of(HeapwatchConfig.METRICS_AUTH_PASSWORD, PASSWORD));
        bad.put(
                "password too long",
                Map.of(
                        HeapwatchConfig.METRICS_AUTH_USERNAME,
                        USER,
                        HeapwatchConfig.METRICS_AUTH_PASSWORD,
                        PASSWORD + "x".repeat(300)));
        bad.put(
                "password with control",
                Map.of(
                        HeapwatchConfig.METRICS_AUTH_USERNAME,
                        USER,
                        HeapwatchConfig.METRICS_AUTH_PASSWORD,
                        PASSWORD + "\u0007"));
        for (var e : bad.entrySet()) {
            assertThatThrownBy(() -> HeapwatchConfig.fromMap(e.getValue()))
                    .as(e.getKey())
                    .isInstanceOf(ConfigException.class)
                    .satisfies(x -> {
                        assertThat(x.getMessage())
                                .as(e.getKey())
                                .contains("METRICS_AUTH_")
                                .doesNotContain(PASSWORD);
                        assertThat(((ConfigException) x).rejectedValue())
                                .as(e.getKey())
                                .isNotEqualTo(PASSWORD);
                    });
        }
    }
}
