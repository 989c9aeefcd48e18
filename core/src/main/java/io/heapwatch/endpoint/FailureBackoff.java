package io.heapwatch.endpoint;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Limits wrong credentials from anywhere to a burst of {@value #BURST}, then one per {@value #INTERVAL_SECONDS}
 * seconds on average (a token bucket kept as its theoretical arrival time). While the limit is reached, credentials
 * that were not verified before are not checked at all.
 */
final class FailureBackoff {

    static final int BURST = 10;
    static final long INTERVAL_SECONDS = 5;
    private static final long INTERVAL = TimeUnit.SECONDS.toNanos(INTERVAL_SECONDS);
    private static final long CAPACITY = BURST * INTERVAL;

    private static final long WARN_EVERY = TimeUnit.MINUTES.toNanos(1);

    private final LongSupplier nanoClock;
    private long tat;
    private long lastWarned;
    private boolean warned;

    FailureBackoff(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.tat = nanoClock.getAsLong();
    }

    /** Whether wrong credentials used up the burst: a further unverified attempt is refused unchecked. */
    synchronized boolean engaged() {
        return tat - nanoClock.getAsLong() > CAPACITY - INTERVAL;
    }

    /**
     * Records wrong credentials.
     *
     * @return whether this failure engaged the back-off and it is worth a warning (at most one a minute)
     */
    synchronized boolean recordFailure() {
        long now = nanoClock.getAsLong();
        if (tat - now < 0) {
            tat = now;
        }
        tat += INTERVAL;
        if (tat - now > CAPACITY - INTERVAL && (!warned || now - lastWarned > WARN_EVERY)) {
            warned = true;
            lastWarned = now;
            return true;
        }
        return false;
    }

    /** Whole seconds, at least 1, until an unverified attempt will be checked again. */
    synchronized long retryAfterSeconds() {
        long wait = tat - (CAPACITY - INTERVAL) - nanoClock.getAsLong();
        long second = TimeUnit.SECONDS.toNanos(1);
        return Math.max(1, (wait + second - 1) / second);
    }
}
