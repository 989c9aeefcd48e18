package io.heapwatch.leak;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of attributing floor growth to routes.
 *
 * @param attributable whether the traffic allowed routes to be told apart; when false, {@code suspects} is empty
 *     and {@code reason} says why
 * @param reason why routes were or were not attributed
 * @param suspects the top suspects, best first
 */
record Attribution(boolean attributable, String reason, List<RouteSuspect> suspects) {

    Attribution {
        Objects.requireNonNull(reason, "reason");
        suspects = List.copyOf(suspects);
    }

    static Attribution refused(String reason) {
        return new Attribution(false, reason, List.of());
    }
}
