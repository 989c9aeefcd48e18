package io.heapwatch.leak;

import io.heapwatch.leak.LeakAssessment.Floor;
import io.heapwatch.leak.LeakAssessment.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Decides what the floors of every horizon say. Stateless; one rule, applied to each horizon and to both kinds of
 * floor:
 *
 * <blockquote>the one-sided lower confidence bound (level {@code 1 - alpha}) of the floors' least-squares growth
 * rate is positive, fills the heap's headroom within {@code horizonFactor} times the time the floors span, and adds
 * at least {@code minGrowthFraction} of the maximum over the horizon.</blockquote>
 *
 * Applied to the floors of the collections that reclaimed long-lived space (live-set points) it gives
 * {@link State#CONFIRMED}; applied only to the floors of all collections (upper bounds of the live set) it gives
 * {@link State#RISING_UNCONFIRMED}. The bound is checked at every new floor, so strong evidence gives a verdict
 * within a few floors and weak evidence waits; the reach of a horizon grows with the time its floors span, so a
 * short rise cannot project days ahead.
 */
final class LeakAnalyzer {

    /**
     * One minus the confidence of the upper bound of the live set's growth that, below the floors' lower bound,
     * shows a rise to be dead objects rather than a growing live set.
     */
    static final double VETO_ALPHA = 0.05;

    /**
     * The quantile of the live-set points whose regression line gives a confirmed rise's time to exhaustion. A
     * live-set point is the live set plus the garbage its collection left (up to 5% of the heap under G1, more
     * after a long wait for a cycle) and the survivors: never less than the live set, so a low quantile follows the
     * live set better than the mean does. Chosen on tuning seeds from 0.1, 0.25 and 0.5 and the least-squares line.
     */
    static final double LIVE_SET_QUANTILE = 0.1;

    private final LeakDetectionSettings settings;
    private final RouteAttributor attributor;

    LeakAnalyzer(LeakDetectionSettings settings) {
        this.settings = settings;
        this.attributor = new RouteAttributor(settings);
    }

    /** A rise that passed or failed the rule on one horizon. */
    private record Check(
            boolean passes,
            int level,
            boolean confirmed,
            double slope,
            double lowerBound,
            double secondsToExhaustion,
            int points,
            String reason,
            double reachSeconds) {

        Check(
                boolean passes,
                int level,
                boolean confirmed,
                double slope,
                double lowerBound,
                double secondsToExhaustion,
                int points,
                String reason) {
            this(passes, level, confirmed, slope, lowerBound, secondsToExhaustion, points, reason, Double.NaN);
        }
    }

    LeakAssessment assess(FloorLevels levels, long nowMillis, TrafficCounts[] traffic) {
        int count = levels.levels();
        FloorLevels.Series[] series = new FloorLevels.Series[count];
        @Nullable Check bestConfirmed = null;
        @Nullable Check bestUnconfirmed = null;
        @Nullable Check firstNone = null;
        for (int level = 0; level < count; level++) {
            series[level] = levels.series(level, nowMillis);
        }
        LiveSet liveSet = liveSet(series);
        FloorLevels.Sawtooth sawtooth = levels.sawtooth(nowMillis);
        long lastMax = -1;
        for (int level = count - 1; level >= 0 && lastMax < 0; level--) {
            FloorLevels.Series s = series[level];
            if (s.size() > 0) {
                lastMax = s.maxBytes()[s.size() - 1];
            }
        }
        long longest = levels.spanMillis(count - 1);
        // the confirmed verdict reports, and attributes on, the finest horizon holding a live-set point
        int liveSetLevel = count - 1;
        for (int level = count - 1; level >= 0; level--) {
            if (series[level].confirmedSize() > 0 && series[level].size() >= 3) {
                liveSetLevel = level;
            }
        }
        Check confirmed = check(liveSetLevel, true, liveSet.millis, liveSet.bytes, liveSet.size, lastMax, longest);
        if (confirmed.passes()) {
            confirmed = exhaustionFromEnvelope(confirmed, liveSet, latestFloor(series), nowMillis, lastMax);
            bestConfirmed = confirmed;
        }
        for (int level = 0; level < count; level++) {
            FloorLevels.Series s = series[level];
            if (s.size() == 0) {
                continue;
            }
            long max = s.maxBytes()[s.size() - 1];
            long span = levels.spanMillis(level);
            Check upper = check(level, false, s.millis(), s.bytes(), s.size(), max, span);
            if (upper.passes()) {
                String contradiction = contradiction(liveSet, upper, nowMillis - longest, max);
                if (contradiction == null) {
                    contradiction = sawtoothExplains(sawtooth, upper, longest);
                }
                if (contradiction == null && sawtooth.teeth() == 0) {
                    contradiction = beyondUnprovenReach(upper, Math.max(0.0, max - (double) s.bytes()[s.size() - 1]));
                }
                if (contradiction != null) {
                    upper = new Check(
                            false,
                            level,
                            false,
                            upper.slope(),
                            upper.lowerBound(),
                            Double.POSITIVE_INFINITY,
                            upper.points(),
                            upper.reason() + ", but " + contradiction);
                }
            }
            if (upper.passes() && (bestUnconfirmed == null || urgent(upper, bestUnconfirmed))) {
                bestUnconfirmed = upper;
            }
            if (firstNone == null) {
                firstNone = upper;
            }
        }
        long liveSetBytes = liveSet.size == 0 ? -1 : liveSet.bytes[liveSet.size - 1];
        @Nullable
        Check decisive = bestConfirmed != null ? bestConfirmed : bestUnconfirmed != null ? bestUnconfirmed : firstNone;
        int level = decisive == null ? 0 : decisive.level();
        FloorLevels.Series s = series[level];
        long latest = s.size() == 0 ? -1 : s.bytes()[s.size() - 1];
        long max = s.size() == 0 ? -1 : s.maxBytes()[s.size() - 1];
        Duration horizon = Duration.ofMillis(levels.spanMillis(level));
        List<Floor> floors = floors(s);
        if (decisive == null || !decisive.passes()) {
            return new LeakAssessment(
                    State.NO_EVIDENCE,
                    decisive == null ? "no collection seen yet" : decisive.reason(),
                    decisive == null ? Double.NaN : decisive.slope(),
                    decisive == null ? Double.NaN : decisive.lowerBound(),
                    Double.POSITIVE_INFINITY,
                    liveSetBytes,
                    latest,
                    max,
                    horizon,
                    floors,
                    false,
                    "no leak suspected",
                    List.of());
        }
        State state = decisive.confirmed() ? State.CONFIRMED : State.RISING_UNCONFIRMED;
        String reason = decisive.reason();
        if (!decisive.confirmed()) {
            reason += "; not confirmed by collections that reclaimed long-lived space, so the time to exhaustion is a"
                    + " lower bound";
        }
        Attribution attribution = attributor.attribute(s.millis(), s.bytes(), s.size(), traffic[level]);
        return new LeakAssessment(
                state,
                reason,
                decisive.slope(),
                decisive.lowerBound(),
                decisive.secondsToExhaustion(),
                liveSetBytes,
                latest,
                max,
                horizon,
                floors,
                attribution.attributable(),
                attribution.reason(),
                attribution.suspects());
    }

    /** The live-set points of every horizon, each stretch of time from its finest horizon, oldest first. */
    private record LiveSet(int size, long[] millis, long[] bytes) {}

    private static LiveSet liveSet(FloorLevels.Series[] series) {
        int total = 0;
        for (FloorLevels.Series s : series) {
            total += s.confirmedSize();
        }
        long[] millis = new long[total];
        long[] bytes = new long[total];
        int n = 0;
        long finerStart = Long.MAX_VALUE;
        for (int level = 0; level < series.length; level++) {
            FloorLevels.Series s = series[level];
            long start = Long.MAX_VALUE;
            for (int i = 0; i < s.size(); i++) {
                start = Math.min(start, s.millis()[i]);
            }
            for (int i = 0; i < s.confirmedSize(); i++) {
                if (s.confirmedMillis()[i] < finerStart) {
                    millis[n] = s.confirmedMillis()[i];
                    bytes[n] = s.confirmedBytes()[i];
                    n++;
                }
            }
            // the finer horizon covers from the start of its first bucket on
            if (s.size() > 0) {
                long firstBucketStart = Math.floorDiv(start, s.bucketMillis()) * s.bucketMillis();
                finerStart = Math.min(finerStart, firstBucketStart);
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingLong(i -> millis[i]));
        long[] m = new long[n];
        long[] b = new long[n];
        for (int i = 0; i < n; i++) {
            m[i] = millis[order[i]];
            b[i] = bytes[order[i]];
        }
        return new LiveSet(n, m, b);
    }

    /**
     * Why the live-set points since {@code sinceMillis} contradict a rise of the floors: at least three of them, and
     * even the upper confidence bound of their growth rate does not fill the heap within the rise's reach. Null when
     * they do not contradict it.
     */
    private @Nullable String contradiction(LiveSet liveSet, Check rise, long sinceMillis, long max) {
        int first = 0;
        while (first < liveSet.size && liveSet.millis[first] < sinceMillis) {
            first++;
        }
        int n = liveSet.size - first;
        if (n < 3) {
            return null;
        }
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (liveSet.millis[first + i] - liveSet.millis[first]) / 1000.0;
            y[i] = liveSet.bytes[first + i];
        }
        Statistics.Trend trend = Statistics.trend(x, y, n);
        double upper = trend.upperBound(VETO_ALPHA);
        if (!(upper < rise.lowerBound())) {
            return null;
        }
        return format(
                "the %d live-set points of the last %s rise at most %.3g B/s (at %.2f confidence): the rise is"
                        + " dead objects that collections reclaiming long-lived space remove",
                n, Duration.ofMillis(liveSet.millis[liveSet.size - 1] - liveSet.millis[first]), upper, 1 - VETO_ALPHA);
    }

    /**
     * Why the sawtooth explains a rise of the floors: collections reclaiming long-lived space brought down earlier
     * teeth that rose at least as fast as the rise's lower bound. Null when there was no such tooth.
     */
    private static @Nullable String sawtoothExplains(FloorLevels.Sawtooth sawtooth, Check rise, long longest) {
        if (sawtooth.teeth() == 0 || rise.lowerBound() > sawtooth.rate()) {
            return null;
        }
        return format(
                "%d teeth of the last %s rose up to %.3g B/s before collections reclaiming long-lived space removed"
                        + " the rise: it is no faster than dead objects promoted between them",
                sawtooth.teeth(), Duration.ofMillis(longest), sawtooth.rate());
    }

    /**
     * Why a rise is not reported while no collection of the last 3 days brought down a tooth of the sawtooth: nothing
     * shows yet how much of it is dead objects waiting for the collector to reclaim long-lived space, and at its lower
     * bound it does not fill the heap within {@code unprovenReach}. Null when it does, and waiting for that collection
     * could cost the heap.
     */
    private @Nullable String beyondUnprovenReach(Check rise, double headroom) {
        double fillAtBound = headroom / rise.lowerBound();
        double reach = settings.unprovenReach().toMillis() / 1000.0;
        if (fillAtBound <= reach) {
            return null;
        }
        return format(
                "no collection of the last 3 days brought down a tooth of the sawtooth to show what part of it is dead"
                        + " objects, and at its lower bound it fills the heap in %.0f s, beyond the %.0f s reported"
                        + " unproven",
                fillAtBound, reach);
    }

    /** The most live-set points the lower envelope is fitted to; more are thinned to the lowest of each group. */
    static final int ENVELOPE_POINTS = 64;

    /**
     * A confirmed rise with its time to exhaustion from the lower envelope of the live-set points (their
     * {@link #LIVE_SET_QUANTILE} quantile line), carried forward to now but never above the latest after-GC floor
     * (an upper bound of the live set): the latest point can be hours old, and the least-squares line runs through
     * the garbage each collection left behind. Beyond {@link #ENVELOPE_POINTS} points, consecutive groups are thinned
     * to their lowest point. The rise itself, its rate and its bound stay those of the rule. Unchanged when the
     * envelope does not rise.
     */
    private static Check exhaustionFromEnvelope(
            Check rise, LiveSet liveSet, long latestFloor, long nowMillis, long max) {
        double[] envelope = envelope(liveSet.millis, liveSet.bytes, liveSet.size, latestFloor, nowMillis, max);
        if (envelope == null) {
            return rise;
        }
        return new Check(
                true,
                rise.level(),
                true,
                rise.slope(),
                rise.lowerBound(),
                envelope[2],
                rise.points(),
                format(
                        "live-set points rise %.3g B/s (at least %.3g B/s over %d floors); their lower envelope rises"
                                + " %.3g B/s and is at %.0f bytes now, heap full in %.0f s",
                        rise.slope(), rise.lowerBound(), liveSet.size, envelope[0], envelope[1], envelope[2]),
                rise.reachSeconds());
    }

    /**
     * The lower envelope of {@code n} live-set points at {@code nowMillis}: its slope, its level now (no higher than
     * {@code latestFloor} when that is not negative) and the seconds until it reaches {@code max}; null when it does
     * not rise.
     */
    static double @Nullable [] envelope(
            long[] millis, long[] bytes, int n, long latestFloor, long nowMillis, long max) {
        int group = Math.max(1, (n + ENVELOPE_POINTS - 1) / ENVELOPE_POINTS);
        int points = (n + group - 1) / group;
        double[] x = new double[points];
        double[] y = new double[points];
        for (int g = 0; g < points; g++) {
            int lowest = g * group;
            for (int i = lowest + 1; i < Math.min(n, (g + 1) * group); i++) {
                if (bytes[i] < bytes[lowest]) {
                    lowest = i;
                }
            }
            x[g] = (millis[lowest] - millis[0]) / 1000.0;
            y[g] = bytes[lowest];
        }
        Statistics.Line line = Statistics.quantileLine(x, y, points, LIVE_SET_QUANTILE);
        if (line == null || !(line.slope() > 0)) {
            return null;
        }
        double now = line.at((nowMillis - millis[0]) / 1000.0);
        if (latestFloor >= 0) {
            now = Math.min(now, latestFloor);
        }
        return new double[] {line.slope(), now, Math.max(0.0, max - now) / line.slope()};
    }

    /** The latest after-GC floor of the finest horizon that has one, or -1. */
    private static long latestFloor(FloorLevels.Series[] series) {
        for (FloorLevels.Series s : series) {
            if (s.size() > 0) {
                return s.bytes()[s.size() - 1];
            }
        }
        return -1;
    }

    private static boolean urgent(Check a, Check b) {
        return a.secondsToExhaustion() < b.secondsToExhaustion();
    }

    private Check check(int level, boolean confirmed, long[] millis, long[] bytes, int n, long max, long spanMillis) {
        String kind = confirmed ? "live-set points" : "floors";
        String where = confirmed ? kind : format("%s on the %s horizon", kind, Duration.ofMillis(spanMillis));
        if (n < 3) {
            return new Check(
                    false,
                    level,
                    confirmed,
                    Double.NaN,
                    Double.NaN,
                    Double.POSITIVE_INFINITY,
                    n,
                    format("%d %s, need 3", n, where));
        }
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (millis[i] - millis[0]) / 1000.0;
            y[i] = bytes[i];
        }
        Statistics.Trend trend = Statistics.trend(x, y, n);
        double lower = trend.lowerBound(settings.alpha());
        double slope = trend.slope();
        double headroom = Math.max(0.0, max - (double) bytes[n - 1]);
        double tte = slope > 0 ? headroom / slope : Double.POSITIVE_INFINITY;
        double reach = settings.horizonFactor() * trend.xSpan();
        if (max <= 0) {
            return new Check(
                    false,
                    level,
                    confirmed,
                    slope,
                    lower,
                    Double.POSITIVE_INFINITY,
                    n,
                    "maximum heap undefined, growth cannot be judged");
        }
        if (!(lower > 0)) {
            return new Check(
                    false,
                    level,
                    confirmed,
                    slope,
                    lower,
                    Double.POSITIVE_INFINITY,
                    n,
                    format(
                            "%s rise %.3g B/s, lower bound %.3g B/s is not positive (%d floors)",
                            where, slope, lower, n));
        }
        double fillAtBound = headroom / lower;
        if (!(fillAtBound <= reach)) {
            return new Check(
                    false,
                    level,
                    confirmed,
                    slope,
                    lower,
                    Double.POSITIVE_INFINITY,
                    n,
                    format(
                            "%s rise at least %.3g B/s, which fills the heap in %.0f s, beyond this horizon's reach"
                                    + " of %.0f s",
                            where, lower, fillAtBound, reach));
        }
        double growth = lower * spanMillis / 1000.0 / max;
        if (!(growth >= settings.minGrowthFraction())) {
            return new Check(
                    false,
                    level,
                    confirmed,
                    slope,
                    lower,
                    Double.POSITIVE_INFINITY,
                    n,
                    format(
                            "%s rise at least %.3g B/s, %.2f%% of max over the horizon, below %.2f%%",
                            where, lower, growth * 100, settings.minGrowthFraction() * 100));
        }
        return new Check(
                true,
                level,
                confirmed,
                slope,
                lower,
                tte,
                n,
                format(
                        "%s rise %.3g B/s (at least %.3g B/s at %.3g confidence over %d floors), heap full in %.0f s",
                        where, slope, lower, 1 - settings.alpha(), n, tte),
                reach);
    }

    private static List<Floor> floors(FloorLevels.Series s) {
        List<Floor> floors = new ArrayList<>(s.size() + s.confirmedSize());
        for (int i = 0; i < s.size(); i++) {
            floors.add(new Floor(s.millis()[i], s.bytes()[i], false));
        }
        for (int i = 0; i < s.confirmedSize(); i++) {
            floors.add(new Floor(s.confirmedMillis()[i], s.confirmedBytes()[i], true));
        }
        floors.sort(Comparator.comparingLong(Floor::epochMillis));
        return floors;
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
