package io.heapwatch.leak;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The tunable parameters of leak detection. Immutable; build with {@link #builder()}, which starts from
 * {@link #defaults()}. Every value is validated, and a bad one is reported with its name and allowed range.
 *
 * @param window the sliding window of after-GC samples analysed (default 30 minutes)
 * @param subWindows the number of sub-windows the window is split into; one floor (minimum live bytes) is kept
 *     per sub-window (default 15, range 3&ndash;240)
 * @param minFloors the number of closed sub-windows with at least one GC sample needed before any verdict
 *     (default 6, range 3&ndash;{@code subWindows})
 * @param alpha the significance level of the Mann&ndash;Kendall test for an increasing trend (default 0.01, range
 *     (0, 0.5])
 * @param recentAlpha the significance level of the same test on the most recent two thirds of the floors, which
 *     must also rise so that a warm-up that has levelled off clears early; 1 disables this check (default 0.05,
 *     range (0, 1])
 * @param minGrowthFraction the minimum growth projected over the window, as a fraction of the maximum heap,
 *     for a verdict (default 0.02, range [0, 1])
 * @param topRoutes the number of route suspects reported (default 5, range 1&ndash;100)
 * @param maxTrackedRoutes the number of distinct (uri, method) pairs whose traffic is tracked; further routes are
 *     pooled as {@code OTHER} (default 200, range 1&ndash;10000)
 * @param maxConditionNumber the largest condition number of the leading suspects' unit-scaled traffic deviations
 *     for which routes are attributed (default 20, range (1, 1e6])
 * @param attributionAlpha the significance level at which the best route's partial correlation with the floors
 *     must beat chance, Bonferroni-corrected for the number of routes compared (default 0.05, range
 *     (0, 0.5])
 * @param evaluationInterval how often the background analyzer runs (default the sub-window length)
 */
public record LeakDetectionSettings(
        Duration window,
        int subWindows,
        int minFloors,
        double alpha,
        double recentAlpha,
        double minGrowthFraction,
        int topRoutes,
        int maxTrackedRoutes,
        double maxConditionNumber,
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
        requireRange("subWindows", subWindows, 3, 240);
        if (window.dividedBy(subWindows).compareTo(MIN_SUB_WINDOW) < 0) {
            throw new IllegalArgumentException("leak detection setting 'window' must be at least " + subWindows
                    + " seconds (one second per sub-window), was " + window);
        }
        requireRange("minFloors", minFloors, 3, subWindows);
        requireOpenClosed("alpha", alpha, 0.0, 0.5);
        requireOpenClosed("recentAlpha", recentAlpha, 0.0, 1.0);
        requireClosed("minGrowthFraction", minGrowthFraction, 0.0, 1.0);
        requireRange("topRoutes", topRoutes, 1, 100);
        requireRange("maxTrackedRoutes", maxTrackedRoutes, 1, 10_000);
        requireOpenClosed("maxConditionNumber", maxConditionNumber, 1.0, 1e6);
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
        builder.minFloors = minFloors;
        builder.alpha = alpha;
        builder.recentAlpha = recentAlpha;
        builder.minGrowthFraction = minGrowthFraction;
        builder.topRoutes = topRoutes;
        builder.maxTrackedRoutes = maxTrackedRoutes;
        builder.maxConditionNumber = maxConditionNumber;
        builder.attributionAlpha = attributionAlpha;
        builder.evaluationInterval = evaluationInterval.equals(subWindow()) ? null : evaluationInterval;
        return builder;
    }

    /** The length of one sub-window: {@code window / subWindows}. */
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
        private int minFloors = 6;
        private double alpha = 0.01;
        private double recentAlpha = 0.05;
        private double minGrowthFraction = 0.02;
        private int topRoutes = 5;
        private int maxTrackedRoutes = 200;
        private double maxConditionNumber = 20.0;
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

        /** Sets {@link LeakDetectionSettings#minFloors()}. */
        public Builder minFloors(int minFloors) {
            this.minFloors = minFloors;
            return this;
        }

        /** Sets {@link LeakDetectionSettings#alpha()}. */
        public Builder alpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        /** Sets {@link LeakDetectionSettings#recentAlpha()}. */
        public Builder recentAlpha(double recentAlpha) {
            this.recentAlpha = recentAlpha;
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

        /** Sets {@link LeakDetectionSettings#maxConditionNumber()}. */
        public Builder maxConditionNumber(double maxConditionNumber) {
            this.maxConditionNumber = maxConditionNumber;
            return this;
        }

        /** Sets {@link LeakDetectionSettings#attributionAlpha()}. */
        public Builder attributionAlpha(double attributionAlpha) {
            this.attributionAlpha = attributionAlpha;
            return this;
        }

        /** Sets {@link LeakDetectionSettings#evaluationInterval()}; by default the sub-window length. */
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
            Duration interval = evaluationInterval != null ? evaluationInterval : window.dividedBy(subWindows);
            return new LeakDetectionSettings(
                    window,
                    subWindows,
                    minFloors,
                    alpha,
                    recentAlpha,
                    minGrowthFraction,
                    topRoutes,
                    maxTrackedRoutes,
                    maxConditionNumber,
                    attributionAlpha,
                    interval);
        }
    }
}
