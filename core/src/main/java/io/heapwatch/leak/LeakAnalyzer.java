package io.heapwatch.leak;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether the floors of the live heap window show a leak. Stateless and thread-safe; meant to run off the
 * request path.
 *
 * <p>A leak is suspected when all of these hold:
 * <ol>
 *   <li>at least {@link LeakDetectionSettings#minFloors()} sub-window floors are available;</li>
 *   <li>the Mann&ndash;Kendall test finds an increasing trend at {@link LeakDetectionSettings#alpha()};</li>
 *   <li>the Theil&ndash;Sen slope of the floors over time is positive;</li>
 *   <li>that slope, projected over the whole window, adds at least
 *       {@link LeakDetectionSettings#minGrowthFraction()} of the maximum heap;</li>
 *   <li>the trend holds recently: the floors of the most recent two thirds also rise, Mann&ndash;Kendall at
 *       {@link LeakDetectionSettings#recentAlpha()}, and the median floor of the last third is not below the highest
 *       floor of the first third.</li>
 *   <li>the growth persists: the Theil&ndash;Sen slope of the last {@code max(4, subWindows / 4)} floors is at
 *       least half the whole window's slope, or the highest of the last {@code R - 1} floors tops every earlier
 *       floor by at least one sub-window's growth at the window's slope;</li>
 *   <li>for a new suspicion only (the previous assessment did not suspect a leak): the rise has not just broken
 *       off, that is the newest one or two steps between floors are not far below the regular steps before them
 *       (see {@link #ONSET_DEVIATIONS}).</li>
 * </ol>
 * Rule 5 clears a rise that was later reclaimed; rule 6 clears a cache warm-up or a startup ramp as soon as its
 * plateau fills the last few floors; rule 7 keeps a warm-up that has just ended from being suspected at all.
 */
public final class LeakAnalyzer {

    /** The fraction of the window's slope that the most recent floors must still rise at. */
    static final double PERSISTENCE_FRACTION = 0.5;

    /** How many robust deviations below the earlier steps' rates the newest step must fall to break a rise off. */
    static final double ONSET_DEVIATIONS = 4.0;

    private final LeakDetectionSettings settings;
    private final RouteAttributor attributor;

    /** Creates an analyzer with {@code settings}. */
    public LeakAnalyzer(LeakDetectionSettings settings) {
        this.settings = settings;
        this.attributor = new RouteAttributor(settings);
    }

    /** The settings in use. */
    public LeakDetectionSettings settings() {
        return settings;
    }

    /**
     * Assesses {@code floors} (oldest first, as from {@link LiveHeapWindow#floors}) and, when a leak is suspected,
     * attributes it to the routes of {@code traffic}.
     */
    public LeakAssessment assess(List<Floor> floors, TrafficCounts traffic) {
        return assess(floors, traffic, false);
    }

    /**
     * Assesses {@code floors} as {@link #assess(List, TrafficCounts)} does, knowing whether the previous assessment
     * suspected a leak: a new suspicion must also pass the onset rule, which an ongoing one does not need again.
     */
    public LeakAssessment assess(List<Floor> floors, TrafficCounts traffic, boolean suspectedBefore) {
        Duration window = settings.window();
        int n = floors.size();
        if (n < settings.minFloors()) {
            return notSuspected(
                    "only " + n + " of the " + settings.minFloors() + " sub-window floors needed",
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    n);
        }
        double[] seconds = new double[n];
        double[] bytes = new double[n];
        long origin = floors.get(0).epochMillis();
        for (int i = 0; i < n; i++) {
            seconds[i] = (floors.get(i).epochMillis() - origin) / 1000.0;
            bytes[i] = floors.get(i).liveBytes();
        }
        double slope = TheilSen.slope(seconds, bytes);
        double pValue = MannKendall.test(bytes).pValueIncreasing();
        long maxBytes = floors.get(n - 1).maxBytes();
        double windowSeconds = window.toMillis() / 1000.0;
        double growthFraction = maxBytes > 0 ? slope * windowSeconds / maxBytes : Double.NaN;

        if (!(pValue < settings.alpha())) {
            return notSuspected(
                    format("no significant rise of the floor (p=%.3g >= alpha %.3g)", pValue, settings.alpha()),
                    slope,
                    pValue,
                    growthFraction,
                    n);
        }
        if (!(slope > 0)) {
            return notSuspected(
                    format("floor slope %.3g B/s is not positive", slope), slope, pValue, growthFraction, n);
        }
        if (maxBytes <= 0) {
            return notSuspected("maximum heap undefined, growth cannot be judged", slope, pValue, growthFraction, n);
        }
        if (!(growthFraction >= settings.minGrowthFraction())) {
            return notSuspected(
                    format(
                            "growth over the window %.2f%% of max is below %.2f%%",
                            growthFraction * 100, settings.minGrowthFraction() * 100),
                    slope,
                    pValue,
                    growthFraction,
                    n);
        }
        String recent = recentTrendFailure(bytes);
        if (recent == null) {
            recent = persistenceFailure(seconds, bytes, slope);
        }
        if (recent == null && !suspectedBefore) {
            recent = onsetFailure(seconds, bytes, slope);
        }
        if (recent != null) {
            return notSuspected(recent, slope, pValue, growthFraction, n);
        }
        double headroom = Math.max(0.0, maxBytes - bytes[n - 1]);
        double secondsToExhaustion = headroom / slope;
        Attribution attribution = attributor.attribute(floors, traffic);
        return new LeakAssessment(
                true,
                format("floor rising %.3g B/s (p=%.3g), %.1f%% of max per window", slope, pValue, growthFraction * 100),
                slope,
                pValue,
                growthFraction,
                secondsToExhaustion,
                n,
                window,
                attribution);
    }

    private @Nullable String recentTrendFailure(double[] bytes) {
        int n = bytes.length;
        int third = Math.max(1, n / 3);
        if (settings.recentAlpha() < 1.0) {
            int recentCount = n - third;
            double[] recent = new double[recentCount];
            System.arraycopy(bytes, third, recent, 0, recentCount);
            double recentP = MannKendall.test(recent).pValueIncreasing();
            if (!(recentP < settings.recentAlpha())) {
                return format(
                        "the recent two thirds of the window do not rise (p=%.3g >= %.3g)",
                        recentP, settings.recentAlpha());
            }
        }
        double firstMax = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < third; i++) {
            firstMax = Math.max(firstMax, bytes[i]);
        }
        double[] last = new double[third];
        System.arraycopy(bytes, n - third, last, 0, third);
        double lastMedian = TheilSen.median(last);
        if (lastMedian < firstMax) {
            return format(
                    "the last third's median floor %.0f B is below the first third's highest %.0f B",
                    lastMedian, firstMax);
        }
        return null;
    }

    /**
     * The number of most recent floors in which growth must persist: {@code max(4, subWindows / 4)}, four for the
     * default 15 sub-windows. Three floors made a noisy leak near the growth threshold flicker more often than the
     * other rules do; four do not.
     */
    static int persistenceFloors(int subWindows) {
        return Math.max(4, subWindows / 4);
    }

    /**
     * The growth must persist in the most recent {@code R} floors: either their Theil&ndash;Sen slope is at least
     * {@link #PERSISTENCE_FRACTION} of the whole window's, or the highest of the last {@code R - 1} floors tops
     * every earlier floor by at least one sub-window's growth at the window's slope. A plateau (the end of a
     * warm-up or a startup ramp) fails both as soon as it fills those floors, instead of once it fills most of the
     * window; a noisy but continuing leak keeps making new highs even when a short slope dips. The margin is a full
     * sub-window's growth, not half: with half, floor noise alone let a slow creep after a ramp set "new highs".
     */
    private @Nullable String persistenceFailure(double[] seconds, double[] bytes, double slope) {
        int n = bytes.length;
        int r = Math.min(n - 1, persistenceFloors(settings.subWindows()));
        double[] x = new double[r];
        double[] y = new double[r];
        System.arraycopy(seconds, n - r, x, 0, r);
        System.arraycopy(bytes, n - r, y, 0, r);
        double recentSlope = TheilSen.slope(x, y);
        if (recentSlope >= PERSISTENCE_FRACTION * slope) {
            return null;
        }
        // the new high must be set after the first of the recent floors, so that the step from the last rising
        // floor to the first plateau floor does not count
        double earlierMax = Double.NEGATIVE_INFINITY;
        for (int i = 0; i <= n - r; i++) {
            earlierMax = Math.max(earlierMax, bytes[i]);
        }
        double recentMax = Double.NEGATIVE_INFINITY;
        for (int i = n - r + 1; i < n; i++) {
            recentMax = Math.max(recentMax, bytes[i]);
        }
        double subWindowSeconds = settings.subWindow().toMillis() / 1000.0;
        double margin = slope * subWindowSeconds;
        if (recentMax >= earlierMax + margin) {
            return null;
        }
        return format(
                "growth stopped: the last %d floors rise %.3g B/s, less than %.0f%% of the window's "
                        + "%.3g B/s, and set no new high (%.0f B over the earlier floors, less than %.0f B)",
                r, recentSlope, PERSISTENCE_FRACTION * 100, slope, recentMax - earlierMax, margin);
    }

    /**
     * A new suspicion is not raised on a rise that has just broken off: when the newest one or two steps between
     * floors all rise at less than {@link #PERSISTENCE_FRACTION} of the window's slope and more than
     * {@link #ONSET_DEVIATIONS} robust deviations (1.4826 &times; the median absolute deviation) below the median
     * rate of the steps before them (at least three). A cache warm-up that rises in regular steps and then stops is
     * caught at its first or second flat floor; a leak's steps scatter with its traffic and the floors' noise, so a
     * low step stays within their spread. It only delays a verdict: an ongoing suspicion is cleared by rules 5 and
     * 6, never by this one.
     */
    private @Nullable String onsetFailure(double[] seconds, double[] bytes, double slope) {
        int steps = bytes.length - 1;
        double[] rates = new double[steps];
        for (int i = 0; i < steps; i++) {
            rates[i] = (bytes[i + 1] - bytes[i]) / (seconds[i + 1] - seconds[i]);
        }
        for (int newest = 1; newest <= 2; newest++) {
            int earlierCount = steps - newest;
            if (earlierCount < 3) {
                break;
            }
            double[] earlier = Arrays.copyOf(rates, earlierCount);
            double center = TheilSen.median(earlier.clone());
            for (int i = 0; i < earlierCount; i++) {
                earlier[i] = Math.abs(earlier[i] - center);
            }
            double spread = 1.4826 * TheilSen.median(earlier);
            double bound = Math.min(PERSISTENCE_FRACTION * slope, center - ONSET_DEVIATIONS * spread);
            boolean brokeOff = true;
            for (int i = earlierCount; i < steps; i++) {
                brokeOff &= rates[i] < bound;
            }
            if (brokeOff) {
                return format(
                        "the rise broke off: the newest %d step(s) rose less than %.3g B/s, against a median %.3g B/s"
                                + " (robust deviation %.3g) over the %d steps before",
                        newest, bound, center, spread, earlierCount);
            }
        }
        return null;
    }

    private LeakAssessment notSuspected(String reason, double slope, double pValue, double growthFraction, int n) {
        return new LeakAssessment(
                false,
                reason,
                slope,
                pValue,
                growthFraction,
                Double.POSITIVE_INFINITY,
                n,
                settings.window(),
                Attribution.refused("no leak suspected"));
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
