package io.heapwatch.leak;

import io.heapwatch.leak.LeakAssessment.State;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * The fast simulation path: drives a manual {@link LeakDetector} with what a production collector ({@link GcModel})
 * would report, for one scenario and seed, and scores every evaluation. A simulated day takes milliseconds.
 *
 * <p>Time advances from one young collection to the next (every 10 s at the mean traffic, sooner when busier); the
 * detector is evaluated every {@link LeakDetectionSettings#evaluationInterval()}, as its thread would. Three routes
 * serve traffic whose rates change every 5 minutes (independently, or all following one driver with &plusmn;5% of
 * their own), following a daily pattern in the scenarios that have one.
 */
final class LeakSimulation {

    static final long MIB = 1L << 20;
    static final long GIB = 1L << 30;
    static final long START_MILLIS = 1_700_000_000_000L - Math.floorMod(1_700_000_000_000L, 86_400_000L);
    static final String LEAK_ROUTE = "/api/leak";

    /**
     * A scenario.
     *
     * @param name its name
     * @param collector the collector modelled
     * @param maxBytes the heap maximum
     * @param hours how long each run lasts (a leak run also ends when the heap is exhausted)
     * @param leakMibPerMinute the leak's rate at the median traffic (its mean is {@link #MEAN_TRAFFIC_FACTOR} times it), through {@link #LEAK_ROUTE}; 0 for a non-leak
     * @param deadMibPerMinute the promotion of objects that die soon after, at the mean traffic
     * @param survivorMib the largest survivor-space content after a young collection
     * @param cacheMib a cache that fills after start with a time constant of 10&ndash;20 minutes, then stays
     * @param sessionMib the peak of a session store whose entries live 30 minutes, under a daily traffic ramp
     * @param daily whether traffic follows a daily pattern (night 20%, a morning ramp to 100%, evening decline)
     * @param together whether the routes' rates follow one driver with &plusmn;5% of their own
     */
    record Scenario(
            String name,
            GcModel.Collector collector,
            long maxBytes,
            double hours,
            double leakMibPerMinute,
            double deadMibPerMinute,
            double survivorMib,
            double cacheMib,
            double sessionMib,
            boolean daily,
            boolean together) {

        boolean leaks() {
            return leakMibPerMinute > 0;
        }

        Scenario hours(double h) {
            return new Scenario(
                    name,
                    collector,
                    maxBytes,
                    h,
                    leakMibPerMinute,
                    deadMibPerMinute,
                    survivorMib,
                    cacheMib,
                    sessionMib,
                    daily,
                    together);
        }
    }

    /**
     * The mean of a route's traffic factor {@code exp(0.4 Z)}, {@code exp(0.4^2 / 2)}: the leak's long-run rate is
     * this many times its nominal rate, and its true time to exhaustion is taken at that rate.
     */
    static final double MEAN_TRAFFIC_FACTOR = Math.exp(0.08);

    /** The live set without the scenario's own growth, as a fraction of the maximum heap (&plusmn;10%). */
    static final double BASE_LIVE_FRACTION = 0.25;

    /**
     * Seconds between redraws of the routes' rates: 300 for every published figure; {@code
     * -Dheapwatch.sim.trafficBlockSeconds=60} runs the sensitivity of attribution to faster-varying traffic.
     */
    static final double TRAFFIC_BLOCK_SECONDS =
            Double.parseDouble(System.getProperty("heapwatch.sim.trafficBlockSeconds", "300"));

    static Scenario nonLeak(String name, double deadMib, double survivorMib) {
        return new Scenario(name, GcModel.Collector.G1, GIB, 24, 0, deadMib, survivorMib, 0, 0, false, false);
    }

    static Scenario leak(String name, long maxBytes, double leakMib, double hours) {
        return new Scenario(name, GcModel.Collector.G1, maxBytes, hours, leakMib, 0.3, 20, 0, 0, false, false);
    }

    /** Every scenario of the evaluation. */
    static List<Scenario> scenarios() {
        return List.of(
                nonLeak("steady", 0.2, 20),
                leak("leak 1 MB/min", GIB, 1.0, 14),
                new Scenario("leak noisy", GcModel.Collector.G1, GIB, 14, 1.0, 1.0, 60, 0, 0, true, false),
                new Scenario("cache warm-up", GcModel.Collector.G1, GIB, 24, 0, 0.3, 20, 150, 0, false, false),
                nonLeak("garbage-heavy", 2.0, 60),
                nonLeak("dead promotion", 0.85, 20),
                new Scenario(
                        "TTL sessions, daily ramp", GcModel.Collector.G1, GIB, 24, 0, 0.0, 20, 0, 180, true, false),
                leak("leak 3 MB/min (about 4 h)", GIB, 3.0, 6),
                leak("slow leak 0.5 MB/min", GIB, 0.5, 27),
                leak("slow leak 0.1 MB/min", GIB, 0.1, 48),
                leak("fast leak 8 MB/min, 512 MiB", 512 * MIB, 8, 1.5),
                leak("fast leak 16 MB/min, 512 MiB", 512 * MIB, 16, 1),
                leak("fast leak 24 MB/min, 512 MiB", 512 * MIB, 24, 1),
                new Scenario("many small entries", GcModel.Collector.G1, GIB, 14, 1.0, 0.3, 5, 0, 0, false, false),
                new Scenario("two routes together", GcModel.Collector.G1, GIB, 14, 1.0, 0.3, 20, 0, 0, false, true),
                new Scenario(
                        "leak, little dead promotion",
                        GcModel.Collector.G1,
                        GIB,
                        14,
                        1.0,
                        0.05,
                        20,
                        0,
                        0,
                        false,
                        false),
                new Scenario(
                        "leak under Parallel", GcModel.Collector.PARALLEL, GIB, 14, 1.0, 0.3, 20, 0, 0, false, false),
                new Scenario(
                        "steady under Parallel", GcModel.Collector.PARALLEL, GIB, 24, 0, 0.5, 20, 0, 0, false, false));
    }

    /**
     * What one run measured, every evaluation scored. {@code exhaustionSecondsAtStart} is when the run's live set
     * filled the heap, or, for a run that ended first, when it would at the leak's mean rate but no sooner than the
     * run's end.
     */
    record Result(
            Scenario scenario,
            long seed,
            int evaluations,
            int unconfirmedEvaluations,
            int unconfirmedBeforeFirstLiveSetPoint,
            int confirmedEvaluations,
            double firstFlagSeconds,
            double firstConfirmedSeconds,
            double exhaustionSecondsAtStart,
            double firstNamedSeconds,
            int attributedCorrect,
            int attributedWrong,
            int refused,
            int tteScored,
            int tteWithin25,
            double simulatedSeconds) {}

    private LeakSimulation() {}

    static Result run(Scenario scenario, long seed) {
        return run(scenario, seed, LeakDetectionSettings.defaults());
    }

    static Result run(Scenario scenario, long seed, LeakDetectionSettings settings) {
        return run(scenario, seed, settings, Observer.NONE);
    }

    /** Sees every collection reported and every evaluation of one run, for diagnosing the rule. */
    interface Observer {
        Observer NONE = new Observer() {};

        default void collected(double seconds, GcModel.Report report) {}

        default void evaluated(double seconds, LeakAssessment assessment) {}
    }

    static Result run(Scenario scenario, long seed, LeakDetectionSettings settings, Observer observer) {
        Random random = new Random(seed);
        MutableClock clock = new MutableClock(START_MILLIS);
        CumulativeTraffic traffic = new CumulativeTraffic();
        LeakDetector detector = LeakDetector.manual(settings, List.of(), traffic, clock);
        GcModel gc = new GcModel(scenario.collector(), scenario.maxBytes(), random);
        double startHour = scenario.daily() ? random.nextInt(24) : 0;
        double duration = scenario.hours() * 3600;
        double evaluateEvery = settings.evaluationInterval().toMillis() / 1000.0;
        // as the detector's thread: just after a bucket of the finest horizon closes, then every evaluation interval;
        // which of those buckets depends on when the application started (its own generator, so the run is the same)
        double fineBucket = settings.subWindow().toMillis() / FloorLevels.FINE_RATIO / 1000.0;
        double phase = fineBucket * new Random(seed ^ 0x5DEECE66DL).nextInt(FloorLevels.FINE_RATIO);
        double nextEvaluation = evaluateEvery + phase + fineBucket / 100;
        double[] factors = {1, 1, 1};
        double block = -1;
        double cacheTau = 600 + 600 * random.nextDouble();
        double[] sessionsPerMinute = new double[30];
        double sessionBytes = 0;
        int sessionMinute = -1;
        double leaked = 0;
        double baseLive = scenario.maxBytes() * BASE_LIVE_FRACTION * (0.9 + 0.2 * random.nextDouble());
        double leakPerSecond = scenario.leakMibPerMinute() * MIB / 60;
        // a route's rate is lognormal around the mean traffic, so the leak grows MEAN_TRAFFIC_FACTOR times faster on
        // average
        double meanLeakPerSecond = leakPerSecond * MEAN_TRAFFIC_FACTOR;
        double exhaustionAtStart = leakPerSecond > 0 ? (gc.liveCapacity() - baseLive) / meanLeakPerSecond : Double.NaN;
        double t = 0;
        double lastCollection = 0;
        double exhaustedAt = Double.NaN;
        int evaluations = 0;
        int unconfirmed = 0;
        int unconfirmedFirstTooth = 0;
        boolean liveSetSeen = false;
        int confirmed = 0;
        double firstFlag = Double.NaN;
        double firstConfirmed = Double.NaN;
        double firstNamed = Double.NaN;
        int correct = 0;
        int wrong = 0;
        int refused = 0;
        int tteScored = 0;
        int tteWithin = 0;
        while (t < duration) {
            double day = scenario.daily() ? daily((startHour + t / 3600) % 24) : 1.0;
            double interval = Math.max(2, Math.min(60, 10 / day)) * (0.8 + 0.4 * random.nextDouble());
            double next = t + interval;
            while (nextEvaluation <= next && nextEvaluation < duration) {
                moveTo(clock, nextEvaluation);
                t = nextEvaluation;
                LeakAssessment a = detector.evaluate();
                observer.evaluated(t, a);
                evaluations++;
                if (a.state() != State.NO_EVIDENCE) {
                    if (Double.isNaN(firstFlag)) {
                        firstFlag = t;
                    }
                    if (a.state() == State.CONFIRMED) {
                        confirmed++;
                        if (Double.isNaN(firstConfirmed)) {
                            firstConfirmed = t;
                        }
                        if (scenario.leaks()) {
                            double live = baseLive + leaked + cache(scenario, cacheTau, t) + sessionBytes;
                            double trueTte = (gc.liveCapacity() - live) / (meanLeakPerSecond * day);
                            tteScored++;
                            if (Math.abs(a.secondsToExhaustion() - trueTte) <= 0.25 * trueTte) {
                                tteWithin++;
                            }
                        }
                    } else {
                        unconfirmed++;
                        if (!liveSetSeen) {
                            unconfirmedFirstTooth++;
                        }
                    }
                    if (scenario.leaks()) {
                        if (!a.routesAttributed() || a.suspects().isEmpty()) {
                            refused++;
                        } else if (a.suspects().get(0).route().uri().equals(LEAK_ROUTE)) {
                            correct++;
                            if (Double.isNaN(firstNamed)) {
                                firstNamed = t;
                            }
                        } else {
                            wrong++;
                        }
                    }
                }
                nextEvaluation += evaluateEvery;
            }
            moveTo(clock, next);
            double dt = next - lastCollection;
            lastCollection = next;
            t = next;
            if (t >= duration) {
                break;
            }
            if ((long) (t / TRAFFIC_BLOCK_SECONDS) != block) {
                block = (long) (t / TRAFFIC_BLOCK_SECONDS);
                double shared = Math.exp(0.4 * random.nextGaussian());
                for (int r = 0; r < 3; r++) {
                    factors[r] = scenario.together()
                            ? shared * (0.95 + 0.1 * random.nextDouble())
                            : Math.exp(0.4 * random.nextGaussian());
                }
            }
            double[] requests = new double[3];
            for (int r = 0; r < 3; r++) {
                requests[r] = 20 * day * factors[r] * dt;
            }
            traffic.add(LEAK_ROUTE, "POST", requests[0]);
            traffic.add("/api/products", "GET", requests[1]);
            traffic.add("/api/search", "GET", requests[2]);
            leaked += leakPerSecond * requests[0] / 20.0;
            double dead = scenario.deadMibPerMinute() * MIB / 60 * dt * day * (0.5 + random.nextDouble());
            if (scenario.sessionMib() > 0) {
                int minute = (int) (t / 60);
                double created = scenario.sessionMib() * MIB / 30 * day * dt / 60;
                while (sessionMinute < minute) {
                    sessionMinute++;
                    int slot = sessionMinute % 30;
                    dead += sessionsPerMinute[slot]; // sessions created 30 minutes ago expire, promoted and now dead
                    sessionBytes -= sessionsPerMinute[slot];
                    sessionsPerMinute[slot] = 0;
                }
                sessionsPerMinute[minute % 30] += created;
                sessionBytes += created;
            }
            double live = baseLive + leaked + cache(scenario, cacheTau, t) + sessionBytes;
            double survivors = scenario.survivorMib() * MIB * random.nextDouble() * Math.min(1.5, day);
            GcModel.Report report = gc.youngCollection(t, live, dead, survivors);
            detector.onLiveHeap(clock.millis(), report.retainedBytes(), gc.reportedMaxBytes(), report.confirmed());
            liveSetSeen |= report.confirmed();
            observer.collected(t, report);
            if (report.outOfMemory()) {
                exhaustedAt = t;
                break;
            }
        }
        return new Result(
                scenario,
                seed,
                evaluations,
                unconfirmed,
                unconfirmedFirstTooth,
                confirmed,
                firstFlag,
                firstConfirmed,
                Double.isNaN(exhaustedAt) ? Math.max(t, exhaustionAtStart) : exhaustedAt,
                firstNamed,
                correct,
                wrong,
                refused,
                tteScored,
                tteWithin,
                t);
    }

    /** Sets the clock to {@code seconds} after the start, exactly: increments rounded each step would drift. */
    private static void moveTo(MutableClock clock, double seconds) {
        clock.advance(START_MILLIS + Math.round(seconds * 1000) - clock.millis());
    }

    private static double cache(Scenario scenario, double tau, double t) {
        return scenario.cacheMib() * MIB * (1 - Math.exp(-t / tau));
    }

    /** Traffic by hour of day: 20% at night, a ramp from 06:00 to 09:00 up to 100%, down from 18:00 to 22:00. */
    static double daily(double hour) {
        if (hour < 6) {
            return 0.2;
        }
        if (hour < 9) {
            return 0.2 + 0.8 * (hour - 6) / 3;
        }
        if (hour < 18) {
            return 1.0;
        }
        if (hour < 22) {
            return 1.0 - 0.8 * (hour - 18) / 4;
        }
        return 0.2;
    }

    static Duration hours(double h) {
        return Duration.ofSeconds((long) (h * 3600));
    }
}
