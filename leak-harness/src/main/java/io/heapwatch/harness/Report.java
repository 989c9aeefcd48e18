package io.heapwatch.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The markdown and JSON reports of a schedule. */
final class Report {

    private Report() {}

    /** The sentence a report says about a primed or unprimed start. */
    static String priming(boolean primed) {
        return primed
                ? "Each demo was primed with " + LeakHarness.PRIME_REQUESTS + " requests per route (not the leaking"
                        + " route, not the cache fill) before the clock started."
                : "The demos were not primed.";
    }

    /** The sentence a report says about runs with {@link DemoProcess#MARKING_FLAGS}; empty without them. */
    static String marking(boolean marking) {
        return marking
                ? " G1 ran with a concurrent cycle and mixed collections all the time ("
                        + String.join(" ", DemoProcess.MARKING_FLAGS) + ")."
                : "";
    }

    /**
     * The markdown report; {@code provenance} ends the header paragraph (how the runs were made: priming, wall
     * time, or that they were replayed).
     */
    static String markdown(List<RunResult> results, int seconds, int runs, String provenance) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "# Leak scenario harness results%n%n"
                        + "%d run(s) per scenario, %d s each (%d real minutes at %d× compression), window %s in %d"
                        + " sub-windows of %.0f s (= 2 real minutes), demo heap -Xmx%dm G1, true leak %.0f B/s."
                        + " %s%n%n",
                runs,
                seconds,
                seconds * Scaling.COMPRESSION / 60,
                Scaling.COMPRESSION,
                Scaling.WINDOW,
                Scaling.SUB_WINDOWS,
                Scaling.SUB_WINDOW_SECONDS,
                Scaling.HEAP_MIB,
                Scaling.LEAK_BYTES_PER_SECOND,
                provenance));
        b.append("Timeline: one character per sub-window (" + (int) Scaling.SUB_WINDOW_SECONDS
                + " s = 2 real min): `L` suspected, `.` not suspected,"
                + " `-` no verdict yet (too few floors), `?` no scrape.\n\n");
        b.append("| scenario | run | timeline | first verdict s (real min) | false verdict s | top route"
                + " (leak first, share of flagged s) | TTE error at first verdict | median TTE error (within ±25%)"
                + " | median slope error | requests (dropped, failed) |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (RunResult r : results) {
            boolean leak = r.scenario.kind() == Scenario.Kind.LEAK;
            double first = r.firstVerdictSeconds();
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | `%s` | %s | %s | %s | %s | %s | %s | %d (%d, %d)%s |%n",
                    r.scenario.name(),
                    r.run,
                    r.timeline(),
                    Double.isNaN(first)
                            ? "never"
                            : String.format(Locale.ROOT, "%.0f (%.0f)", first, first * Scaling.COMPRESSION / 60),
                    r.scenario.kind() == Scenario.Kind.LEAK
                            ? "n/a"
                            : r.scenario.kind() == Scenario.Kind.CACHE_WARM_UP
                                    ? String.format(
                                            Locale.ROOT,
                                            "%d (full at %.0f s)",
                                            r.falseVerdictSamples(),
                                            r.fillCompleteSeconds)
                                    : Integer.toString(r.falseVerdictSamples()),
                    leak
                            ? String.format(Locale.ROOT, "`%s` (%s)", r.topRoute(), share(r.leakRankedFirstShare()))
                            : r.flaggedSamples() > 0 ? "`" + r.topRoute() + "`" : "–",
                    leak ? pct(r.tteErrorAtFirstVerdict()) : "–",
                    leak ? pct(r.medianTteError()) + " (" + share(r.tteWithin25Share()) + ")" : "–",
                    leak ? pct(r.medianSlopeError()) : "–",
                    r.requests,
                    r.dropped,
                    r.failed,
                    r.error == null ? "" : " ERROR: " + r.error));
        }
        b.append("\n## Targets\n\n");
        List<RunResult> leaks = filter(results, Scenario.Kind.LEAK);
        int flaggedInTime = 0;
        List<Double> firsts = new ArrayList<>();
        for (RunResult r : leaks) {
            double f = r.firstVerdictSeconds();
            if (!Double.isNaN(f)) {
                firsts.add(f);
            }
            if (f <= Scaling.TARGET_FIRST_VERDICT_SECONDS) {
                flaggedInTime++;
            }
        }
        b.append(String.format(
                Locale.ROOT,
                "- Leak flagged within %.0f s (15 real min): %d of %d leak runs%s;" + " median first verdict %s s.%n",
                Scaling.TARGET_FIRST_VERDICT_SECONDS,
                flaggedInTime,
                leaks.size(),
                flaggedInTime == leaks.size() ? " — met" : " — **missed**",
                fmt(RunResult.median(firsts))));
        int falseRuns = 0;
        int falseSamples = 0;
        int clean = 0;
        for (RunResult r : results) {
            if (r.scenario.kind() != Scenario.Kind.LEAK) {
                clean++;
                falseSamples += r.falseVerdictSamples();
                if (r.falseVerdictSamples() > 0) {
                    falseRuns++;
                }
            }
        }
        b.append(String.format(
                Locale.ROOT,
                "- No leak verdict in steady, garbage-heavy and cache warm-up after its"
                        + " plateau: %d of %d runs with a false verdict (%d false seconds)%s.%n",
                falseRuns,
                clean,
                falseSamples,
                falseRuns == 0 ? " — met" : " — **missed**"));
        int first = 0;
        for (RunResult r : leaks) {
            if (r.leakRankedFirst()) {
                first++;
            }
        }
        b.append(String.format(
                Locale.ROOT,
                "- Leaking route ranked first (at the last flagged scrape that named a route): %d of %d"
                        + " leak runs (target ≥ 90%%)%s.%n",
                first,
                leaks.size(),
                leaks.isEmpty() || first >= 0.9 * leaks.size() ? " — met" : " — **missed**"));
        List<Double> tteFirst = new ArrayList<>();
        int within = 0;
        int flagged = 0;
        for (RunResult r : leaks) {
            if (!Double.isNaN(r.tteErrorAtFirstVerdict())) {
                tteFirst.add(r.tteErrorAtFirstVerdict());
            }
            for (Sample s : r.samples) {
                if (s.flagged()) {
                    flagged++;
                    if (Math.abs(r.tteError(s)) <= 0.25) {
                        within++;
                    }
                }
            }
        }
        b.append(String.format(
                Locale.ROOT,
                "- Time to exhaustion within ±25%% of the truth once flagged: %d of %d"
                        + " flagged scrapes (%s); errors at the first verdict %s%s.%n",
                within,
                flagged,
                share(flagged == 0 ? Double.NaN : (double) within / flagged),
                fmtPct(tteFirst),
                flagged > 0 && within == flagged ? " — met" : " — **missed**"));
        return b.toString();
    }

    static String json(List<RunResult> results, int seconds, int runs, double wallMinutes) {
        StringBuilder b = new StringBuilder("{\"compression\":")
                .append(Scaling.COMPRESSION)
                .append(",\"window\":")
                .append(Json.str(Scaling.WINDOW))
                .append(",\"subWindows\":")
                .append(Scaling.SUB_WINDOWS)
                .append(",\"heapMiB\":")
                .append(Scaling.HEAP_MIB)
                .append(",\"trueLeakBytesPerSecond\":")
                .append(Json.num(Scaling.LEAK_BYTES_PER_SECOND))
                .append(",\"secondsPerRun\":")
                .append(seconds)
                .append(",\"runsPerScenario\":")
                .append(runs)
                .append(",\"wallMinutes\":")
                .append(Json.num(wallMinutes))
                .append(",\"sampleColumns\":[\"t\",\"suspected\",\"growth\",\"tte\",\"live\",\"max\",\"topRoute\"]")
                .append(",\"runs\":[\n");
        for (int i = 0; i < results.size(); i++) {
            b.append(i > 0 ? ",\n" : "").append(results.get(i).toJson());
        }
        return b.append("\n]}\n").toString();
    }

    private static List<RunResult> filter(List<RunResult> results, Scenario.Kind kind) {
        List<RunResult> out = new ArrayList<>();
        for (RunResult r : results) {
            if (r.scenario.kind() == kind) {
                out.add(r);
            }
        }
        return out;
    }

    static String pct(double v) {
        return Double.isNaN(v)
                ? "–"
                : String.format(Locale.ROOT, "%+.0f%%", v * 100).replace("+0%", "0%");
    }

    /** A share in [0, 1] as an unsigned percentage. */
    static String share(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.0f%%", v * 100);
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String fmtPct(List<Double> values) {
        if (values.isEmpty()) {
            return "–";
        }
        StringBuilder b = new StringBuilder();
        for (double v : values) {
            b.append(b.length() > 0 ? ", " : "").append(pct(v));
        }
        return b.toString();
    }
}
