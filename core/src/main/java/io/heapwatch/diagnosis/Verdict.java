package io.heapwatch.diagnosis;

import java.util.List;
import java.util.Objects;

/**
 * The leak detector's verdict and evidence when the diagnosis was taken.
 *
 * @param available whether a leak detector runs; when false, the other values are empty
 * @param suspected whether a leak is confirmed (the live-set points rise)
 * @param state the verdict's state: {@code none}, {@code unconfirmed} or {@code confirmed}
 * @param reason the detector's explanation
 * @param growthBytesPerSecond the growth rate of the floors behind the verdict, {@code NaN} when unknown
 * @param growthLowerBound the lower confidence bound of that rate, {@code NaN} when unknown
 * @param secondsToExhaustion seconds until the floor reaches the maximum, {@code +Inf} with no evidence; a lower
 *     bound when the state is {@code unconfirmed}
 * @param floorsUsed floors of the horizon behind the verdict
 * @param windowSeconds that horizon's span
 * @param attribution why routes were or were not attributed
 * @param routes the route suspects, strongest first
 */
public record Verdict(
        boolean available,
        boolean suspected,
        String state,
        String reason,
        double growthBytesPerSecond,
        double growthLowerBound,
        double secondsToExhaustion,
        int floorsUsed,
        long windowSeconds,
        String attribution,
        List<Route> routes) {

    /** Copies the routes. */
    public Verdict {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(attribution, "attribution");
        routes = List.copyOf(routes);
    }

    /** No leak detector. */
    static Verdict unavailable(String reason) {
        return new Verdict(
                false,
                false,
                "none",
                reason,
                Double.NaN,
                Double.NaN,
                Double.POSITIVE_INFINITY,
                0,
                0,
                reason,
                List.of());
    }

    /**
     * A route whose traffic the floor follows.
     *
     * @param method the HTTP method
     * @param uri the route template
     * @param retainedBytesPerRequest bytes each request would retain if this route alone caused the growth
     * @param correlation the partial correlation of the floors with the route's requests
     */
    public record Route(String method, String uri, double retainedBytesPerRequest, double correlation) {}
}
