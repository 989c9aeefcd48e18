package io.heapwatch.examples.springboot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;

/** Talks to the demo over real HTTP and reads the Prometheus text it serves. */
final class DemoClient {

    static final String USER = "demo";
    static final String PASSWORD = "demo-password";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    DemoClient(int port) {
        this.base = "http://localhost:" + port;
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    HttpResponse<String> post(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    HttpResponse<String> delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    HttpResponse<String> get(String path, String authorization) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", authorization)
                .GET());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** /metrics with the right credentials; fails unless it answers 200. */
    String metrics() {
        HttpResponse<String> r = get("/metrics", basic(USER, PASSWORD));
        if (r.statusCode() != 200) {
            throw new AssertionError("/metrics answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /** /actuator/prometheus with heapwatch's credentials, which guard it too; fails unless it answers 200. */
    String actuatorPrometheus() {
        HttpResponse<String> r = get("/actuator/prometheus", basic(USER, PASSWORD));
        if (r.statusCode() != 200) {
            throw new AssertionError("/actuator/prometheus answered " + r.statusCode());
        }
        return r.body();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The sample lines (no comments) of a metric, for example {@code heapwatch_requests_sampled_total}. */
    static List<String> samples(String exposition, String metric) {
        List<String> lines = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** The value of the one sample of {@code metric} whose line contains every fragment; NaN when there is none. */
    static double value(String exposition, String metric, String... fragments) {
        Predicate<String> matches = line -> {
            for (String f : fragments) {
                if (!line.contains(f)) {
                    return false;
                }
            }
            return true;
        };
        List<String> found = new ArrayList<>();
        for (String line : samples(exposition, metric)) {
            if (matches.test(line)) {
                found.add(line);
            }
        }
        if (found.isEmpty()) {
            return Double.NaN;
        }
        if (found.size() > 1) {
            throw new AssertionError("more than one sample matches: " + found);
        }
        String line = found.get(0);
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    /** How many sample lines of heapwatch's a response body holds. */
    static long heapwatchLines(String body) {
        return body.lines().filter(line -> line.startsWith("heapwatch_")).count();
    }

    /** Series identities (name and labels, no value) of every heapwatch sample line. */
    static List<String> heapwatchSeries(String exposition) {
        List<String> series = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            if (line.startsWith("heapwatch_")) {
                series.add(line.substring(0, line.lastIndexOf(' ')));
            }
        }
        return series;
    }

    /** Retries {@code check} for up to 10 seconds: a request is recorded just after its response is sent. */
    static void eventually(Runnable check) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                check.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
