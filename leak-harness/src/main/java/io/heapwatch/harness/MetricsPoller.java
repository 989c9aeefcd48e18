package io.heapwatch.harness;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Scrapes {@code /metrics} once a second with basic auth and keeps the leak gauges. */
final class MetricsPoller implements AutoCloseable {

    private final DemoProcess demo;
    private final long startNanos;
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Sample> samples = new ArrayList<>();
    private final List<Long> scrapeMillis = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "harness-metrics");
        t.setDaemon(true);
        return t;
    });
    private int scrapeFailures;

    MetricsPoller(DemoProcess demo, long startNanos) {
        this.demo = demo;
        this.startNanos = startNanos;
    }

    void start() {
        scheduler.scheduleAtFixedRate(this::scrape, 0, 1, TimeUnit.SECONDS);
    }

    private void scrape() {
        double t = (System.nanoTime() - startNanos) / 1e9;
        try {
            HttpResponse<String> r = client.send(demo.metricsRequest(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                fail();
                return;
            }
            Sample s = parse(t, r.body());
            long done = System.currentTimeMillis();
            synchronized (this) {
                samples.add(s);
                scrapeMillis.add(done);
            }
        } catch (IOException e) {
            fail();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void fail() {
        scrapeFailures++;
    }

    static Sample parse(double t, String body) {
        double suspected = Double.NaN;
        double none = Double.NaN;
        double growth = Double.NaN;
        double tte = Double.NaN;
        double live = Double.NaN;
        double max = Double.NaN;
        Map<String, Double> routes = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            String name = brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, space);
            double value = parseValue(line.substring(space + 1).trim());
            switch (name) {
                case "heapwatch_leak_suspected":
                    suspected = value;
                    break;
                case "heapwatch_leak_state":
                    if (line.contains("state=\"none\"")) {
                        none = value;
                    }
                    break;
                case "heapwatch_live_heap_growth_bytes_per_second":
                    growth = value;
                    break;
                case "heapwatch_leak_time_to_exhaustion_seconds":
                    tte = value;
                    break;
                case "heapwatch_live_heap_after_gc_bytes":
                    live = value;
                    break;
                case "heapwatch_live_heap_max_bytes":
                    max = value;
                    break;
                case "heapwatch_leak_route_correlation":
                    String labels = line.substring(brace + 1, line.lastIndexOf('}'));
                    routes.put(label(labels, "method") + " " + label(labels, "uri"), value);
                    break;
                default:
                    break;
            }
        }
        // a run counts as flagged in any verdict state but "none": confirmed, or a rise not confirmed yet
        if (!Double.isNaN(none)) {
            suspected = 1 - none;
        }
        return new Sample(t, suspected, growth, tte, live, max, routes);
    }

    private static double parseValue(String v) {
        switch (v) {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            case "NaN":
                return Double.NaN;
            default:
                try {
                    return Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    return Double.NaN;
                }
        }
    }

    private static String label(String labels, String key) {
        String prefix = key + "=\"";
        int i = labels.startsWith(prefix) ? 0 : labels.indexOf("," + prefix);
        if (i < 0) {
            return "?";
        }
        int from = labels.indexOf('"', i) + 1;
        int to = labels.indexOf('"', from);
        return to < 0 ? "?" : labels.substring(from, to);
    }

    synchronized List<Sample> samples() {
        return new ArrayList<>(samples);
    }

    /** Wall-clock millis of each successful scrape: the demo's filter counts them as {@code GET /metrics}. */
    synchronized List<Long> scrapeMillis() {
        return new ArrayList<>(scrapeMillis);
    }

    synchronized int scrapeFailures() {
        return scrapeFailures;
    }

    @Override
    public void close() throws InterruptedException {
        scheduler.shutdownNow();
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
    }
}
