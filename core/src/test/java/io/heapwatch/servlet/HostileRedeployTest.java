package io.heapwatch.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EventListener;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.junit.jupiter.api.Test;

/**
 * No leaks of its own: a web application using heapwatch is deployed and undeployed many times in one Jetty, each
 * deployment with its own class loader holding its own copy of heapwatch's classes (child-first for
 * {@code io.heapwatch.*}, loaded from {@code core/target/classes}). After each undeployment the deployment's GC tracker
 * hears no more collections, its allocation-sample recording is closed and its temporary directory deleted, its
 * threads have ended, and in the end every deployment's class loader becomes unreachable. A second run does the same
 * with every diagnosis mechanism on (the evidence, the class histogram with its allocation samples, paths to GC
 * roots), several diagnoses per deployment: the recording keeps its disk bounds, no dump outlives its reading, and no
 * event it enabled stays enabled in the JVM once it is undeployed.
 */
class HostileRedeployTest {

    static final int DEPLOYMENTS = Integer.getInteger("heapwatch.hostile.redeployments", 20);

    /** Deployments with the evidence, the class histogram and paths to GC roots all on. */
    static final int ALL_ON_DEPLOYMENTS = Integer.getInteger("heapwatch.hostile.allOnRedeployments", 6);

    /** Diagnoses taken by each deployment with everything on: each dumps, takes a histogram and searches paths. */
    static final int DIAGNOSES = 3;

    static final String RECORDING = "heapwatch-old-object-samples";
    static final String OLD_OBJECT_EVENT = "jdk.OldObjectSample";
    static final String ALLOCATION_EVENT = "jdk.ObjectAllocationSample";

    /** What each diagnosis turns on. */
    enum Mechanisms {
        /** The {@code jdk.OldObjectSample} recording only. */
        EVIDENCE,
        /** The recording, the class histogram (and its {@code jdk.ObjectAllocationSample}) and paths to GC roots. */
        EVERYTHING
    }

    /** Buffers held from a static field while a deployment diagnoses, so that its samples have a path to a root. */
    static final List<byte[]> HELD = new ArrayList<>();

    /** Where the probe's allocations escape to, so that they are not optimized away. */
    static volatile byte[] sink = new byte[0];

    /** Child-first for heapwatch's own classes, parent-first for everything else (servlet API, Micrometer, SLF4J). */
    static final class WebAppLoader extends URLClassLoader {
        WebAppLoader(URL classes, ClassLoader parent) {
            super("webapp", new URL[] {classes}, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("io.heapwatch.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException e) {
                        c = super.loadClass(name, false);
                    }
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }

    /** Installs heapwatch the programmatic way, through the deployment's own classes. */
    static final class InstallingListener implements ServletContextListener {
        private final ClassLoader loader;
        private final String name;
        private final Mechanisms mechanisms;
        Object heapwatch;

        InstallingListener(ClassLoader loader, String name, Mechanisms mechanisms) {
            this.loader = loader;
            this.name = name;
            this.mechanisms = mechanisms;
        }

        @Override
        public void contextInitialized(ServletContextEvent event) {
            try {
                Class<?> configClass = loader.loadClass("io.heapwatch.config.HeapwatchConfig");
                Object builder = configClass.getMethod("builder").invoke(null);
                builder.getClass().getMethod("containerName", String.class).invoke(builder, name);
                builder.getClass()
                        .getMethod("metricsCredentials", String.class, String.class)
                        .invoke(builder, "prom", "it-password-7f3a");
                // the allocation-sample recording runs in these deployments: it must go with them
                Class<?> diagnosisClass = loader.loadClass("io.heapwatch.diagnosis.DiagnosisSettings");
                Object diagnosis = diagnosisClass.getMethod("defaults").invoke(null);
                diagnosis =
                        diagnosisClass.getMethod("withEvidence", boolean.class).invoke(diagnosis, true);
                if (mechanisms == Mechanisms.EVERYTHING) {
                    // the histogram adds jdk.ObjectAllocationSample, the GC roots a cutoff; no rate limit, so that
                    // every diagnosis dumps the recording and takes a histogram
                    diagnosis = diagnosisClass
                            .getMethod("withHistogram", boolean.class)
                            .invoke(diagnosis, true);
                    diagnosis = diagnosisClass
                            .getMethod("withGcRoots", boolean.class)
                            .invoke(diagnosis, true);
                    diagnosis = diagnosisClass
                            .getMethod("withMinInterval", Duration.class)
                            .invoke(diagnosis, Duration.ZERO);
                }
                builder.getClass().getMethod("diagnosis", diagnosisClass).invoke(builder, diagnosis);
                Object config = builder.getClass().getMethod("build").invoke(builder);
                Class<?> heapwatchClass = loader.loadClass("io.heapwatch.servlet.Heapwatch");
                heapwatch = heapwatchClass
                        .getMethod(
                                "install",
                                jakarta.servlet.ServletContext.class,
                                configClass,
                                PrometheusMeterRegistry.class)
                        .invoke(
                                null,
                                event.getServletContext(),
                                config,
                                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void contextDestroyed(ServletContextEvent event) {
            try {
                heapwatch.getClass().getMethod("close").invoke(heapwatch);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            heapwatch = null;
        }
    }

    static Object call(Object target, String method) throws ReflectiveOperationException {
        Method m = target.getClass().getMethod(method);
        return m.invoke(target);
    }

    @Test
    void deployingAndUndeployingManyTimesLeavesNoListenerAndNoClassLoaderBehind() throws Exception {
        redeploy(DEPLOYMENTS, Mechanisms.EVIDENCE);
    }

    @Test
    void withEveryDiagnosisMechanismOnRedeployingLeavesNoRecordingNoFileNoThreadAndNoClassLoaderBehind()
            throws Exception {
        assertThat(otherRecordingsEnabling())
                .as(
                        "recordings of this JVM that enable %s or %s before the test (the check after undeploy needs"
                                + " none)",
                        ALLOCATION_EVENT, OLD_OBJECT_EVENT)
                .isEmpty();
        redeploy(ALL_ON_DEPLOYMENTS, Mechanisms.EVERYTHING);
    }

    private static void redeploy(int deployments, Mechanisms mechanisms) throws Exception {
        URL classes = Heapwatch.class.getProtectionDomain().getCodeSource().getLocation();
        assertThat(classes.getPath())
                .as("heapwatch classes must come from a directory")
                .endsWith("/classes/");
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ContextHandlerCollection contexts = new ContextHandlerCollection();
        server.setHandler(contexts);
        contexts.addHandler(new ServletContextHandler("/ping"));
        server.start();
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < deployments; i++) {
                long t0 = System.nanoTime();
                loaders.add(deployUseAndUndeploy(server, contexts, client, classes, i, mechanisms));
                if (i < 3 || i == deployments - 1) {
                    System.out.printf(
                            "hostile redeploy (%s): deployment %d took %,d ms%n",
                            mechanisms, i, (System.nanoTime() - t0) / 1_000_000);
                }
            }
            long deployMs = (System.nanoTime() - start) / 1_000_000;
            long deadline = System.nanoTime() + 30_000_000_000L;
            int alive;
            int rounds = 0;
            do {
                System.gc();
                Thread.sleep(50);
                rounds++;
                alive = (int) loaders.stream().filter(r -> r.get() != null).count();
            } while (alive > 0 && System.nanoTime() < deadline);
            System.out.printf(
                    "hostile redeploy (%s): %d deployments in %,d ms; class loaders still reachable after %d GC"
                            + " rounds: %d%n",
                    mechanisms, deployments, deployMs, rounds, alive);
            assertThat(alive).as("web app class loaders still reachable").isZero();
        } finally {
            server.stop();
        }
    }

    private static WeakReference<ClassLoader> deployUseAndUndeploy(
            Server server,
            ContextHandlerCollection contexts,
            HttpClient client,
            URL classes,
            int i,
            Mechanisms mechanisms)
            throws Exception {
        Set<Thread> threadsBefore = heapwatchThreads();
        WebAppLoader loader = new WebAppLoader(classes, HostileRedeployTest.class.getClassLoader());
        String path = "/app" + i;
        ServletContextHandler context = new ServletContextHandler(path);
        context.setClassLoader(loader);
        context.addServlet(new ServletHolder(new TestServer.ItemsServlet()), "/api/items/*");
        EventListener listener;
        if (mechanisms == Mechanisms.EVIDENCE && i % 2 == 0) {
            // Declared like web.xml would: heapwatch's own listener, configured from the environment.
            listener = (EventListener) loader.loadClass("io.heapwatch.servlet.HeapwatchServletContextListener")
                    .getDeclaredConstructor()
                    .newInstance();
        } else {
            listener = new InstallingListener(loader, "app" + i, mechanisms);
        }
        context.addEventListener(listener);
        contexts.addHandler(context);
        context.start();
        boolean undeployed = false;
        try {
            Object heapwatch;
            if (listener instanceof InstallingListener l) {
                heapwatch = l.heapwatch;
            } else {
                Field f = listener.getClass().getDeclaredField("heapwatch");
                f.setAccessible(true);
                heapwatch = f.get(listener);
            }
            assertThat(heapwatch.getClass().getClassLoader())
                    .as("each deployment has its own heapwatch")
                    .isSameAs(loader);
            int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
            for (int r = 0; r < 5; r++) {
                assertThat(get(client, port, path + "/api/items/" + r)).isEqualTo(200);
            }
            PrometheusMeterRegistry registry = (PrometheusMeterRegistry) call(heapwatch, "registry");
            assertThat(registry.get("heapwatch.requests.sampled").counter().count())
                    .isEqualTo(5.0);
            Object diagnostics = call(heapwatch, "diagnostics");
            Path recordingDirectory = (Path) call(diagnostics, "recordingDirectoryForTests");
            if (listener instanceof InstallingListener) {
                assertThat(recordingDirectory)
                        .as("the recording's directory while deployed")
                        .isDirectory();
                assertThat(recordings())
                        .as("heapwatch recordings while deployed")
                        .isEqualTo(1);
                if (mechanisms == Mechanisms.EVERYTHING) {
                    diagnoseWithEverythingOn(heapwatch, diagnostics, recordingDirectory, i);
                } else {
                    call(diagnostics, "diagnosis");
                }
            }

            Object tracker = call(heapwatch, "gcTracker");
            long before = (long) call(tracker, "gcCount");
            System.gc();
            waitFor(() -> (long) call(tracker, "gcCount") > before);
            assertThat((long) call(tracker, "gcCount"))
                    .as("the tracker hears collections while deployed")
                    .isGreaterThan(before);

            undeployed = true;
            context.stop();
            contexts.removeHandler(context);
            context.destroy();
            // Jetty keeps an idle keep-alive connection's last request (and through it the context and its class
            // loader) until the connection is reused: reuse it on a context that outlives the deployments.
            assertThat(get(client, port, "/ping/")).isEqualTo(404);

            long closed = (long) call(tracker, "gcCount");
            System.gc();
            System.gc();
            Thread.sleep(100);
            assertThat((long) call(tracker, "gcCount"))
                    .as("deployment " + i + " still hears GC notifications after undeploy")
                    .isEqualTo(closed);
            assertThat(registry.getMeters())
                    .as("deployment " + i + " meters after close")
                    .isEmpty();
            if (recordingDirectory != null) {
                assertThat(recordingDirectory)
                        .as("the recording's directory after undeploy")
                        .doesNotExist();
            }
            assertThat(recordings()).as("heapwatch recordings after undeploy").isZero();
            if (mechanisms == Mechanisms.EVERYTHING) {
                assertThat(otherRecordingsEnabling())
                        .as("recordings that keep %s or %s enabled after undeploy", ALLOCATION_EVENT, OLD_OBJECT_EVENT)
                        .isEmpty();
                Set<String> seen = eventsSeenByAFreshRecording();
                assertThat(seen)
                        .as(
                                "events a fresh recording receives after deployment %d is undeployed: another recording"
                                        + " keeps them enabled",
                                i)
                        .doesNotContain(ALLOCATION_EVENT);
                if (FlightRecorder.getFlightRecorder().getRecordings().stream()
                        .allMatch(r -> RECORDING.equals(r.getName()))) {
                    // the recording's data on disk: its chunks go once no recording holds them (another test's
                    // recording would hold them too)
                    assertThat(repositoryChunks())
                            .as("chunk files in the JFR repository after deployment %d is undeployed", i)
                            .isEmpty();
                }
            }
            // Executors end their threads asynchronously after shutdownNow: a short grace, then none may be left.
            Set<Thread> left = new HashSet<>(heapwatchThreads());
            left.removeAll(threadsBefore);
            int rightAfter = left.size();
            waitFor(() -> {
                Set<Thread> now = heapwatchThreads();
                now.removeAll(threadsBefore);
                return now.isEmpty();
            });
            left = heapwatchThreads();
            left.removeAll(threadsBefore);
            if (rightAfter > 0) {
                System.out.printf(
                        "hostile redeploy (%s): deployment %d had %d heapwatch threads alive right after undeploy, %d"
                                + " after the grace%n",
                        mechanisms, i, rightAfter, left.size());
            }
            assertThat(left)
                    .as("heapwatch threads of deployment %d alive after undeploy", i)
                    .isEmpty();
            return new WeakReference<>(loader);
        } finally {
            if (!undeployed) {
                // a failed check: undeploy anyway, so that the other test starts clean
                context.stop();
                contexts.removeHandler(context);
                context.destroy();
            }
        }
    }

    /**
     * Takes {@link #DIAGNOSES} fresh diagnoses with everything on, each dumping the recording, taking a class histogram
     * and searching paths to GC roots, and checks the recording's bounds and that its dumps are deleted once read.
     */
    private static void diagnoseWithEverythingOn(Object heapwatch, Object diagnostics, Path recordingDirectory, int i)
            throws Exception {
        Recording recording = heapwatchRecording();
        Object config = call(heapwatch, "config");
        Object settings = call(config, "diagnosis");
        Object leakDetection = call(config, "leakDetection");
        Duration window = (Duration) call(leakDetection, "window");
        Duration subWindow = (Duration) call(leakDetection, "subWindow");
        // The recording's disk use is bounded as the settings say (0 would be unbounded).
        assertThat(recording.isToDisk()).as("the recording is kept on disk").isTrue();
        assertThat(recording.getMaxSize())
                .as("the recording's size bound")
                .isPositive()
                .isEqualTo((long) call(settings, "maxRecordingBytes"));
        assertThat(recording.getMaxAge())
                .as("the recording's age bound: the leak window and one sub-window")
                .isEqualTo(window.plus(subWindow));
        assertThat(recording.getSettings())
                .as("the recording with the histogram and paths to GC roots on")
                .containsEntry(ALLOCATION_EVENT + "#enabled", "true")
                .containsEntry(OLD_OBJECT_EVENT + "#cutoff", "1000 ms");
        assertThat(repositoryChunks())
                .as("the recording's chunks in the JFR repository while deployed")
                .isNotEmpty();
        // The check after undeploy would see this event if a recording kept it enabled: it sees it now.
        assertThat(eventsSeenByAFreshRecording())
                .as("events a fresh recording receives while deployment %d runs", i)
                .contains(ALLOCATION_EVENT);

        synchronized (HELD) {
            for (int k = 0; k < 64; k++) {
                HELD.add(new byte[64 * 1024]); // outside a TLAB: sampled
            }
        }
        System.gc(); // the JVM writes only samples allocated before the last collection
        Method take = diagnostics.getClass().getMethod("take", String.class);
        int withPath = 0;
        try {
            for (int k = 0; k < DIAGNOSES; k++) {
                Object d = take.invoke(diagnostics, "request");
                assertThat(d)
                        .as("diagnosis %d of deployment %d (no rate limit)", k, i)
                        .isNotNull();
                Object histogram = call(d, "histogram");
                assertThat(call(histogram, "status"))
                        .as("the class histogram of diagnosis %d: %s", k, call(histogram, "detail"))
                        .isEqualTo("on");
                Object roots = call(d, "gcRoots");
                assertThat(call(roots, "status"))
                        .as("the paths to GC roots of diagnosis %d: %s", k, call(roots, "detail"))
                        .isEqualTo("on");
                assertThat((long) call(roots, "dumpMillis"))
                        .as("diagnosis %d dumped the recording", k)
                        .isNotNegative();
                withPath += (int) call(roots, "samplesWithPath");
                // One dump at a time (dumps are serialized), deleted once read: nothing accumulates.
                try (Stream<Path> files = Files.list(recordingDirectory)) {
                    assertThat(files.map(Path::getFileName).map(Path::toString).toList())
                            .as("files in the recording's directory after diagnosis %d of deployment %d", k, i)
                            .isEmpty();
                }
            }
        } finally {
            synchronized (HELD) {
                HELD.clear();
            }
        }
        assertThat(withPath)
                .as("samples with a path to a GC root over the diagnoses of deployment %d", i)
                .isPositive();
    }

    static long recordings() {
        return FlightRecorder.getFlightRecorder().getRecordings().stream()
                .filter(r -> RECORDING.equals(r.getName()))
                .count();
    }

    static Recording heapwatchRecording() {
        return FlightRecorder.getFlightRecorder().getRecordings().stream()
                .filter(r -> RECORDING.equals(r.getName()))
                .findFirst()
                .orElseThrow();
    }

    /**
     * The running recordings of this JVM whose settings enable the allocation samples or the old-object samples (with
     * whatever cutoff): the JVM enables an event while any running recording asks for it, and searches paths to GC
     * roots for the largest cutoff of the recordings that enable the old-object samples.
     */
    static List<String> otherRecordingsEnabling() {
        List<String> found = new ArrayList<>();
        for (Recording r : FlightRecorder.getFlightRecorder().getRecordings()) {
            if (r.getState() != RecordingState.RUNNING && r.getState() != RecordingState.DELAYED) {
                continue;
            }
            Map<String, String> s = r.getSettings();
            // a cutoff counts while its recording enables the event (the JVM takes the largest of those)
            if ("true".equals(s.get(ALLOCATION_EVENT + "#enabled"))
                    || "true".equals(s.get(OLD_OBJECT_EVENT + "#enabled"))) {
                found.add(r.getName() + " " + s);
            }
        }
        return found;
    }

    /**
     * The names of the events a fresh recording that enables nothing receives while this thread allocates: events are
     * enabled for the whole JVM, so it receives those another running recording enables. ({@code jdk.OldObjectSample}
     * is the exception: it is written only by a dump or stop of a recording that enables it itself, so it and its
     * {@code cutoff} are checked on the recordings' settings, which is how the JVM decides them.)
     */
    static Set<String> eventsSeenByAFreshRecording() throws Exception {
        Path file = Files.createTempFile("hostile-redeploy-probe-", ".jfr");
        try (Recording probe = new Recording()) {
            probe.setName("hostile-redeploy-probe");
            probe.start();
            Instant from = Instant.now();
            long until = System.nanoTime() + 300_000_000L;
            while (System.nanoTime() < until) {
                for (int k = 0; k < 1000; k++) {
                    sink = new byte[1024]; // new TLABs: where allocation samples are taken
                }
                Thread.sleep(1);
            }
            probe.dump(file);
            Set<String> names = new TreeSet<>();
            for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                if (!e.getStartTime().isBefore(from)) {
                    names.add(e.getEventType().getName());
                }
            }
            return names;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The chunk files of the JFR repository, where recordings kept on disk hold their data. */
    static List<Path> repositoryChunks() throws IOException {
        String repository = System.getProperty("jdk.jfr.repository");
        if (repository == null || !Files.isDirectory(Path.of(repository))) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(Path.of(repository))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jfr"))
                    .toList();
        }
    }

    /** The live threads named like heapwatch's ({@code heapwatch-...}). */
    static Set<Thread> heapwatchThreads() {
        Set<Thread> threads = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("heapwatch-")) {
                threads.add(t);
            }
        }
        return threads;
    }

    static int get(HttpClient client, int port, String path) throws Exception {
        return client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitFor(Check check) throws Exception {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (!check.ok() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
