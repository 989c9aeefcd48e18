package io.heapwatch.harness;

import io.heapwatch.leak.Floor;
import io.heapwatch.leak.LeakAssessment;
import io.heapwatch.leak.LeakDetectionSettings;
import io.heapwatch.leak.LeakDetector;
import io.heapwatch.leak.LiveHeapWindow;
import io.heapwatch.leak.RouteSuspect;
import io.heapwatch.leak.RouteTraffic;
import io.heapwatch.leak.RouteVisitor;
import io.heapwatch.leak.TheilSen;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Re-runs the leak analysis of this build on recorded harness runs, without the demo: the after-GC heap from each
 * run's GC log and the per-route traffic from its completed requests drive a {@link LeakDetector#manual manual}
 * detector evaluated on the same schedule as the demo's, and the result is scored and reported exactly like a
 * live run. It reproduces a run's inputs, not its timing noise, so a change to the analysis can be compared on
 * identical data in seconds; a live schedule remains the measurement that counts.
 *
 * <pre>
 * java -cp leak-harness/target/leak-harness.jar:examples/jetty-demo/target/heapwatch-jetty-demo.jar \
 *     io.heapwatch.harness.Replay --dir &lt;out&gt;/logs [--verbose] [--steps] [--out file.md] [--json file.json]
 * </pre>
 *
 * {@code --verbose} prints every evaluation's reasons; {@code --steps} prints, for every leak run, the rise of the
 * floor from each sub-window to the next beside the bytes the leaking route retained in the same interval, which
 * shows growth that is not the leak's, and a {@link TteDecomposition decomposition} of the time to exhaustion's
 * error at the first evaluations of each suspicion.
 *
 * The GC log's "used" after a collection is the whole heap's, which after a young collection is the old
 * generation, the survivors and the class-data-sharing archive regions: the signal plus a constant.
 */
public final class Replay {

    /** The demo's G1 old-generation maximum: the whole heap. */
    private static final long MAX_BYTES = Scaling.HEAP_MIB * 1024L * 1024L;

    private Replay() {}

    public static void main(String[] args) throws Exception {
        Path dir = null;
        Path out = null;
        Path json = null;
        boolean verbose = false;
        boolean steps = false;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--verbose" -> {
                    verbose = true;
                    i--;
                }
                case "--steps" -> {
                    steps = true;
                    i--;
                }
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                case "--json" -> json = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (dir == null) {
            throw new IllegalArgumentException("--dir <harness out>/logs is required");
        }
        List<Recording> recordings = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".traffic.csv")).toList()) {
                recordings.add(Recording.read(f));
            }
        }
        List<String> order = Scenario.names();
        recordings.sort(Comparator.comparingInt(Recording::run).thenComparingInt(r -> order.indexOf(r.scenario())));
        List<RunResult> results = new ArrayList<>();
        int seconds = 0;
        int runs = 0;
        for (Recording r : recordings) {
            List<TteDecomposition> verdicts = new ArrayList<>();
            RunResult result = replay(r, verbose, steps ? verdicts : null);
            results.add(result);
            if (steps && result.scenario.kind() == Scenario.Kind.LEAK) {
                System.err.println(steps(r));
                verdicts.forEach(System.err::println);
            }
            seconds = Math.max(seconds, r.seconds());
            runs = Math.max(runs, r.run());
        }
        boolean primed = recordings.stream().anyMatch(r -> r.primed() > 0);
        boolean marking = recordings.stream().anyMatch(Recording::marking);
        String md = Report.markdown(
                        results,
                        seconds,
                        runs,
                        Report.priming(primed) + Report.marking(marking)
                                + " Replayed from the recordings, not run live.")
                .replace("# Leak scenario harness results", "# Leak scenario harness results, replayed");
        if (out != null) {
            Files.writeString(out, md);
        }
        if (json != null) {
            Files.writeString(json, Report.json(results, seconds, runs, 0));
        }
        System.out.println(md);
    }

    /** Replays one recording through a manual detector and scores it. */
    static RunResult replay(Recording rec, boolean verbose) {
        return replay(rec, verbose, null);
    }

    /**
     * Replays one recording through a manual detector and scores it.
     *
     * @param verdicts when not null, receives a {@link #decompose decomposition} of the time to exhaustion at the
     *     first {@value #DECOMPOSED_EVALUATIONS} evaluations of every suspicion
     */
    static RunResult replay(Recording rec, boolean verbose, @Nullable List<TteDecomposition> verdicts) {
        Scenario scenario = Scenario.named(rec.scenario(), 0, rec.seconds());
        LeakDetectionSettings settings = LeakDetectionSettings.builder()
                .window(Duration.ofSeconds(Scaling.WINDOW_SECONDS))
                .subWindows(Scaling.SUB_WINDOWS)
                .build();
        ReplayClock clock = new ReplayClock();
        ReplayTraffic traffic = new ReplayTraffic(rec);
        LeakDetector detector = LeakDetector.manual(settings, List.of(), traffic, clock);
        // the detector's floors, only for the decomposition: the same samples in a window of the same shape
        LiveHeapWindow floors = verdicts == null ? null : new LiveHeapWindow(settings.window(), settings.subWindows());
        int flaggedEvaluations = 0;
        long sub = settings.subWindow().toMillis();
        long first = rec.gcs().isEmpty() ? rec.startMillis() : rec.gcs().get(0)[0];
        long end = rec.startMillis() + rec.seconds() * 1000L;
        long nextEvaluation = first - Math.floorMod(first, sub) + sub + Math.max(1, sub / 100);
        long nextSample = rec.startMillis();
        int gc = 0;
        long live = -1;
        List<Sample> samples = new ArrayList<>();
        while (nextSample <= end) {
            long nextGc = gc < rec.gcs().size() ? rec.gcs().get(gc)[0] : Long.MAX_VALUE;
            long now = Math.min(nextGc, Math.min(nextEvaluation, nextSample));
            clock.millis = now;
            traffic.now = now;
            if (now == nextGc) {
                live = rec.gcs().get(gc)[1];
                detector.onLiveHeap(now, live, MAX_BYTES);
                if (floors != null) {
                    floors.record(now, live, MAX_BYTES);
                }
                gc++;
            } else if (now == nextEvaluation) {
                LeakAssessment a = detector.evaluate();
                flaggedEvaluations = a.suspected() ? flaggedEvaluations + 1 : 0;
                if (verdicts != null
                        && floors != null
                        && flaggedEvaluations >= 1
                        && flaggedEvaluations <= DECOMPOSED_EVALUATIONS) {
                    verdicts.add(decompose(rec, now, floors.floors(now), a, live));
                }
                if (verbose) {
                    System.err.printf(
                            java.util.Locale.ROOT,
                            "%s-%d t=%.0f %s | %s | %s%n",
                            rec.scenario(),
                            rec.run(),
                            (now - rec.startMillis()) / 1000.0,
                            a.reason(),
                            a.attribution().reason(),
                            a.attribution().suspects().stream()
                                    .map(x -> x.route().uri() + "=" + Math.round(x.retainedBytesPerRequest()))
                                    .toList());
                }
                nextEvaluation += sub;
            } else {
                LeakAssessment a = detector.assessment();
                Map<String, Double> routes = new LinkedHashMap<>();
                if (a.suspected() && a.attribution().attributable()) {
                    for (RouteSuspect s : a.attribution().suspects()) {
                        routes.put(s.route().method() + " " + s.route().uri(), s.correlation());
                    }
                }
                samples.add(new Sample(
                        (now - rec.startMillis()) / 1000.0,
                        a.suspected() ? 1 : 0,
                        a.growthBytesPerSecond(),
                        a.secondsToExhaustion(),
                        live,
                        MAX_BYTES,
                        routes));
                nextSample += 1000;
            }
        }
        detector.close();
        return new RunResult(
                scenario,
                rec.run(),
                rec.seconds(),
                samples,
                rec.fact("requests"),
                rec.fact("failed"),
                rec.fact("dropped"),
                rec.fact("leakCalls"),
                Double.parseDouble(rec.facts().get("fillSeconds")),
                0,
                null);
    }

    /** How many evaluations from the start of each suspicion {@code --steps} decomposes. */
    static final int DECOMPOSED_EVALUATIONS = 3;

    /**
     * The error of one evaluation's time to exhaustion, split in two. One part any estimator would make from these
     * floors' times, because the leaking route's own rate over them differed from its long-run mean (the
     * scenario's traffic variation); it is measured by giving Theil&ndash;Sen "perfect floors", the bytes the
     * leaking route's completed calls had retained at each floor's time. The other part is growth besides the leak
     * (promoted garbage, the floors' noise).
     *
     * @param run the scenario and run, for example {@code leak-noisy-1}
     * @param seconds the evaluation's harness second
     * @param floors the floors analysed
     * @param tteError the time to exhaustion's relative error against the truth
     * @param perfectFloorError the same error with the perfect floors' slope
     * @param leakRateDeviation the perfect floors' slope relative to the leak's mean rate, minus 1
     * @param otherGrowth the floors' slope minus the perfect floors', relative to the leak's mean rate
     */
    record TteDecomposition(
            String run,
            double seconds,
            int floors,
            double tteError,
            double perfectFloorError,
            double leakRateDeviation,
            double otherGrowth) {

        @Override
        public String toString() {
            return String.format(
                    java.util.Locale.ROOT,
                    "%s t=%.0f s: %d floors, time to exhaustion %+.0f%%; from floors holding only the leak %+.0f%%"
                            + " (the leak's own rate over these floors %+.0f%% of its mean); growth besides the leak"
                            + " %+.0f%% of the leak's mean rate",
                    run,
                    seconds,
                    floors,
                    tteError * 100,
                    perfectFloorError * 100,
                    leakRateDeviation * 100,
                    otherGrowth * 100);
        }
    }

    static TteDecomposition decompose(Recording rec, long nowMillis, List<Floor> floors, LeakAssessment a, long live) {
        int n = floors.size();
        double[] x = new double[n];
        double[] leaked = new double[n];
        for (int i = 0; i < n; i++) {
            long t = floors.get(i).epochMillis();
            x[i] = (t - floors.get(0).epochMillis()) / 1000.0;
            leaked[i] = leakCalls(rec, Long.MIN_VALUE, t) * Scaling.LEAK_KIB_PER_CALL * 1024.0;
        }
        double rate = Scaling.LEAK_BYTES_PER_SECOND;
        double leakSlope = TheilSen.slope(x, leaked);
        double truth = (MAX_BYTES - live) / rate;
        double headroom = MAX_BYTES - floors.get(n - 1).liveBytes();
        return new TteDecomposition(
                rec.scenario() + "-" + rec.run(),
                (nowMillis - rec.startMillis()) / 1000.0,
                n,
                a.secondsToExhaustion() / truth - 1,
                headroom / leakSlope / truth - 1,
                leakSlope / rate - 1,
                (a.growthBytesPerSecond() - leakSlope) / rate);
    }

    /** The leaking route's calls that completed in {@code (fromMillis, toMillis]}. */
    private static long leakCalls(Recording rec, long fromMillis, long toMillis) {
        return rec.requests().stream()
                .filter(c -> c.label().equals(Scenario.LEAK_LABEL)
                        && c.epochMillis() > fromMillis
                        && c.epochMillis() <= toMillis)
                .count();
    }

    /**
     * One line per leak run: {@code floor/leak} in KiB for each step between consecutive sub-window floors of the
     * whole run (the startup sub-window excluded, as the detector does), where {@code leak} is what the leaking
     * route's calls completed in that interval retained.
     */
    static String steps(Recording rec) {
        long sub = Math.round(Scaling.SUB_WINDOW_SECONDS * 1000);
        int subWindows = (int) (rec.seconds() * 1000L / sub) + 4;
        LiveHeapWindow window = new LiveHeapWindow(Duration.ofMillis(sub * subWindows), subWindows);
        for (long[] gc : rec.gcs()) {
            window.record(gc[0], gc[1], MAX_BYTES);
        }
        List<Floor> floors = window.floors(rec.startMillis() + rec.seconds() * 1000L + sub);
        StringBuilder b = new StringBuilder(rec.scenario() + "-" + rec.run() + " floor/leak KiB per step:");
        for (int i = 1; i < floors.size(); i++) {
            long calls = leakCalls(
                    rec, floors.get(i - 1).epochMillis(), floors.get(i).epochMillis());
            b.append(' ')
                    .append((floors.get(i).liveBytes() - floors.get(i - 1).liveBytes()) / 1024)
                    .append('/')
                    .append(calls * Scaling.LEAK_KIB_PER_CALL);
        }
        return b.toString();
    }

    /** The uri the demo's filter tags a harness route label with. */
    static String uri(String label) {
        return switch (label) {
            case "items" -> "/api/items/*";
            case "cache-fill" -> "/api/cache";
            case Recording.METRICS -> "/metrics";
            default -> "/api/" + label;
        };
    }

    private static final class ReplayClock extends Clock {
        long millis;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    /**
     * Cumulative per-route counts of the recorded completions up to {@code now}, the harness's own scrapes of
     * {@code GET /metrics} included (the demo's filter counts them too). Recordings made before the scrapes were
     * recorded get one scrape a second from the start, the poller's schedule.
     */
    private static final class ReplayTraffic implements RouteTraffic {
        private final Recording rec;
        private final Map<String, Double> counts = new LinkedHashMap<>();
        private int next;
        long now;

        ReplayTraffic(Recording rec) {
            this.rec = rec;
        }

        @Override
        public void visit(RouteVisitor visitor) {
            List<Recording.Completion> requests = rec.requests();
            while (next < requests.size() && requests.get(next).epochMillis() <= now) {
                counts.merge(uri(requests.get(next).label()), 1.0, Double::sum);
                next++;
            }
            for (Map.Entry<String, Double> e : counts.entrySet()) {
                visitor.route(e.getKey(), "GET", e.getValue());
            }
            if (!rec.hasScrapes() && now >= rec.startMillis()) {
                visitor.route("/metrics", "GET", Math.floor((now - rec.startMillis()) / 1000.0) + 1);
            }
        }
    }
}
