package io.heapwatch.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One scenario run, its samples, and its scores against the truth. */
final class RunResult {

    final Scenario scenario;
    final int run;
    final int seconds;
    final List<Sample> samples;
    final long requests;
    final long failed;
    final long dropped;
    final long leakCalls;
    final double fillCompleteSeconds;
    final int scrapeFailures;
    final String error;

    RunResult(
            Scenario scenario,
            int run,
            int seconds,
            List<Sample> samples,
            long requests,
            long failed,
            long dropped,
            long leakCalls,
            double fillCompleteSeconds,
            int scrapeFailures,
            String error) {
        this.scenario = scenario;
        this.run = run;
        this.seconds = seconds;
        this.samples = samples;
        this.requests = requests;
        this.failed = failed;
        this.dropped = dropped;
        this.leakCalls = leakCalls;
        this.fillCompleteSeconds = fillCompleteSeconds;
        this.scrapeFailures = scrapeFailures;
        this.error = error;
    }

    /** Harness seconds of the first sample with {@code suspected = 1}, NaN if none. */
    double firstVerdictSeconds() {
        for (Sample s : samples) {
            if (s.flagged()) {
                return s.t();
            }
        }
        return Double.NaN;
    }

    int flaggedSamples() {
        return (int) samples.stream().filter(Sample::flagged).count();
    }

    /** Samples with {@code suspected = 1} that are false by the scenario's truth. */
    int falseVerdictSamples() {
        switch (scenario.kind()) {
            case NO_LEAK:
                return flaggedSamples();
            case CACHE_WARM_UP:
                double plateau = plateauSeconds();
                return (int) samples.stream()
                        .filter(s -> s.flagged() && s.t() >= plateau)
                        .count();
            default:
                return 0;
        }
    }

    /** For the cache warm-up: when the cache was full (NaN if never; then every verdict counts as false). */
    double plateauSeconds() {
        return Double.isNaN(fillCompleteSeconds) ? 0 : fillCompleteSeconds;
    }

    /** For the cache warm-up: last flagged sample's time, NaN if none. */
    double lastVerdictSeconds() {
        double last = Double.NaN;
        for (Sample s : samples) {
            if (s.flagged()) {
                last = s.t();
            }
        }
        return last;
    }

    /** The top route of the last flagged sample that had attributed routes, or "none". */
    String topRoute() {
        String top = "none";
        for (Sample s : samples) {
            if (s.flagged() && s.topRoute() != null) {
                top = s.topRoute();
            }
        }
        return top;
    }

    /** Share of flagged samples whose top-ranked route is the leaking route (NaN if none flagged). */
    double leakRankedFirstShare() {
        int flagged = 0;
        int first = 0;
        for (Sample s : samples) {
            if (s.flagged()) {
                flagged++;
                String top = s.topRoute();
                if (top != null && top.endsWith(" " + scenario.leakUri())) {
                    first++;
                }
            }
        }
        return flagged == 0 ? Double.NaN : (double) first / flagged;
    }

    boolean leakRankedFirst() {
        return topRoute().endsWith(" " + scenario.leakUri())
                && !scenario.leakUri().isEmpty();
    }

    /** Relative error of time to exhaustion against the truth at one sample. */
    double tteError(Sample s) {
        double truth = (s.max() - s.live()) / scenario.leakBytesPerSecond();
        return s.tte() / truth - 1;
    }

    /** Time-to-exhaustion error at the first verdict. */
    double tteErrorAtFirstVerdict() {
        for (Sample s : samples) {
            if (s.flagged()) {
                return tteError(s);
            }
        }
        return Double.NaN;
    }

    /** Median time-to-exhaustion error over all flagged samples. */
    double medianTteError() {
        List<Double> errors = new ArrayList<>();
        for (Sample s : samples) {
            if (s.flagged() && Double.isFinite(s.tte())) {
                errors.add(tteError(s));
            }
        }
        return median(errors);
    }

    /** Share of flagged samples whose time to exhaustion is within ±25% of the truth. */
    double tteWithin25Share() {
        int flagged = 0;
        int within = 0;
        for (Sample s : samples) {
            if (s.flagged()) {
                flagged++;
                if (Math.abs(tteError(s)) <= 0.25) {
                    within++;
                }
            }
        }
        return flagged == 0 ? Double.NaN : (double) within / flagged;
    }

    /** Median of growth / true rate − 1 over flagged samples. */
    double medianSlopeError() {
        List<Double> errors = new ArrayList<>();
        for (Sample s : samples) {
            if (s.flagged()) {
                errors.add(s.growth() / scenario.leakBytesPerSecond() - 1);
            }
        }
        return median(errors);
    }

    /** Retained bytes per second actually completed by the load generator. */
    double achievedLeakBytesPerSecond() {
        return leakCalls * Scaling.LEAK_KIB_PER_CALL * 1024.0 / seconds;
    }

    /**
     * One character per sub-window (6 s = 2 real minutes): {@code L} suspected at least once, {@code .} scraped
     * and not suspected, {@code -} no verdict possible yet (growth gauge NaN), {@code ?} no scrape.
     */
    String timeline() {
        int buckets = (int) Math.ceil(seconds / Scaling.SUB_WINDOW_SECONDS);
        char[] c = new char[buckets];
        java.util.Arrays.fill(c, '?');
        for (Sample s : samples) {
            int b = (int) Math.floor(s.t() / Scaling.SUB_WINDOW_SECONDS);
            if (b < 0 || b >= buckets) {
                continue;
            }
            char mark = s.flagged() ? 'L' : Double.isNaN(s.growth()) ? '-' : '.';
            if (c[b] == '?' || mark == 'L' || (mark == '.' && c[b] == '-')) {
                c[b] = mark;
            }
        }
        return new String(c);
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    String toJson() {
        StringBuilder b = new StringBuilder();
        b.append("{\"scenario\":")
                .append(Json.str(scenario.name()))
                .append(",\"run\":")
                .append(run)
                .append(",\"kind\":")
                .append(Json.str(scenario.kind().name()))
                .append(",\"seconds\":")
                .append(seconds)
                .append(",\"error\":")
                .append(error == null ? "null" : Json.str(error))
                .append(",\"requests\":")
                .append(requests)
                .append(",\"failedRequests\":")
                .append(failed)
                .append(",\"droppedRequests\":")
                .append(dropped)
                .append(",\"scrapeFailures\":")
                .append(scrapeFailures)
                .append(",\"trueLeakBytesPerSecond\":")
                .append(Json.num(scenario.leakBytesPerSecond()))
                .append(",\"achievedLeakBytesPerSecond\":")
                .append(Json.num(achievedLeakBytesPerSecond()))
                .append(",\"cacheFullSeconds\":")
                .append(Json.num(fillCompleteSeconds))
                .append(",\"timeline\":")
                .append(Json.str(timeline()))
                .append(",\"firstVerdictSeconds\":")
                .append(Json.num(firstVerdictSeconds()))
                .append(",\"firstVerdictRealMinutes\":")
                .append(Json.num(firstVerdictSeconds() * Scaling.COMPRESSION / 60))
                .append(",\"flaggedSamples\":")
                .append(flaggedSamples())
                .append(",\"falseVerdictSamples\":")
                .append(falseVerdictSamples())
                .append(",\"topRoute\":")
                .append(Json.str(topRoute()))
                .append(",\"leakRankedFirstShare\":")
                .append(Json.num(leakRankedFirstShare()))
                .append(",\"tteErrorAtFirstVerdict\":")
                .append(Json.num(tteErrorAtFirstVerdict()))
                .append(",\"medianTteError\":")
                .append(Json.num(medianTteError()))
                .append(",\"tteWithin25Share\":")
                .append(Json.num(tteWithin25Share()))
                .append(",\"medianSlopeError\":")
                .append(Json.num(medianSlopeError()))
                .append(",\"samples\":[");
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            if (i > 0) {
                b.append(',');
            }
            b.append(String.format(
                    Locale.ROOT,
                    "[%.1f,%s,%s,%s,%s,%s,%s]",
                    s.t(),
                    Json.num(s.suspected()),
                    Json.num(s.growth()),
                    Json.num(s.tte()),
                    Json.num(s.live()),
                    Json.num(s.max()),
                    Json.str(s.topRoute() == null ? "" : s.topRoute())));
        }
        return b.append("]}").toString();
    }
}
