package io.heapwatch.leak;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The tunable parameters of leak detection. Immutable; build with {@link #builder()}, which starts from
 * {@link #defaults()}. Every value is validated, and a bad one is reported with its name and allowed range.
 *
 * @param window the span of the main horizon (default 30 minutes); a finer one spans a quarter of it, and two longer
 *     ones 12 and 144 times as much (7.5 minutes, 6 hours and 3 days by default)
 * @param subWindows the number of floors (minimum live bytes after GC) kept per horizon (default 15, range
 *     3&ndash;240)
 * @param alpha one minus the confidence level of the lower bound of the growth rate (default 0.001, range
 *     (0, 0.5])
 * @param horizonFactor how far ahead a horizon may project, in multiples of its span: a horizon reports a leak
 *     only when the lower bound of its growth rate fills the heap within {@code horizonFactor} spans (default 8,
 *     range [1, 1000]): 4 hours on the 30-minute horizon, 2 days on the 6-hour one, 24 days on the 3-day one
 * @param unprovenReach how far ahead a rise of the floors may be projected while no collection of the last 3 days has
 *     brought down a tooth of the sawtooth, so that nothing shows how much of the rise is dead objects waiting for
 *     one (after a start, before the first concurrent cycle of G1 or full collection of Parallel, or when such
 *     collections are more than 3 days apart): such a rise is reported only when the lower bound of its rate fills the
 *     heap within this time (default 1 hour; at least 1 second)
 * @param minGrowthFraction the minimum growth over a horizon's span at the lower bound of the rate, as a fraction
 *     of the maximum heap, for a verdict (default 0.02, range [0, 1])
 * @param topRoutes the number of route suspects reported (default 5, range 1&ndash;100)
 * @param maxTrackedRoutes the number of distinct (uri, method) pairs whose traffic is tracked; further routes are
 *     pooled as {@code OTHER} (default 200, range 1&ndash;10000)
 * @param attributionAlpha the significance level at which the best route's partial correlation with the floors
 *     must beat chance, Bonferroni-corrected for the number of routes compared, and beat the runner-up's (default
 *     0.05, range (0, 0.5])
 * @param evaluationInterval how often the background analyzer runs (default half the sub-window length)
 */
public record LeakDetectionSettings(
        Duration window,
        int subWindows,
        double alpha,
        double horizonFactor,
        Duration unprovenReach,
        double minGrowthFraction,
        int topRoutes,
        int maxTrackedRoutes,
        double attributionAlpha,
        Duration evaluationInterval) {

    /** The default window. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(30);
    /** The default number of sub-windows. */
    public static final int DEFAULT_SUB_WINDOWS = 15;

    private static final Duration MIN_SUB_WINDOW = Duration.ofSeconds(1);

    /** Validates every setting. */
    public LeakDetectionSettings {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(evaluationInterval, "evaluationInterval");
        Objects.requireNonNull(unprovenReach, "unprovenReach");
        requireRange("subWindows", subWindows, 3, 240);
        if (window.dividedBy(subWindows).compareTo(MIN_SUB_WINDOW) < 0) {
            throw new IllegalArgumentException("leak detection setting 'window' must be at least " + subWindows
                    + " seconds (one second per sub-window), was " + window);
        }
        requireOpenClosed("alpha", alpha, 0.0, 0.5);
        requireClosed("horizonFactor", horizonFactor, 1.0, 1000.0);
        if (unprovenReach.compareTo(MIN_SUB_WINDOW) < 0) {
            throw new IllegalArgumentException(
                    "leak detection setting 'unprovenReach' must be at least 1 second, was " + unprovenReach);
        }
        requireClosed("minGrowthFraction", minGrowthFraction, 0.0, 1.0);
        requireRange("topRoutes", topRoutes, 1, 100);
        requireRange("maxTrackedRoutes", maxTrackedRoutes, 1, 10_000);
        requireOpenClosed("attributionAlpha", attributionAlpha, 0.0, 0.5);
        if (evaluationInterval.compareTo(MIN_SUB_WINDOW) < 0) {
            throw new IllegalArgumentException(
                    "leak detection setting 'evaluationInterval' must be at least 1 second, was " + evaluationInterval);
        }
    }

    /** Returns the defaults listed on this record. */
    public static LeakDetectionSettings defaults() {
        return builder().build();
    }

    /** Returns a builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder holding these settings. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.window = window;
        builder.subWindows = subWindows;
        builder.alpha = alpha;
        builder.horizonFactor = horizonFactor;
        builder.unprovenReach = unprovenReach;
        builder.minGrowthFraction = minGrowthFraction;
        builder.topRoutes = topRoutes;
        builder.maxTrackedRoutes = maxTrackedRoutes;
        builder.attributionAlpha = attributionAlpha;
        builder.evaluationInterval = evaluationInterval.equals(subWindow().dividedBy(2)) ? null : evaluationInterval;
        return builder;
    }

    /**
     * The spans of the horizons, shortest first: a quarter of {@code window}, {@code window}, 12 and 144 times
     * {@code window} (7.5 minutes, 30 minutes, 6 hours and 3 days by default).
     */
    public java.util.List<Duration> horizons() {
        return java.util.List.of(
                window.dividedBy(FloorLevels.FINE_RATIO),
                window,
                window.multipliedBy(FloorLevels.LEVEL_RATIO),
                window.multipliedBy((long) FloorLevels.LEVEL_RATIO * FloorLevels.LEVEL_RATIO));
    }

    /** The length of one sub-window (the shortest horizon's bucket): {@code window / subWindows}. */
    public Duration subWindow() {
        return window.dividedBy(subWindows);
    }

    private static void requireRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    "leak detection setting '" + name + "' must be in [" + min + ", " + max + "], was " + value);
        }
    }

    private static void requireOpenClosed(String name, double value, double min, double max) {
        if (!(value > min && value <= max)) {
            throw new IllegalArgumentException(
                    "leak detection setting '" + name + "' must be in (" + min + ", " + max + "], was " + value);
        }
    }

    private static void requireClosed(String name, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(
                    "leak detection setting '" + name + "' must be in [" + min + ", " + max + "], was " + value);
        }
    }

    /** A mutable builder of {@link LeakDetectionSettings}; {@link #build()} validates. */
    public static final class Builder {
        private Duration window = DEFAULT_WINDOW;
        private int subWindows = DEFAULT_SUB_WINDOWS;
        private double alpha = 0.001;
        private double horizonFactor = 8.0;
        private Duration unprovenReach = Duration.ofHours(1);
        private double minGrowthFraction = 0.02;
        private int topRoutes = 5;
        private int maxTrackedRoutes = 200;
        private double attributionAlpha = 0.05;
        private @Nullable Duration evaluationInterval;

        private Builder() {}

        /** Sets {@link LeakDetectionSettings#window()}. */
        public Builder window(Duration window) {
            this.window = Objects.requireNonNull(window, "window");
            return this;
        }

        /** Sets {@link LeakDetectionSettings#subWindows()}. */
        public Builder subWindows(int subWindows) {
            this.subWindows = subWindows;
            return this;
        }

        /** Sets {@link LeakDetectionSettings#alpha()}. */
        public Builder alpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        /** Sets {@link LeakDetectionSettings#horizonFactor()}. */
        public Builder horizonFactor(double horizonFactor) {
            this.horizonFactor = horizonFactor;
            return this;
        }

        /** Sets {@link LeakDetectionSettings#unprovenReach()}. */
        public Builder unprovenReach(Duration unprovenReach) {
            this.unprovenReach = Objects.requireNonNull(unprovenReach, "unprovenReach");
            return this;
        }

        /** Sets {@link LeakDetectionSettings#minGrowthFraction()}. */
        public Builder minGrowthFraction(double minGrowthFraction) {
            this.minGrowthFraction = minGrowthFraction;
            return this;
        }

        /** Sets {@link LeakDetectionSettings#topRoutes()}. */
        public Builder topRoutes(int topRoutes) {
            this.topRoutes = topRoutes;
            return this;
        }

        /** Sets {@link LeakDetectionSettings#maxTrackedRoutes()}. */
        public Builder maxTrackedRoutes(int maxTrackedRoutes) {
            this.maxTrackedRoutes = maxTrackedRoutes;
            return this;
        }

        /** Sets {@link LeakDetectionSettings#attributionAlpha()}. */
        public Builder attributionAlpha(double attributionAlpha) {
            this.attributionAlpha = attributionAlpha;
            return this;
        }

        /** Sets {@link LeakDetectionSettings#evaluationInterval()}; by default half the sub-window length. */
        public Builder evaluationInterval(Duration evaluationInterval) {
            this.evaluationInterval = Objects.requireNonNull(evaluationInterval, "evaluationInterval");
            return this;
        }

        /** Validates and returns the settings. */
        public LeakDetectionSettings build() {
            if (subWindows < 1) {
                throw new IllegalArgumentException(
                        "leak detection setting 'subWindows' must be in [3, 240], was " + subWindows);
            }
            Duration interval = evaluationInterval != null ? evaluationInterval : window.dividedBy(subWindows * 2L);
            return new LeakDetectionSettings(
                    window,
                    subWindows,
                    alpha,
                    horizonFactor,
                    unprovenReach,
                    minGrowthFraction,
                    topRoutes,
                    maxTrackedRoutes,
                    attributionAlpha,
                    interval);
        }
    }
}
