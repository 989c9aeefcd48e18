package io.heapwatch.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs leak scenarios against the Jetty demo and writes {@code results.md} and {@code results.json}.
 *
 * <pre>
 * java -jar leak-harness/target/leak-harness.jar [--runs 2] [--seconds 150] [--parallel 2]
 *     [--scenarios steady,leak,cache-warm-up,garbage-heavy,leak-noisy]
 *     [--demo-jar examples/jetty-demo/target/heapwatch-jetty-demo.jar] [--out leak-harness/results]
 *     [--no-prime] [--marking]
 * </pre>
 *
 * <p>Each run launches its demo JVM just after a sub-window boundary and primes it (see
 * {@link LoadGenerator#prime}) before the clock starts, so that the demo's start-up falls into the sub-window the
 * detector never reports, as it does at production timing, where that sub-window lasts 2 minutes. Under 20&times;
 * compression the sub-window lasts 6 s, and without priming the start-up growth (the load filling a 64-entry
 * cache over several seconds, G1 sizing itself) spills into the first floors. {@code --no-prime} runs without it.
 * {@code --marking} runs the demo with {@link DemoProcess#MARKING_FLAGS}, so that G1's concurrent cycles and mixed
 * collections reclaim promoted objects that died, as in a heap above its initiating occupancy.
 */
public final class LeakHarness {

    /** Requests per route in the priming burst: enough to fill the scenarios' 64-entry cache. */
    static final int PRIME_REQUESTS = Scenario.SMALL_CACHE_KEYS;

    /**
     * Time from the demo's launch to the end of its priming, with margin (measured: ready after 0.8&ndash;1.7 s,
     * two JVMs starting together; priming 1&ndash;2 s).
     */
    private static final long START_UP_MILLIS = 5_000;

    private LeakHarness() {}

    public static void main(String[] args) throws Exception {
        int runs = 2;
        int seconds = 150;
        int parallel = 2;
        long seed = 42;
        boolean prime = true;
        boolean marking = false;
        List<String> names = Scenario.names();
        Path demoJar = Path.of("examples/jetty-demo/target/heapwatch-jetty-demo.jar");
        Path out = Path.of("leak-harness/results");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--no-prime")) {
                prime = false;
                continue;
            }
            if (args[i].equals("--marking")) {
                marking = true;
                continue;
            }
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(value);
                case "--seconds" -> seconds = Integer.parseInt(value);
                case "--parallel" -> parallel = Integer.parseInt(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--scenarios" -> names = Arrays.asList(value.split(","));
                case "--demo-jar" -> demoJar = Path.of(value);
                case "--out" -> out = Path.of(value);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
            i++;
        }
        if (runs < 1 || runs > 20 || seconds < 30 || seconds > 1800 || parallel < 1 || parallel > 2) {
            throw new IllegalArgumentException("--runs 1..20, --seconds 30..1800, --parallel 1..2");
        }
        long started = System.nanoTime();
        List<Job> jobs = new ArrayList<>();
        for (int r = 1; r <= runs; r++) {
            for (String name : names) {
                jobs.add(new Job(Scenario.named(name, seed + 1000L * r, seconds), r));
            }
        }
        List<RunResult> results = runAll(jobs, seconds, parallel, new Demo(demoJar, prime, marking), out);
        double minutes = (System.nanoTime() - started) / 60e9;
        Files.createDirectories(out);
        String md = Report.markdown(
                results,
                seconds,
                runs,
                Report.priming(prime)
                        + Report.marking(marking)
                        + String.format(Locale.ROOT, " Wall time %.1f min.", minutes));
        Files.writeString(out.resolve("results.md"), md);
        Files.writeString(out.resolve("results.json"), Report.json(results, seconds, runs, minutes));
        System.out.println(md);
    }

    record Job(Scenario scenario, int run) {}

    /**
     * How each run's demo JVM is made.
     *
     * @param jar the demo's shaded jar
     * @param prime prime the demo before the clock starts (see {@link LoadGenerator#prime})
     * @param marking run G1 with {@link DemoProcess#MARKING_FLAGS}: a concurrent cycle and mixed collections all
     *     the time, as in a heap that stays above its initiating occupancy
     */
    record Demo(Path jar, boolean prime, boolean marking) {}

    /** Runs the jobs, at most {@code parallel} (1 or 2) demo JVMs at a time. */
    static List<RunResult> runAll(List<Job> jobs, int seconds, int parallel, Demo demo, Path out) throws Exception {
        Path logs = out.resolve("logs");
        Files.createDirectories(logs);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(2, parallel));
        try {
            List<Future<RunResult>> futures = new ArrayList<>();
            for (Job job : jobs) {
                futures.add(pool.submit(() -> runOne(job.scenario(), job.run(), seconds, demo, logs)));
            }
            List<RunResult> results = new ArrayList<>();
            for (Future<RunResult> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Starts a demo JVM, drives it for {@code seconds} while scraping, stops it and scores the run. */
    static RunResult runOne(Scenario scenario, int run, int seconds, Demo demoJvm, Path logDir) {
        String container = scenario.name() + "-" + run;
        Path log = logDir.resolve(container + ".log");
        System.err.printf(Locale.ROOT, "%s start %s run %d (%d s)%n", Instant.now(), scenario.name(), run, seconds);
        if (demoJvm.prime()) {
            try {
                awaitRoomForStartUp(System.currentTimeMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return failedRun(scenario, run, seconds, e);
            }
        }
        long launchMillis = System.currentTimeMillis();
        try (DemoProcess demo = DemoProcess.start(demoJvm.jar(), container, scenario.env(), demoJvm.marking(), log)) {
            LoadGenerator load =
                    new LoadGenerator(demo, scenario.routes(), scenario.fillRoute(), scenario.fillRequests());
            if (demoJvm.prime()) {
                load.prime(PRIME_REQUESTS);
            }
            long start = System.nanoTime();
            long startMillis = System.currentTimeMillis();
            List<Sample> samples;
            List<Long> scrapes;
            int scrapeFailures;
            try (MetricsPoller poller = new MetricsPoller(demo, start)) {
                poller.start();
                load.run(start, seconds);
                samples = poller.samples();
                scrapes = poller.scrapeMillis();
                scrapeFailures = poller.scrapeFailures();
            }
            String error = demo.isAlive() ? null : "demo JVM exited during the run; see " + log;
            RunResult result = new RunResult(
                    scenario,
                    run,
                    seconds,
                    samples,
                    load.totalCompleted(),
                    load.failed(),
                    load.dropped(),
                    load.completed(Scenario.LEAK_LABEL),
                    load.fillCompleteSeconds(),
                    scrapeFailures,
                    error);
            Recording.write(
                    logDir.resolve(container + ".traffic.csv"),
                    result,
                    launchMillis,
                    startMillis,
                    demoJvm.marking(),
                    load,
                    scrapes);
            System.err.printf(
                    Locale.ROOT,
                    "%s done  %s run %d: %s first=%.0fs%n",
                    Instant.now(),
                    scenario.name(),
                    run,
                    result.timeline(),
                    result.firstVerdictSeconds());
            return result;
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return failedRun(scenario, run, seconds, e);
        }
    }

    /** A run that could not be made: no samples, and {@code e} as its error. */
    private static RunResult failedRun(Scenario scenario, int run, int seconds, Exception e) {
        return new RunResult(scenario, run, seconds, List.of(), 0, 0, 0, 0, Double.NaN, 0, e.toString());
    }

    /**
     * Waits, if needed, for the next sub-window boundary, so that a demo launched now is started and primed
     * within one sub-window. At 20&times; compression (6-second sub-windows) that is most launches; at
     * production timing (2 minutes) few.
     */
    static void awaitRoomForStartUp(long nowMillis) throws InterruptedException {
        long wait = waitForStartUp(nowMillis, Math.round(Scaling.SUB_WINDOW_SECONDS * 1000));
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    /** Milliseconds to wait at {@code nowMillis} so that a start-up fits in the rest of a sub-window. */
    static long waitForStartUp(long nowMillis, long subWindowMillis) {
        long left = subWindowMillis - Math.floorMod(nowMillis, subWindowMillis);
        return left >= START_UP_MILLIS ? 0 : left + 20;
    }
}
