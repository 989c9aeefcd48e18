package io.heapwatch.harness;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Open-loop, rate-controlled load: every 50 ms each route earns {@code rate × 0.05} request credits and spends
 * whole ones. Requests run on a small fixed pool with a bounded queue; when the demo falls behind, requests are
 * dropped and counted instead of queued without bound. The run is bounded by time and by a total request cap.
 */
final class LoadGenerator {

    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long MAX_REQUESTS = 2_000_000;

    private final DemoProcess demo;
    private final List<RouteLoad> routes;
    private final HttpClient client;
    private final AtomicLongArray sent;
    private final AtomicLongArray completed;
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong primed = new AtomicLong();
    private final long fillRequests;
    private final int fillRoute;
    private volatile long startNanos;
    private volatile double fillCompleteSeconds = Double.NaN;
    private final List<long[]> completions = new ArrayList<>();

    LoadGenerator(DemoProcess demo, List<RouteLoad> routes, String fillRouteLabel, long fillRequests) {
        this.demo = demo;
        this.routes = routes;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        this.sent = new AtomicLongArray(routes.size());
        this.completed = new AtomicLongArray(routes.size());
        int fill = -1;
        for (int i = 0; i < routes.size(); i++) {
            if (routes.get(i).label().equals(fillRouteLabel)) {
                fill = i;
            }
        }
        this.fillRoute = fill;
        this.fillRequests = fillRequests;
    }

    /**
     * Sends the first {@code perRoute} requests of every route except the leaking route and the cache fill, as
     * fast as six connections allow, before the clock starts: the demo's start-up (its small cache, its per-route
     * meters, G1's first sizing under load), not the behaviour under test. Blocks until they complete. The
     * routes' request numbers go on from there, so the scenario's own requests follow them.
     */
    void prime(int perRoute) throws InterruptedException {
        ThreadPoolExecutor pool = pool(perRoute * routes.size());
        try {
            for (int i = 0; i < routes.size(); i++) {
                String label = routes.get(i).label();
                if (i == fillRoute || label.equals(Scenario.LEAK_LABEL)) {
                    continue;
                }
                for (int n = 0; n < perRoute; n++) {
                    int route = i;
                    HttpRequest request = request(route);
                    pool.execute(() -> {
                        if (send(route, request)) {
                            primed.incrementAndGet();
                        }
                    });
                }
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(60, TimeUnit.SECONDS);
            pool.shutdownNow();
        }
    }

    /** Runs the load for {@code seconds}, starting the clock at {@code startNanos}. Blocks until done. */
    void run(long startNanos, int seconds) throws InterruptedException {
        this.startNanos = startNanos;
        ThreadPoolExecutor pool = pool(400);
        double[] credit = new double[routes.size()];
        long total = 0;
        long end = startNanos + TimeUnit.SECONDS.toNanos(seconds);
        long next = startNanos;
        try {
            while (next < end && total < MAX_REQUESTS && demo.isAlive()) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                double t = (next - startNanos) / 1e9;
                for (int i = 0; i < routes.size(); i++) {
                    credit[i] += routes.get(i).rateAt().applyAsDouble(t) * TICK_NANOS / 1e9;
                    while (credit[i] >= 1) {
                        credit[i] -= 1;
                        total++;
                        submit(pool, i);
                    }
                }
                next += TICK_NANOS;
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(15, TimeUnit.SECONDS);
            pool.shutdownNow();
        }
    }

    private static ThreadPoolExecutor pool(int queue) {
        return new ThreadPoolExecutor(6, 6, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, "harness-load");
            t.setDaemon(true);
            return t;
        });
    }

    private HttpRequest request(int route) {
        long n = sent.getAndIncrement(route);
        return HttpRequest.newBuilder(demo.uri(routes.get(route).path().apply(n)))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
    }

    private void submit(ThreadPoolExecutor pool, int route) {
        HttpRequest request = request(route);
        try {
            pool.execute(() -> {
                if (send(route, request)) {
                    long done = completed.incrementAndGet(route);
                    if (route == fillRoute && done == fillRequests) {
                        fillCompleteSeconds = (System.nanoTime() - startNanos) / 1e9;
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            dropped.incrementAndGet();
        }
    }

    /** Sends one request and records its completion; false (and counted as failed) unless it returned 200. */
    private boolean send(int route, HttpRequest request) {
        try {
            HttpResponse<Void> r = client.send(request, HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() != 200) {
                failed.incrementAndGet();
                return false;
            }
            long wallMillis = System.currentTimeMillis();
            synchronized (completions) {
                completions.add(new long[] {wallMillis, route});
            }
            return true;
        } catch (java.io.IOException e) {
            failed.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /**
     * Writes every completed request as {@code epochMillis,label}, one per line, for offline replays.
     */
    void writeCompletions(java.io.Writer out) throws java.io.IOException {
        synchronized (completions) {
            for (long[] c : completions) {
                out.write(c[0] + "," + routes.get((int) c[1]).label() + "\n");
            }
        }
    }

    long completed(String label) {
        for (int i = 0; i < routes.size(); i++) {
            if (routes.get(i).label().equals(label)) {
                return completed.get(i);
            }
        }
        return 0;
    }

    long totalCompleted() {
        long sum = 0;
        for (int i = 0; i < routes.size(); i++) {
            sum += completed.get(i);
        }
        return sum;
    }

    /** Requests completed by {@link #prime}. */
    long primed() {
        return primed.get();
    }

    long failed() {
        return failed.get();
    }

    long dropped() {
        return dropped.get();
    }

    /** Harness seconds at which the cache-filling route completed its last filling request, NaN if never. */
    double fillCompleteSeconds() {
        return fillCompleteSeconds;
    }
}
