package io.heapwatch.leak;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of attributing floor growth to routes.
 *
 * @param attributable whether the traffic allowed routes to be told apart; when false, {@code suspects} is empty
 *     and {@code reason} says why
 * @param reason why routes were or were not attributed
 * @param suspects the top suspects, highest retained bytes per request first
 * @param conditionNumber the condition estimate of the column-scaled traffic matrix ({@code NaN} if not computed)
 * @param fit the coefficient of determination (R&sup2;) of the fit ({@code NaN} if not computed)
 */
public record Attribution(
        boolean attributable, String reason, List<RouteSuspect> suspects, double conditionNumber, double fit) {

    /** Copies the suspects and requires a reason. */
    public Attribution {
        Objects.requireNonNull(reason, "reason");
        suspects = List.copyOf(suspects);
    }

    /** An attribution that was refused or not attempted, for {@code reason}. */
    public static Attribution refused(String reason) {
        return new Attribution(false, reason, List.of(), Double.NaN, Double.NaN);
    }
}
