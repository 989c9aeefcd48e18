package io.heapwatch.testapp;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The evaluation's load, in a JVM of its own as production traffic comes from outside the server: its objects never
 * appear among the server's surviving samples. Uses only the JDK, so its class path is the test classes alone.
 *
 * <p>Arguments: the base URI, the leak's path, the leak requests, the busy requests and the client threads. Each
 * thread alternates a leak request and a busy one until it has sent its share of both. Exits 0 when every request
 * answered 200.
 */
public final class LoadClient {

    private LoadClient() {}

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String leakPath = args[1];
        int leakRequests = Integer.parseInt(args[2]);
        int busyRequests = Integer.parseInt(args[3]);
        int threads = Integer.parseInt(args[4]);
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                futures.add(pool.submit(() -> {
                    int leak = leakRequests / threads;
                    int busy = busyRequests / threads;
                    for (int i = 0; i < Math.max(leak, busy); i++) {
                        if (i < leak) {
                            send(client, base + leakPath);
                        }
                        if (i < busy) {
                            send(client, base + "/busy?i=" + (i + offset));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static void send(HttpClient client, String uri) throws IOException, InterruptedException {
        HttpResponse<Void> r = client.send(
                HttpRequest.newBuilder(URI.create(uri))
                        .timeout(Duration.ofSeconds(60)) // one 10 s timeout failed a batch without writes
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() != 200) {
            throw new IOException(uri + " answered " + r.statusCode());
        }
    }
}
