package io.heapwatch.leak;

import io.heapwatch.leak.LeakSimulation.Result;
import io.heapwatch.leak.LeakSimulation.Scenario;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The evaluation of leak detection against the targets, on the simulation path, scored per evaluation with
 * 95% Wilson intervals. Tuning seeds are {@value #TUNING_SEED_BASE} + i; held-out seeds, on which the table is
 * reported, are {@value #HELD_OUT_SEED_BASE} + i.
 *
 * <p>Run its {@code main} with the test classpath, as leak-harness/results/verdict-evaluation.md shows:
 * {@code java -cp core/target/test-classes:core/target/classes:CLASSPATH io.heapwatch.leak.LeakEvaluation 100
 * held-out} (runs per leak scenario, then {@code tuning} or {@code held-out}).
 */
final class LeakEvaluation {

    static final long TUNING_SEED_BASE = 1_000;
    static final long HELD_OUT_SEED_BASE = 9_000_000;

    private LeakEvaluation() {}

    static Map<String, List<Result>> run(int runs, long seedBase) {
        return run(runs, seedBase, LeakDetectionSettings.defaults());
    }

    static Map<String, List<Result>> run(int runs, long seedBase, LeakDetectionSettings settings) {
        Map<String, List<Result>> results = new LinkedHashMap<>();
        for (Scenario scenario : LeakSimulation.scenarios()) {
            List<Result> list = new ArrayList<>(runs);
            // a day-long scenario gets fewer runs so that each one has 30 simulated days at least
            int n = scenario.leaks() ? runs : Math.max(30, runs / 4);
            for (int i = 0; i < n; i++) {
                list.add(LeakSimulation.run(scenario, seedBase + i, settings));
            }
            results.put(scenario.name(), list);
        }
        return results;
    }

    /** Runs of each non-leak scenario that last {@value #LONG_DAYS} days, to score the long horizons at long uptime. */
    static final int LONG_DAYS = 7;

    /**
     * The non-leak scenarios over {@code runs} runs of {@value #LONG_DAYS} days each: confirmed evaluations by day, and
     * unconfirmed hours per day from the second day on (the first day is the main table's).
     */
    static String longUptime(int runs, long seedBase, LeakDetectionSettings settings) {
        StringBuilder out = new StringBuilder();
        out.append("| scenario | runs of ")
                .append(LONG_DAYS)
                .append(" days | confirmed evaluations on days 1, 2, ... | unconfirmed hours per day, days 2-")
                .append(LONG_DAYS)
                .append(" |\n|---|---|---|---|\n");
        for (Scenario scenario : LeakSimulation.scenarios()) {
            if (scenario.leaks()) {
                continue;
            }
            long[] confirmedByDay = new long[LONG_DAYS];
            long[] later = new long[2]; // unconfirmed, evaluations, from the second day on
            for (int i = 0; i < runs; i++) {
                LeakSimulation.run(
                        scenario.hours(24.0 * LONG_DAYS), seedBase + i, settings, new LeakSimulation.Observer() {
                            @Override
                            public void evaluated(double seconds, LeakAssessment a) {
                                int day = Math.min(LONG_DAYS - 1, (int) (seconds / 86_400));
                                if (a.state() == LeakAssessment.State.CONFIRMED) {
                                    confirmedByDay[day]++;
                                }
                                if (day > 0) {
                                    later[1]++;
                                    if (a.state() == LeakAssessment.State.RISING_UNCONFIRMED) {
                                        later[0]++;
                                    }
                                }
                            }
                        });
            }
            Proportion u = new Proportion(later[0], later[1]);
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %s | %.2f h [%.2f, %.2f] |%n",
                    scenario.name(),
                    runs,
                    Arrays.stream(confirmedByDay).mapToObj(Long::toString).collect(Collectors.joining(", ")),
                    24 * u.value(),
                    24 * u.low(),
                    24 * u.high()));
        }
        return out.toString();
    }

    /** A proportion with its 95% Wilson score interval. */
    record Proportion(long hits, long total) {
        double value() {
            return total == 0 ? Double.NaN : (double) hits / total;
        }

        double low() {
            return wilson(-1);
        }

        double high() {
            return wilson(1);
        }

        private double wilson(int sign) {
            if (total == 0) {
                return Double.NaN;
            }
            double z = 1.959963984540054;
            double p = value();
            double n = total;
            double center = p + z * z / (2 * n);
            double margin = z * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n));
            return Math.max(0, Math.min(1, (center + sign * margin) / (1 + z * z / n)));
        }

        String percent() {
            return String.format(Locale.ROOT, "%.1f%% [%.1f, %.1f]", 100 * value(), 100 * low(), 100 * high());
        }
    }

    static Proportion runs(List<Result> results, Predicate<Result> hit) {
        return new Proportion(results.stream().filter(hit).count(), results.size());
    }

    static String table(Map<String, List<Result>> all, String seeds) {
        StringBuilder out = new StringBuilder();
        out.append("| measure | target | scenario | measured (95% Wilson interval) | met |\n|---|---|---|---|---|\n");
        for (Map.Entry<String, List<Result>> entry : all.entrySet()) {
            List<Result> results = entry.getValue();
            Scenario scenario = results.get(0).scenario();
            String name = entry.getKey();
            if (name.startsWith("fast leak")) {
                Proportion flagged = runs(results, r -> r.firstFlagSeconds() <= r.exhaustionSecondsAtStart() / 3);
                Proportion named = runs(results, r -> r.firstNamedSeconds() <= r.exhaustionSecondsAtStart() / 2);
                row(
                        out,
                        "flagged before 1/3 of its time to exhaustion (runs)",
                        "all runs",
                        name,
                        flagged,
                        (flagged.low() >= 0.95 ? "yes" : "no"),
                        median(results, Result::firstFlagSeconds) / 60,
                        "min median");
                row(
                        out,
                        "route named before 1/2 of its time to exhaustion (runs)",
                        "all runs",
                        name,
                        named,
                        (named.low() >= 0.95 ? "yes" : "no"),
                        median(results, Result::firstNamedSeconds) / 60,
                        "min median");
            } else if (name.equals("leak 1 MB/min")) {
                Proportion p = runs(results, r -> r.firstFlagSeconds() <= 15 * 60);
                row(
                        out,
                        "flagged within 15 min (runs)",
                        "all runs",
                        name,
                        p,
                        (p.low() >= 0.95 ? "yes" : "no"),
                        median(results, Result::firstFlagSeconds) / 60,
                        "min median");
            } else if (name.equals("leak under Parallel")
                    || name.equals("leak, little dead promotion")
                    || name.startsWith("leak 3 MB/min")) {
                Proportion p = runs(results, r -> r.firstFlagSeconds() <= r.exhaustionSecondsAtStart() / 3);
                row(
                        out,
                        "flagged before 1/3 of its time to exhaustion (runs; not a target)",
                        "—",
                        name,
                        p,
                        "—",
                        median(results, Result::firstFlagSeconds) / 3600,
                        "h median");
            } else if (name.equals("slow leak 0.5 MB/min")) {
                Proportion p = runs(results, r -> r.firstFlagSeconds() <= 6 * 3600);
                row(
                        out,
                        "flagged within 6 h (runs)",
                        "all runs",
                        name,
                        p,
                        (p.low() >= 0.95 ? "yes" : "no"),
                        median(results, Result::firstFlagSeconds) / 3600,
                        "h median");
            } else if (name.equals("slow leak 0.1 MB/min")) {
                Proportion p = runs(results, r -> r.firstFlagSeconds() <= 24 * 3600);
                row(
                        out,
                        "flagged within 24 h (runs)",
                        "all runs",
                        name,
                        p,
                        (p.low() >= 0.95 ? "yes" : "no"),
                        median(results, Result::firstFlagSeconds) / 3600,
                        "h median" + late(results, 24 * 3600));
            }
            if (!scenario.leaks()) {
                long evaluations =
                        results.stream().mapToLong(Result::evaluations).sum();
                long confirmed =
                        results.stream().mapToLong(Result::confirmedEvaluations).sum();
                long unconfirmed = results.stream()
                        .mapToLong(Result::unconfirmedEvaluations)
                        .sum();
                double days =
                        results.stream().mapToDouble(Result::simulatedSeconds).sum() / 86400;
                Proportion c = new Proportion(confirmed, evaluations);
                Proportion u = new Proportion(unconfirmed, evaluations);
                out.append(String.format(
                        Locale.ROOT,
                        "| confirmed false verdicts (evaluations) | 0 in 30 days | %s | %d of %d in %.0f days: %s"
                                + " | %s |%n",
                        name,
                        confirmed,
                        evaluations,
                        days,
                        c.percent(),
                        confirmed == 0 ? "yes" : "no"));
                out.append(String.format(
                        Locale.ROOT,
                        "| unconfirmed hours per day | < 1 h | %s | %.2f h [%.2f, %.2f] | %s |%n",
                        name,
                        24 * u.value(),
                        24 * u.low(),
                        24 * u.high(),
                        24 * u.high() < 1 ? "yes" : "no"));
                long firstTooth = results.stream()
                        .mapToLong(Result::unconfirmedBeforeFirstLiveSetPoint)
                        .sum();
                Proportion later = new Proportion(unconfirmed - firstTooth, evaluations);
                out.append(String.format(
                        Locale.ROOT,
                        "| … of which after the first live-set point of the run (not a target) | — | %s | %.2f h"
                                + " [%.2f, %.2f] | — |%n",
                        name,
                        24 * later.value(),
                        24 * later.low(),
                        24 * later.high()));
            } else {
                long correct =
                        results.stream().mapToLong(Result::attributedCorrect).sum();
                long wrong = results.stream().mapToLong(Result::attributedWrong).sum();
                long refused = results.stream().mapToLong(Result::refused).sum();
                Proportion w = new Proportion(wrong, correct + wrong + refused);
                Proportion named = new Proportion(wrong, correct + wrong);
                out.append(String.format(
                        Locale.ROOT,
                        "| wrong route named (flagged evaluations) | <= 5%% | %s | %s; right %d, wrong %d, refused"
                                + " %d; wrong among the named %s | %s |%n",
                        name,
                        w.percent(),
                        correct,
                        wrong,
                        refused,
                        named.percent(),
                        w.high() <= 0.05 ? "yes" : "no"));
                long scored = results.stream().mapToLong(Result::tteScored).sum();
                long within = results.stream().mapToLong(Result::tteWithin25).sum();
                Proportion t = new Proportion(within, scored);
                out.append(String.format(
                        Locale.ROOT,
                        "| time to exhaustion within ±25%% (confirmed evaluations) | >= 95%% | %s | %s of %d | %s"
                                + " |%n",
                        name,
                        t.percent(),
                        scored,
                        scored > 0 && t.low() >= 0.95 ? "yes" : "no"));
            }
        }
        out.append("\nSeeds: ").append(seeds).append('\n');
        return out.toString();
    }

    private static void row(
            StringBuilder out,
            String measure,
            String target,
            String scenario,
            Proportion p,
            String met,
            double median,
            String unit) {
        out.append(String.format(
                Locale.ROOT,
                "| %s | %s | %s | %s of %d (%.1f %s) | %s |%n",
                measure,
                target,
                scenario,
                p.percent(),
                p.total(),
                median,
                unit,
                met));
    }

    /** The runs flagged after {@code limitSeconds}: when the late ones were, and how many never were. */
    static String late(List<Result> results, double limitSeconds) {
        double[] later = results.stream()
                .mapToDouble(Result::firstFlagSeconds)
                .filter(t -> t > limitSeconds)
                .sorted()
                .toArray();
        long never =
                results.stream().filter(r -> Double.isNaN(r.firstFlagSeconds())).count();
        if (later.length == 0 && never == 0) {
            return "";
        }
        return String.format(
                Locale.ROOT,
                "; %d flagged later, at %.1f-%.1f h; %d not in their %.0f h",
                later.length,
                later.length == 0 ? Double.NaN : later[0] / 3600,
                later.length == 0 ? Double.NaN : later[later.length - 1] / 3600,
                never,
                results.get(0).scenario().hours());
    }

    static double median(List<Result> results, java.util.function.ToDoubleFunction<Result> f) {
        double[] v = results.stream()
                .mapToDouble(f)
                .map(x -> Double.isNaN(x) ? Double.POSITIVE_INFINITY : x)
                .sorted()
                .toArray();
        return v.length == 0 ? Double.NaN : v[v.length / 2];
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.log.io.heapwatch.leak.LeakDetector", "off");
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        boolean heldOut = args.length < 2 || args[1].equals("held-out");
        long base = heldOut ? HELD_OUT_SEED_BASE : TUNING_SEED_BASE;
        long start = System.nanoTime();
        // -Dheapwatch.leak.unprovenReach=PT2H: the setting under evaluation, for choosing it on tuning seeds
        LeakDetectionSettings settings = LeakDetectionSettings.defaults();
        String reach = System.getProperty("heapwatch.leak.unprovenReach");
        if (reach != null) {
            settings = settings.toBuilder()
                    .unprovenReach(java.time.Duration.parse(reach))
                    .build();
        }
        String factor = System.getProperty("heapwatch.leak.horizonFactor");
        if (factor != null) {
            settings = settings.toBuilder()
                    .horizonFactor(Double.parseDouble(factor))
                    .build();
        }
        String growth = System.getProperty("heapwatch.leak.minGrowthFraction");
        if (growth != null) {
            settings = settings.toBuilder()
                    .minGrowthFraction(Double.parseDouble(growth))
                    .build();
        }
        String alpha = System.getProperty("heapwatch.leak.alpha");
        if (alpha != null) {
            settings = settings.toBuilder().alpha(Double.parseDouble(alpha)).build();
        }
        // -Dheapwatch.leak.evaluationInterval=PT30S: likewise
        String interval = System.getProperty("heapwatch.leak.evaluationInterval");
        if (interval != null) {
            settings = settings.toBuilder()
                    .evaluationInterval(java.time.Duration.parse(interval))
                    .build();
        }
        Map<String, List<Result>> results = run(runs, base, settings);
        String traffic = LeakSimulation.TRAFFIC_BLOCK_SECONDS == 300
                ? ""
                : String.format(Locale.ROOT, ", rates redrawn every %.0f s", LeakSimulation.TRAFFIC_BLOCK_SECONDS);
        System.out.print(table(results, (heldOut ? "held-out " : "tuning ") + base + " + [0, n)" + traffic));
        System.out.printf(Locale.ROOT, "%nLong uptime (the same seeds, runs of %d days):%n%n", LONG_DAYS);
        System.out.print(longUptime(10, base, settings));
        System.out.printf(Locale.ROOT, "%n%.1f s%n", (System.nanoTime() - start) / 1e9);
    }
}
