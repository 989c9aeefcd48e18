package io.heapwatch.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The Jetty demo in its own JVM: {@code java -Xmx256m -XX:+UseG1GC -jar heapwatch-jetty-demo.jar}, with
 * {@link #MARKING_FLAGS} for {@code --marking} runs.
 */
final class DemoProcess implements AutoCloseable {

    static final String USER = "harness";

    /**
     * G1 flags for the harness's {@code --marking} runs. The demo's old generation (about 8 MiB of 256) never
     * reaches G1's initiating occupancy, so no concurrent cycle runs and promoted objects that died are never
     * reclaimed. These flags start a cycle after every young collection that finds more than 1% of the heap in use,
     * and let the mixed collections that follow take every old region, so the floors see what a heap above its
     * initiating occupancy sees. {@code -Xms} keeps G1 from shrinking the heap at each remark, so the young
     * generation, and with it the number of collections per sub-window, stays as without the flags.
     */
    static final List<String> MARKING_FLAGS = List.of(
            "-Xms" + Scaling.HEAP_MIB + "m",
            "-XX:-G1UseAdaptiveIHOP",
            "-XX:InitiatingHeapOccupancyPercent=1",
            "-XX:G1HeapWastePercent=0",
            "-XX:+UnlockExperimentalVMOptions",
            "-XX:G1MixedGCLiveThresholdPercent=100");

    private final Process process;
    private final int port;
    private final String authorization;

    private DemoProcess(Process process, int port, String password) {
        this.process = process;
        this.port = port;
        this.authorization =
                "Basic " + Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static DemoProcess start(Path demoJar, String container, Map<String, String> extraEnv, boolean marking, Path log)
            throws IOException, InterruptedException {
        int port = freeLoopbackPort();
        String password = UUID.randomUUID().toString();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + Scaling.HEAP_MIB + "m", "-XX:+UseG1GC"));
        if (marking) {
            command.addAll(MARKING_FLAGS);
        }
        command.addAll(List.of(
                // the heap lines after each GC and wall-clock millis let Replay re-run the analysis offline
                "-Xlog:gc,gc+heap=debug:file=" + log.toAbsolutePath() + ".gc:timemillis,tags",
                "-jar",
                demoJar.toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put("SERVER_PORT", Integer.toString(port));
        env.put("SERVER_ADDRESS", "127.0.0.1");
        env.put("METRICS_AUTH_USERNAME", USER);
        env.put("METRICS_AUTH_PASSWORD", password);
        env.put("CONTAINER_NAME", container);
        env.put("HEAPWATCH_LEAK_WINDOW", Scaling.WINDOW);
        env.put("HEAPWATCH_LEAK_SUB_WINDOWS", Integer.toString(Scaling.SUB_WINDOWS));
        env.putAll(extraEnv);
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        DemoProcess demo = new DemoProcess(pb.start(), port, password);
        try {
            demo.awaitReady(Duration.ofSeconds(60));
        } catch (IOException | RuntimeException | InterruptedException e) {
            demo.close();
            throw e;
        }
        return demo;
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("demo JVM exited with " + process.exitValue() + " before it was ready");
            }
            try {
                HttpResponse<Void> r = client.send(metricsRequest(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IOException("demo JVM not ready within " + timeout);
    }

    HttpRequest metricsRequest() {
        return HttpRequest.newBuilder(uri("/metrics"))
                .timeout(Duration.ofSeconds(5))
                .header("Authorization", authorization)
                .GET()
                .build();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
