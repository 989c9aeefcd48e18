package io.heapwatch.leak;

import java.time.Duration;
import java.util.Objects;

/**
 * The verdict of one leak analysis and its evidence. Immutable.
 *
 * @param suspected whether the live heap's floor rises enough, significantly and recently enough, to suspect a
 *     leak
 * @param reason a short human-readable explanation of the verdict
 * @param growthBytesPerSecond the Theil&ndash;Sen slope of the floors, {@code NaN} with too few floors
 * @param pValue the one-sided Mann&ndash;Kendall p-value for an increasing floor, {@code NaN} with too few floors
 * @param growthFractionOfMax {@code growthBytesPerSecond * window} divided by the maximum heap; {@code NaN} when
 *     unknown
 * @param secondsToExhaustion seconds until the floor reaches the maximum at the current slope when a leak is
 *     suspected; {@link Double#POSITIVE_INFINITY} otherwise (not growing, or growing too little or too
 *     irregularly to be called a leak)
 * @param floorsUsed the number of sub-window floors analysed
 * @param window the analysed window
 * @param attribution the route attribution; refused with a reason when no leak is suspected
 */
public record LeakAssessment(
        boolean suspected,
        String reason,
        double growthBytesPerSecond,
        double pValue,
        double growthFractionOfMax,
        double secondsToExhaustion,
        int floorsUsed,
        Duration window,
        Attribution attribution) {

    /** Requires the reference components. */
    public LeakAssessment {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(attribution, "attribution");
    }

    /** The assessment before any analysis has run. */
    public static LeakAssessment initial(Duration window) {
        return new LeakAssessment(
                false,
                "not analysed yet",
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.POSITIVE_INFINITY,
                0,
                window,
                Attribution.refused("no leak suspected"));
    }
}
