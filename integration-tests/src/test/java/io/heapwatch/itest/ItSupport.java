package io.heapwatch.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapwatch.examples.jetty.JettyDemo;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Shared helpers: where the repository is, the demo's environment, HTTP calls and traffic. */
final class ItSupport {

    static final String USERNAME = "prometheus";
    static final String CONTAINER = "heapwatch-itest";
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static final SecureRandom RANDOM = new SecureRandom();

    private ItSupport() {}

    /** The repository root (set by the POM; falls back to the module's parent directory). */
    static Path repoRoot() {
        Path root = Path.of(System.getProperty("heapwatch.repo.root", ".."))
                .toAbsolutePath()
                .normalize();
        assertThat(root.resolve("docs/monitoring/heapwatch-alerts.yml"))
                .as("repository root %s (system property heapwatch.repo.root)", root)
                .isRegularFile();
        return root;
    }

    static Path monitoringDir() {
        return repoRoot().resolve("docs/monitoring");
    }

    /** A fresh random password: URL-safe base64, so no ':' and no control characters. */
    static String randomPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The demo's environment on loopback, with credentials when {@code password} is not null. */
    static Map<String, String> demoEnv(String password) {
        Map<String, String> env = new HashMap<>();
        env.put("SERVER_ADDRESS", "127.0.0.1");
        env.put("CONTAINER_NAME", CONTAINER);
        env.put("ENABLE_MEMORY_PROFILING", "true");
        env.put("MEMORY_PROFILING_SAMPLE_RATE", "1.0");
        if (password != null) {
            env.put("METRICS_AUTH_USERNAME", USERNAME);
            env.put("METRICS_AUTH_PASSWORD", password);
        }
        return env;
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> getWithBasicAuth(String url, String user, String password)
            throws IOException, InterruptedException {
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Basic " + token)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Calls every demo endpoint once (a small leak, bounded cache, garbage, async) and checks each answers 200. */
    static void driveTraffic(JettyDemo demo, int round) throws IOException, InterruptedException {
        String base = "http://127.0.0.1:" + demo.port();
        String[] paths = {
            "/api/items/" + (round % 5),
            "/api/items/item-" + round,
            "/api/leak?kb=4",
            "/api/cache?key=k" + (round % 3),
            "/api/cache?key=r" + round,
            "/api/garbage?mb=4",
            "/api/async?ms=5",
        };
        for (String path : paths) {
            HttpResponse<String> r = get(base + path);
            assertThat(r.statusCode()).as("GET %s -> %s", path, r.body()).isEqualTo(200);
        }
    }

    /** Garbage requests big enough to need young collections, then explicit full GCs of this (the demo's) JVM. */
    static void induceGcs(JettyDemo demo) throws IOException, InterruptedException {
        String base = "http://127.0.0.1:" + demo.port();
        for (int i = 0; i < 3; i++) {
            assertThat(get(base + "/api/garbage?mb=64").statusCode()).isEqualTo(200);
            System.gc();
        }
    }

    /** The metric names (sample names, e.g. {@code x_total}, {@code x_bucket}) in a text exposition. */
    static Set<String> metricNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }

    /** The demo's own /metrics, scraped with the right credentials. */
    static String scrape(JettyDemo demo, String password) throws IOException, InterruptedException {
        HttpResponse<String> r = getWithBasicAuth("http://127.0.0.1:" + demo.port() + "/metrics", USERNAME, password);
        assertThat(r.statusCode())
                .as("demo /metrics with the right credentials")
                .isEqualTo(200);
        return r.body();
    }

    static String tail(Path file, int maxChars) {
        try {
            String s = Files.readString(file);
            return s.length() <= maxChars ? s : "..." + s.substring(s.length() - maxChars);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    /** True when the CI environment variable says we run in CI (GitHub Actions, GitLab, etc. set CI=true). */
    static boolean inCi() {
        String ci = System.getenv("CI");
        return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false") && !ci.equals("0");
    }
}
