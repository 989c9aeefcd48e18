package io.heapwatch.leak;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The verdict of one leak analysis and its evidence. Immutable.
 *
 * @param state the verdict: no evidence, a rise of the after-GC floors not confirmed by collections that reclaimed
 *     long-lived space, or a rise of the live set itself
 * @param reason a short human-readable explanation of the verdict
 * @param growthBytesPerSecond the least-squares growth rate of the floors behind the verdict (the confirmed floors
 *     when confirmed), {@code NaN} when no horizon has enough floors
 * @param growthLowerBound the one-sided lower confidence bound of that rate at {@code 1 - alpha}
 * @param secondsToExhaustion seconds until the floor reaches the maximum at {@code growthBytesPerSecond} when a leak
 *     is suspected or a rise is seen; {@link Double#POSITIVE_INFINITY} with no evidence. When the rise is
 *     unconfirmed it is a lower bound: part of the rise may be dead objects a later collection reclaims.
 * @param liveSetBytes the latest floor of a collection that reclaimed long-lived space (a live-set point), or -1
 *     when none is in the longest horizon
 * @param liveBytesAfterGc the latest after-GC floor of any collection (an upper bound of the live set), or -1
 * @param maxBytes the maximum the retained heap can grow to, or -1 when unknown
 * @param horizon the span of the horizon behind the verdict (the shortest one with no evidence)
 * @param floors the floors of that horizon, oldest first
 * @param routesAttributed whether routes could be told apart; {@code suspects} is empty otherwise
 * @param routeReason why routes were or were not attributed
 * @param suspects the route suspects, best first
 */
public record LeakAssessment(
        State state,
        String reason,
        double growthBytesPerSecond,
        double growthLowerBound,
        double secondsToExhaustion,
        long liveSetBytes,
        long liveBytesAfterGc,
        long maxBytes,
        Duration horizon,
        List<Floor> floors,
        boolean routesAttributed,
        String routeReason,
        List<RouteSuspect> suspects) {

    /** What the floors say. */
    public enum State {
        /** No horizon's floors rise fast enough, or too few floors yet. */
        NO_EVIDENCE,
        /**
         * The after-GC floors rise fast enough to fill the heap within a horizon's reach, but the collections that
         * reclaimed long-lived space do not (yet) show the live set rising: the rise may be dead objects promoted
         * since the last such collection. The time to exhaustion is a lower bound.
         */
        RISING_UNCONFIRMED,
        /** The live-set points themselves rise fast enough to fill the heap within a horizon's reach. */
        CONFIRMED;

        /** The state's label in metrics: {@code none}, {@code unconfirmed} or {@code confirmed}. */
        public String label() {
            return switch (this) {
                case NO_EVIDENCE -> "none";
                case RISING_UNCONFIRMED -> "unconfirmed";
                case CONFIRMED -> "confirmed";
            };
        }
    }

    /**
     * One floor: the lowest retained heap after a collection in a bucket of a horizon.
     *
     * @param epochMillis when the lowest sample was taken
     * @param liveBytes its retained bytes
     * @param confirmed whether it came from a collection that reclaimed long-lived space (a live-set point)
     */
    public record Floor(long epochMillis, long liveBytes, boolean confirmed) {}

    /** Requires the reference components and copies the lists. */
    public LeakAssessment {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(horizon, "horizon");
        Objects.requireNonNull(routeReason, "routeReason");
        floors = List.copyOf(floors);
        suspects = List.copyOf(suspects);
    }

    /** Whether a leak is confirmed: the live-set points rise (the meaning of {@code heapwatch.leak.suspected}). */
    public boolean suspected() {
        return state == State.CONFIRMED;
    }

    /** Whether {@link #secondsToExhaustion()} is only a lower bound (an unconfirmed rise). */
    public boolean exhaustionIsLowerBound() {
        return state == State.RISING_UNCONFIRMED;
    }

    /** The assessment before any analysis has run. */
    public static LeakAssessment initial(Duration horizon) {
        return new LeakAssessment(
                State.NO_EVIDENCE,
                "not analysed yet",
                Double.NaN,
                Double.NaN,
                Double.POSITIVE_INFINITY,
                -1,
                -1,
                -1,
                horizon,
                List.of(),
                false,
                "no leak suspected",
                List.of());
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%s over %s: %s; routes: %s%s",
                state.label(),
                horizon,
                reason,
                routesAttributed ? "" : "not attributed, ",
                routesAttributed ? suspects.toString() : routeReason);
    }
}
