package io.heapwatch.itest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.Testcontainers;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * A real Prometheus server for the tests: the local {@code prometheus} binary when it is on PATH, otherwise the
 * {@code prom/prometheus} image through Testcontainers when a Docker engine is available.
 *
 * <p>The generated configuration uses paths relative to its own directory (Prometheus resolves {@code rule_files}
 * and {@code password_file} against the config file's directory), so the same files work for both backends.
 */
final class PrometheusUnderTest implements AutoCloseable {

    /** Image for the Docker fallback; override with {@code -Dheapwatch.it.prometheus.image=...}. */
    static final String DEFAULT_IMAGE = "prom/prometheus:v2.42.0";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTAINER_CONFIG_DIR = "/etc/prometheus/";

    /** How a Prometheus server can be started here. */
    enum Backend {
        LOCAL_BINARY,
        DOCKER,
        NONE
    }

    private final Backend backend;
    private final String baseUrl;
    private final Process process;
    private final GenericContainer<?> container;
    private final Path log;
    private final Thread shutdownHook;

    private PrometheusUnderTest(
            Backend backend, String baseUrl, Process process, GenericContainer<?> container, Path log) {
        this.backend = backend;
        this.baseUrl = baseUrl;
        this.process = process;
        this.container = container;
        this.log = log;
        this.shutdownHook = new Thread(this::stop, "prometheus-under-test-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The local {@code prometheus} executable on PATH, if any. */
    static Optional<Path> localBinary() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "prometheus");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * The backend to use: {@code -Dheapwatch.it.prometheus.backend=local|docker|none} forces one (e.g. Docker on a
     * machine that also has the binary, or {@code none} to check the skip/fail behaviour); {@code auto} (the
     * default) takes the local binary, then Docker.
     */
    static Backend detectBackend() {
        String forced = System.getProperty("heapwatch.it.prometheus.backend", "auto")
                .trim()
                .toLowerCase(Locale.ROOT);
        switch (forced) {
            case "auto":
            case "":
                break;
            case "local":
                return Backend.LOCAL_BINARY;
            case "docker":
                return Backend.DOCKER;
            case "none":
                return Backend.NONE;
            default:
                throw new IllegalArgumentException(
                        "heapwatch.it.prometheus.backend must be auto, local, docker or none, not " + forced);
        }
        if (localBinary().isPresent()) {
            return Backend.LOCAL_BINARY;
        }
        try {
            if (DockerClientFactory.instance().isDockerAvailable()) {
                return Backend.DOCKER;
            }
        } catch (RuntimeException | LinkageError e) {
            // no usable Docker engine
        }
        return Backend.NONE;
    }

    /**
     * The host:port at which Prometheus, started by {@code backend}, reaches a port that listens on this host's
     * loopback interface.
     */
    static String targetAddress(Backend backend, int hostPort) {
        if (backend == Backend.DOCKER) {
            Testcontainers.exposeHostPorts(hostPort);
            return "host.testcontainers.internal:" + hostPort;
        }
        return "127.0.0.1:" + hostPort;
    }

    /**
     * Starts Prometheus on {@code configDir/prometheus.yml}; every other file in {@code configDir} (rules, password
     * files) is made available next to it. Returns once {@code /-/ready} answers 200.
     */
    static PrometheusUnderTest start(Backend backend, Path configDir, String... extraFlags) throws Exception {
        switch (backend) {
            case LOCAL_BINARY:
                return startLocal(
                        localBinary().orElseThrow(() -> new IllegalStateException("no prometheus on PATH")),
                        configDir,
                        extraFlags);
            case DOCKER:
                return startContainer(configDir, extraFlags);
            default:
                throw new IllegalStateException("no Prometheus backend available");
        }
    }

    private static PrometheusUnderTest startLocal(Path binary, Path configDir, String... extraFlags) throws Exception {
        Path log = configDir.resolve("prometheus.log");
        Exception last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            int port = freeLoopbackPort();
            Path data = Files.createDirectories(configDir.resolve("data-" + attempt));
            List<String> command = new ArrayList<>(List.of(
                    binary.toString(),
                    "--config.file=" + configDir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + data,
                    "--web.listen-address=127.0.0.1:" + port,
                    "--log.level=info"));
            command.addAll(List.of(extraFlags));
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            PrometheusUnderTest prometheus =
                    new PrometheusUnderTest(Backend.LOCAL_BINARY, "http://127.0.0.1:" + port, p, null, log);
            try {
                prometheus.awaitReady(Duration.ofSeconds(60));
                return prometheus;
            } catch (Exception e) {
                // most likely the port was taken between probing and binding: retry on another one
                prometheus.close();
                last = e;
            }
        }
        throw last;
    }

    @SuppressWarnings("resource") // closed in close()
    private static PrometheusUnderTest startContainer(Path configDir, String... extraFlags) throws IOException {
        String image = System.getProperty("heapwatch.it.prometheus.image", DEFAULT_IMAGE);
        List<String> command = new ArrayList<>(List.of(
                "--config.file=" + CONTAINER_CONFIG_DIR + "prometheus.yml",
                "--storage.tsdb.path=/prometheus",
                "--web.listen-address=:9090"));
        command.addAll(List.of(extraFlags));
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image))
                .withExposedPorts(9090)
                .withCommand(command.toArray(new String[0]))
                .waitingFor(Wait.forHttp("/-/ready").forStatusCode(200).withStartupTimeout(Duration.ofSeconds(120)));
        try (var files = Files.list(configDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    // the image runs as nobody: the files must be world-readable inside the container
                    c.withCopyFileToContainer(
                            MountableFile.forHostPath(f, 0644), CONTAINER_CONFIG_DIR + f.getFileName());
                }
            }
        }
        c.start();
        Path log = configDir.resolve("prometheus-container.log");
        return new PrometheusUnderTest(
                Backend.DOCKER, "http://" + c.getHost() + ":" + c.getMappedPort(9090), null, c, log);
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException(
                        "prometheus exited with " + process.exitValue() + "; log:\n" + logTail());
            }
            try {
                HttpResponse<String> r = ItSupport.get(baseUrl + "/-/ready");
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("prometheus not ready within " + timeout + "; log:\n" + logTail());
    }

    Backend backend() {
        return backend;
    }

    String baseUrl() {
        return baseUrl;
    }

    /** The last part of Prometheus' log, for assertion messages. */
    String logTail() {
        if (container != null) {
            String logs = container.getLogs();
            return logs.length() <= 4000 ? logs : "..." + logs.substring(logs.length() - 4000);
        }
        return ItSupport.tail(log, 4000);
    }

    /** GET {@code /api/v1/<path>} and return {@code data}; fails unless {@code status} is {@code success}. */
    JsonNode api(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> r = ItSupport.HTTP.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/" + pathAndQuery))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(r.body());
        if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new IllegalStateException("GET /api/v1/" + pathAndQuery + " -> " + r.statusCode() + ": " + r.body());
        }
        return body.path("data");
    }

    /** An instant query; returns {@code data.result} (throws on a PromQL error). */
    JsonNode query(String promql) throws IOException, InterruptedException {
        return api("query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
                .path("result");
    }

    List<JsonNode> activeTargets(String job) throws IOException, InterruptedException {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode t : api("targets?state=active").path("activeTargets")) {
            if (job.equals(t.path("labels").path("job").asText())) {
                out.add(t);
            }
        }
        return out;
    }

    private synchronized void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        if (container != null && container.isRunning()) {
            container.stop();
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook runs (or ran) stop(), which is idempotent
        }
    }
}
