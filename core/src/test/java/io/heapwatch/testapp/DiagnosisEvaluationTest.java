package io.heapwatch.testapp;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapwatch.config.HeapwatchConfig;
import io.heapwatch.diagnosis.Diagnosis;
import io.heapwatch.diagnosis.DiagnosisSettings;
import io.heapwatch.diagnosis.GcRootPath;
import io.heapwatch.diagnosis.LeakDiagnostics;
import io.heapwatch.diagnosis.LeakingType;
import io.heapwatch.diagnosis.ObjectCountReport;
import io.heapwatch.gc.LiveHeapListener;
import io.heapwatch.servlet.Heapwatch;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * Does a diagnosis name the leak? Each {@link LeakScenario} runs on a real Jetty with heapwatch installed (evidence
 * on, default application-frame rules), with its leak route and a busy route that allocates garbage and churns a
 * bounded cache, from 4 threads of a client in its own JVM ({@link LoadClient}). After two collections a diagnosis is
 * taken and scored: is the first-ranked type the leaking type or its holder, and is its application frame the
 * leaking method?
 *
 * <p>{@code -Dheapwatch.diagnosis.runs=N} sets the repetitions per scenario (2 by default, for CI); the scores, with
 * 95% Wilson intervals, are written to {@code target/diagnosis-evaluation.txt}. {@code LISTENER_BUFFERS} and
 * {@code SMALL_ENTRIES_MAP} were used while building the ranking. {@code THREAD_LOCAL_STATE}, {@code UNBOUNDED_CACHE}
 * and {@code UNDRAINED_LOG} were held out, but their scores were seen before the last change to the ranking (one
 * entry per type and application frame), so only {@code SEEN_IDS} is strictly held out. The test asserts only that
 * the demo's leak is named in at least half of the runs; the other scores are published against the targets,
 * met or not.
 *
 * <p>{@code -Dheapwatch.diagnosis.histogram=true} turns the class histogram on and writes
 * {@code target/diagnosis-evaluation-histogram.txt} with the histograms' pauses. Its ranking was designed after all six
 * scenarios above had been seen; {@code BOXED_IDS}, added after its first version and run only with
 * {@code -Dheapwatch.diagnosis.extraScenarios=true}, was strictly held out for that version only (the shipped rule for
 * unsampled arrays came after its scores). {@code ORDER_LINES} and {@code UNIQUE_TAGS} were written before the
 * allocation sites (the histogram's {@code jdk.ObjectAllocationSample}) were first run and are strictly held out for
 * them. CI runs none of these (2 runs, six scenarios, histogram off).
 *
 * <p>{@code -Dheapwatch.diagnosis.gcRoots=true} turns the search for paths to GC roots on
 * ({@code HEAPWATCH_DIAGNOSIS_GC_ROOTS}), writes {@code target/diagnosis-evaluation-gcroots.txt} and scores two more
 * columns: whether the first-ranked entry has a path, whether that path names the leaking holder (the class of the
 * leaking method, which in every scenario also declares the static field that keeps the leak), and whether the path of
 * the leak's own entry names it when the ranking lists that entry among the first three. Every report also
 * gives the recording's dump time, the diagnosis's duration and the longest stall a thread parking for 0.1 ms saw
 * while the diagnosis ran (the safepoint of the search shows there).
 *
 * <p>{@code -Dheapwatch.diagnosis.objectCount=true} turns the object counts after GC on
 * ({@code HEAPWATCH_DIAGNOSIS_OBJECT_COUNT}), takes a {@code System.gc()} right after the server starts (the first
 * collection that counts objects, as a concurrent cycle before the leak grows would be), writes
 * {@code target/diagnosis-evaluation-objectcount.txt} and scores two more columns: whether the first class of
 * {@code objectCounts}, and whether one of its first three, is the leaking type or one of its holders (by type only:
 * the counts name no frame).
 */
class DiagnosisEvaluationTest {

    static final int RUNS = Integer.getInteger("heapwatch.diagnosis.runs", 2);
    static final int LEAK_REQUESTS = Integer.getInteger("heapwatch.diagnosis.leakRequests", 1500);
    static final int BUSY_REQUESTS = Integer.getInteger("heapwatch.diagnosis.busyRequests", 1500);
    /** {@code -Dheapwatch.diagnosis.histogram=true}: the class histogram on ({@code HEAPWATCH_DIAGNOSIS_HISTOGRAM}). */
    static final boolean HISTOGRAM = Boolean.getBoolean("heapwatch.diagnosis.histogram");
    /** {@code -Dheapwatch.diagnosis.gcRoots=true}: paths to GC roots on ({@code HEAPWATCH_DIAGNOSIS_GC_ROOTS}). */
    static final boolean GC_ROOTS = Boolean.getBoolean("heapwatch.diagnosis.gcRoots");
    /** {@code -Dheapwatch.diagnosis.objectCount=true}: object counts after GC on. */
    static final boolean OBJECT_COUNT = Boolean.getBoolean("heapwatch.diagnosis.objectCount");
    /**
     * {@code -Dheapwatch.diagnosis.writeMillis=N}: the interval between writes of the samples
     * ({@link DiagnosisSettings#writeInterval()}), 0 for none. The default, 100 ms, gives a run of a few seconds about
     * 20 writes, the order of the 30 that the production default of a minute gives the default 30-minute window; the
     * collections and the sampler's turnover between writes are not matched.
     */
    static final long WRITE_MILLIS_SETTING = Long.getLong("heapwatch.diagnosis.writeMillis", 100);

    static final java.util.concurrent.atomic.AtomicLong WRITES = new java.util.concurrent.atomic.AtomicLong();
    static final java.util.concurrent.atomic.AtomicLong WRITE_MILLIS = new java.util.concurrent.atomic.AtomicLong();

    /** {@code -Dheapwatch.diagnosis.extraScenarios=true}: also the scenarios added after the histogram ranking. */
    static final boolean EXTRA = Boolean.getBoolean("heapwatch.diagnosis.extraScenarios");

    static List<LeakScenario> scenarios() {
        return java.util.Arrays.stream(LeakScenario.values())
                .filter(s -> EXTRA || !s.extra)
                .toList();
    }

    record Score(
            LeakScenario scenario,
            int run,
            boolean typeFirst,
            boolean typeInTopThree,
            boolean frameRight,
            String top,
            String frame,
            long histogramPauseMillis,
            boolean hasPath,
            boolean holderInPath,
            boolean holderInLeakPath,
            String path,
            long dumpMillis,
            long searchMillis,
            long durationMillis,
            long stallMillis,
            boolean countsFirst,
            boolean countsInTopThree,
            String counts) {}

    @Test
    void theLeakingTypeIsRankedFirstAndItsFrameIsTheLeakingMethod() throws Exception {
        List<Score> scores = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            for (LeakScenario scenario : scenarios()) {
                scores.add(runOnce(scenario, run));
            }
        }
        StringBuilder report = new StringBuilder();
        report.append(String.format(
                Locale.ROOT,
                "diagnosis evaluation: %d runs per scenario, %d leak + %d busy requests per run, histogram %s,"
                        + " gc roots %s, object counts %s, max heap %d MiB, %s %s%n",
                RUNS,
                LEAK_REQUESTS,
                BUSY_REQUESTS,
                HISTOGRAM ? "on" : "off",
                GC_ROOTS ? "on" : "off",
                OBJECT_COUNT ? "on" : "off",
                Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version")));
        for (LeakScenario s : scenarios()) {
            List<Score> of = scores.stream().filter(x -> x.scenario() == s).toList();
            report.append(line(s.name() + (s.extra ? " (new)" : s.tuning ? " (tuning)" : " (held out)"), of));
        }
        report.append(line(
                "all held out",
                scores.stream().filter(x -> !x.scenario().tuning).toList()));
        report.append(line("all", scores));
        if (HISTOGRAM) {
            long[] pauses = scores.stream()
                    .mapToLong(Score::histogramPauseMillis)
                    .sorted()
                    .toArray();
            report.append(String.format(
                    Locale.ROOT,
                    "histogram pause (the diagnosis's gcClassHistogram, a full collection): p50 %d ms, max %d ms over %d"
                            + " diagnoses%n",
                    pauses[pauses.length / 2],
                    pauses[pauses.length - 1],
                    pauses.length));
        }
        report.append(String.format(
                Locale.ROOT,
                "writes of the samples every %d ms: %d in %d runs, %.1f ms each on average%n",
                WRITE_MILLIS_SETTING,
                WRITES.get(),
                scores.size(),
                WRITES.get() == 0 ? 0.0 : (double) WRITE_MILLIS.get() / WRITES.get()));
        report.append(millis("recording dump (wall time of Recording.dump)", scores, Score::dumpMillis));
        report.append(millis("JVM's path search (the events' duration)", scores, Score::searchMillis));
        report.append(millis("diagnosis duration", scores, Score::durationMillis));
        report.append(millis("longest stall of a parked thread during the diagnosis", scores, Score::stallMillis));
        for (Score x : scores) {
            report.append(String.format(
                    Locale.ROOT, "  %s run %d: top %s frame %s%n", x.scenario(), x.run(), x.top(), x.frame()));
            if (GC_ROOTS) {
                report.append("    path ").append(x.path()).append('\n');
            }
            if (OBJECT_COUNT) {
                report.append("    object counts ").append(x.counts()).append('\n');
            }
        }
        System.out.print(report);
        Path out = Path.of(
                "target",
                "diagnosis-evaluation" + (HISTOGRAM ? "-histogram" : "") + (GC_ROOTS ? "-gcroots" : "")
                        + (OBJECT_COUNT ? "-objectcount" : "") + ".txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString(), StandardCharsets.UTF_8);

        // The demo's leak (request-sized buffers) must be named in at least half of the runs (a published run at
        // load average 11 missed it with the shipped ranking: 6 samples, all of the busy route); the scores of the
        // others are published (leak-harness/results/diagnosis-evaluation.md; the targets in docs/leak-detection.md,
        // "Naming the leak"), met or not.
        List<Score> demo = scores.stream()
                .filter(x -> x.scenario() == LeakScenario.LISTENER_BUFFERS)
                .toList();
        long named = demo.stream().filter(x -> x.typeFirst() && x.frameRight()).count();
        assertThat(2 * named)
                .as("the demo's leak named in at least half of the runs\n" + report)
                .isGreaterThanOrEqualTo(demo.size());
    }

    static String line(String name, List<Score> of) {
        int n = of.size();
        int types = (int) of.stream().filter(Score::typeFirst).count();
        int frames = (int) of.stream().filter(Score::frameRight).count();
        int three = (int) of.stream().filter(Score::typeInTopThree).count();
        double[] t = wilson(types, n);
        double[] h = wilson(three, n);
        double[] f = wilson(frames, n);
        String paths = "";
        if (GC_ROOTS) {
            int withPath = (int) of.stream().filter(Score::hasPath).count();
            int holder = (int) of.stream().filter(Score::holderInPath).count();
            int leakHolder = (int) of.stream().filter(Score::holderInLeakPath).count();
            double[] p = wilson(withPath, n);
            double[] hp = wilson(holder, n);
            double[] lp = wilson(leakHolder, n);
            paths = String.format(
                    Locale.ROOT,
                    "  path %d/%d [%.2f, %.2f]  holder in path %d/%d [%.2f, %.2f]  holder in leak's path (top 3)"
                            + " %d/%d [%.2f, %.2f]",
                    withPath,
                    n,
                    p[0],
                    p[1],
                    holder,
                    n,
                    hp[0],
                    hp[1],
                    leakHolder,
                    n,
                    lp[0],
                    lp[1]);
        }
        if (OBJECT_COUNT) {
            int first = (int) of.stream().filter(Score::countsFirst).count();
            int counted = (int) of.stream().filter(Score::countsInTopThree).count();
            double[] o = wilson(first, n);
            double[] c = wilson(counted, n);
            paths += String.format(
                    Locale.ROOT,
                    "  object counts first %d/%d [%.2f, %.2f]  in object counts (top 3) %d/%d [%.2f, %.2f]",
                    first,
                    n,
                    o[0],
                    o[1],
                    counted,
                    n,
                    c[0],
                    c[1]);
        }
        return String.format(
                Locale.ROOT,
                "%-30s type first %d/%d [%.2f, %.2f]  in top 3 %d/%d [%.2f, %.2f]  frame right %d/%d [%.2f, %.2f]%s%n",
                name,
                types,
                n,
                t[0],
                t[1],
                three,
                n,
                h[0],
                h[1],
                frames,
                n,
                f[0],
                f[1],
                paths);
    }

    static String millis(String name, List<Score> of, java.util.function.ToLongFunction<Score> value) {
        long[] v = of.stream().mapToLong(value).filter(x -> x >= 0).sorted().toArray();
        if (v.length == 0) {
            return String.format(Locale.ROOT, "%s: none%n", name);
        }
        return String.format(
                Locale.ROOT,
                "%s: p50 %d ms, p90 %d ms, max %d ms over %d diagnoses%n",
                name,
                v[v.length / 2],
                v[Math.min(v.length - 1, (int) Math.ceil(v.length * 0.9) - 1)],
                v[v.length - 1],
                v.length);
    }

    /** The longest gap a thread parking for 0.1 ms at a time sees: a safepoint stops it with the others. */
    static final class StallMeter implements AutoCloseable {
        private volatile boolean stop;
        private long maxNanos;
        private final Thread thread;

        StallMeter() {
            thread = new Thread(
                    () -> {
                        long last = System.nanoTime();
                        long max = 0;
                        while (!stop) {
                            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                            long now = System.nanoTime();
                            max = Math.max(max, now - last);
                            last = now;
                        }
                        maxNanos = max;
                    },
                    "stall-meter");
            thread.setDaemon(true);
            thread.start();
        }

        long maxMillis() {
            return maxNanos / 1_000_000;
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join();
        }
    }

    /** The 95% Wilson score interval of {@code k} successes in {@code n} trials. */
    static double[] wilson(int k, int n) {
        if (n == 0) {
            return new double[] {0, 1};
        }
        double z = 1.959963984540054;
        double p = (double) k / n;
        double denominator = 1 + z * z / n;
        double centre = (p + z * z / (2 * n)) / denominator;
        double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / denominator;
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }

    static Score runOnce(LeakScenario scenario, int run) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new LeakScenario.LeakServlet(scenario)), scenario.path);
        context.addServlet(new ServletHolder(new LeakScenario.BusyServlet()), "/busy");
        HeapwatchConfig config = HeapwatchConfig.builder()
                .containerName("eval")
                .metricsCredentials("prom", "eval-password")
                .diagnosis(DiagnosisSettings.defaults()
                        .withEvidence(true)
                        .withMinInterval(Duration.ZERO)
                        .withHistogram(HISTOGRAM)
                        .withGcRoots(GC_ROOTS)
                        .withObjectCount(OBJECT_COUNT)
                        .withWriteInterval(Duration.ofMillis(WRITE_MILLIS_SETTING)))
                .build();
        Heapwatch heapwatch = Heapwatch.install(
                context.getServletContext(), config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        server.setHandler(context);
        server.start();
        RequestedCollections requested = new RequestedCollections();
        heapwatch.gcTracker().addListener(requested);
        try {
            if (OBJECT_COUNT) {
                System.gc(); // the first collection that counts objects within the recording
            }
            load("http://127.0.0.1:" + connector.getLocalPort(), scenario.path, scenario.name() + "-" + run);
            collect(requested);
            Thread.sleep(100);
            collect(requested);
            Thread.sleep(100);
            LeakDiagnostics diagnostics = heapwatch.diagnostics();
            Diagnosis d;
            StallMeter stall = new StallMeter();
            try {
                Thread.sleep(50);
                d = diagnostics.take("request");
                long[] w = diagnostics.writesForTests();
                WRITES.addAndGet(w[0]);
                WRITE_MILLIS.addAndGet(w[1]);

            } finally {
                stall.close();
            }
            assertThat(d).isNotNull();
            assertThat(d.gcRoots().status()).isEqualTo(GC_ROOTS ? "on" : "off");
            assertThat(d.evidence()).isEqualTo("on");
            assertThat(d.histogram().status()).isEqualTo(HISTOGRAM ? "on" : "off");
            String top = d.types().isEmpty() ? "(none)" : d.types().get(0).type();
            LeakingType first = d.types().isEmpty() ? null : d.types().get(0);
            String frame = first == null ? "" : first.applicationFrame();
            boolean typeFirst = first != null && scenario.names(first);
            boolean inTopThree = d.types().stream().limit(3).anyMatch(scenario::names);
            boolean frameRight = frame.startsWith(scenario.leakingMethod + ":");
            GcRootPath path = first == null ? null : first.pathToRoot();
            String holder = scenario.leakingMethod.substring(0, scenario.leakingMethod.lastIndexOf('.'));
            boolean holderInPath = namesHolder(path, holder);
            // the path of the leak's own entry when the ranking lists it among the first three
            LeakingType leak = d.types().stream()
                    .limit(3)
                    .filter(scenario::names)
                    .findFirst()
                    .orElse(null);
            boolean holderInLeakPath = leak != null && namesHolder(leak.pathToRoot(), holder);
            ObjectCountReport counts = d.objectCounts();
            assertThat(counts == null).isEqualTo(!OBJECT_COUNT);
            List<ObjectCountReport.ObjectCountClass> countedTop = counts == null
                    ? List.of()
                    : counts.classes().subList(0, Math.min(3, counts.classes().size()));
            boolean countsFirst = !countedTop.isEmpty()
                    && scenario.expectedTypes.contains(countedTop.get(0).type());
            boolean countsInTopThree = countedTop.stream().anyMatch(c -> scenario.expectedTypes.contains(c.type()));
            StringBuilder countsText = new StringBuilder();
            if (counts != null) {
                countsText.append(counts.collections()).append(" collections:");
                for (ObjectCountReport.ObjectCountClass c : countedTop) {
                    countsText
                            .append(' ')
                            .append(c.type())
                            .append(" +")
                            .append(c.growthBytes() >> 10)
                            .append(" KiB");
                }
            }
            return new Score(
                    scenario,
                    run,
                    typeFirst,
                    inTopThree,
                    frameRight,
                    top + " (" + d.samplesUsed() + "/" + d.samplesRead() + " samples)",
                    frame,
                    d.histogram().pauseMillis(),
                    path != null,
                    holderInPath,
                    holderInLeakPath,
                    path == null ? "(none)" : path.text(),
                    d.gcRoots().dumpMillis(),
                    d.gcRoots().searchMillis(),
                    d.durationMillis(),
                    stall.maxMillis(),
                    countsFirst,
                    countsInTopThree,
                    countsText.toString());
        } finally {
            heapwatch.gcTracker().removeListener(requested);
            server.stop();
            heapwatch.close();
            scenario.reset();
            LeakScenario.BusyServlet.clear();
        }
    }

    /** Whether a path names the holder class: as a holding object's class or as a static field's class. */
    static boolean namesHolder(@org.jspecify.annotations.Nullable GcRootPath path, String holder) {
        return path != null
                && path.links().stream()
                        .anyMatch(
                                l -> l.holder().equals(holder) || l.declaredBy().equals(holder));
    }

    /**
     * Counts the requested collections heapwatch's tracker reports. Registered after the diagnosis's own history, so a
     * count it reaches means the history has that collection too (listeners are called in order).
     */
    static final class RequestedCollections implements LiveHeapListener {
        private final AtomicLong count = new AtomicLong();

        @Override
        public void onLiveHeap(long epochMillis, long liveBytes, long maxBytes) {}

        @Override
        public void onLiveHeap(
                long epochMillis, long liveBytes, long maxBytes, boolean reclaimedLongLived, boolean requested) {
            if (requested) {
                count.incrementAndGet();
            }
        }
    }

    /**
     * A {@code System.gc()}, waiting until heapwatch's diagnosis has seen it: a diagnosis ranks the samples alive after
     * the last two collections it saw, and the notifications come on the JVM's own thread.
     */
    static void collect(RequestedCollections seen) throws InterruptedException {
        long before = seen.count.get();
        System.gc();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seen.count.get() <= before && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(seen.count.get()).as("requested collections seen").isGreaterThan(before);
    }

    /**
     * Sends the run's requests from a {@link LoadClient} in a JVM of its own, so that the client's objects are not
     * among the server's survivors (until 2026-12-03 the client ran in this JVM, and its survivors, named by this
     * class's frames, were ranked first in some runs).
     */
    static void load(String base, String leakPath, String name) throws IOException, InterruptedException {
        String javaCommand =
                Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classes;
        try {
            classes = Path.of(LoadClient.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        Path log = Path.of("target", "load-client", name + ".log");
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(
                        javaCommand,
                        "-Xmx128m",
                        "-cp",
                        classes,
                        LoadClient.class.getName(),
                        base,
                        leakPath,
                        Integer.toString(LEAK_REQUESTS),
                        Integer.toString(BUSY_REQUESTS),
                        "4")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                throw new IOException("the load client did not finish in 10 minutes; its output: " + log);
            }
            assertThat(p.exitValue())
                    .as("the load client's exit status; its output:%n%s", Files.readString(log))
                    .isZero();
        } finally {
            p.destroyForcibly();
        }
    }
}
