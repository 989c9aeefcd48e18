package io.heapwatch.endpoint;

import io.heapwatch.endpoint.BasicAuthenticator.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mandatory authentication in front of heapwatch's endpoints, for any servlet that serves heapwatch data:
 *
 * <pre>{@code
 * if (guard.check(req, resp) != Outcome.AUTHENTICATED) {
 *     return; // the refusal is written and counted
 * }
 * }</pre>
 *
 * <ul>
 *   <li>no credentials configured: 500, whatever the request;
 *   <li>missing, malformed or wrong credentials: 401 with {@code WWW-Authenticate}, the same for every cause;
 *   <li>back-off engaged (see {@link BasicAuthenticator}): 429 with {@code Retry-After}.
 * </ul>
 *
 * <p>Every refusal is counted once in {@code heapwatch_metrics_auth_failures_total}, tagged with its
 * {@link Outcome#reason() reason}. Guards built on the same authenticator share its back-off and its remembered
 * credentials; guards with the same registry and tags share the counters.
 */
public final class AuthGuard {

    private static final Logger log = LoggerFactory.getLogger(AuthGuard.class);

    static final String AUTH_FAILURES = "heapwatch.metrics.auth.failures";
    static final String WWW_AUTHENTICATE = "Basic realm=\"metrics\", charset=\"UTF-8\"";
    static final String NOT_CONFIGURED_BODY = "metrics authentication is not configured\n";

    private final BasicAuthenticator authenticator;
    private final MeterRegistry registry;
    private final Map<Outcome, Counter> failures = new EnumMap<>(Outcome.class);
    private final AtomicBoolean failureCountLogged = new AtomicBoolean();

    /**
     * @param authenticator the credentials check; an unconfigured one makes every request answer 500
     * @param registry where the refusals are counted
     * @param tags tags of the refusal counter (for example {@code container})
     */
    public AuthGuard(BasicAuthenticator authenticator, MeterRegistry registry, Tags tags) {
        this.authenticator = authenticator;
        this.registry = registry;
        for (Outcome o : Outcome.values()) {
            if (o != Outcome.AUTHENTICATED) {
                failures.put(
                        o,
                        Counter.builder(AUTH_FAILURES)
                                .tags(tags.and("reason", o.reason()))
                                .description("Requests to /metrics refused, by reason")
                                .register(registry));
            }
        }
    }

    /** The authenticator behind this guard. */
    public BasicAuthenticator authenticator() {
        return authenticator;
    }

    /**
     * Checks a request's credentials. Unless the outcome is {@link Outcome#AUTHENTICATED}, the refusal (500, 401 or
     * 429) has been written and counted, and the caller must write nothing more.
     */
    public Outcome check(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Outcome outcome = authenticator.authenticate(req.getHeaders("Authorization"));
        if (outcome == Outcome.AUTHENTICATED) {
            return outcome;
        }
        countFailure(outcome);
        resp.setHeader("Cache-Control", "no-store");
        switch (outcome) {
            case NOT_CONFIGURED -> writeText(resp, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, NOT_CONFIGURED_BODY);
            case THROTTLED -> {
                resp.setHeader("Retry-After", Long.toString(authenticator.retryAfterSeconds()));
                writeText(resp, 429, "Too Many Requests\n");
            }
            default -> {
                resp.setHeader("WWW-Authenticate", WWW_AUTHENTICATE);
                writeText(resp, HttpServletResponse.SC_UNAUTHORIZED, "Unauthorized\n");
            }
        }
        return outcome;
    }

    /** Counts a refusal; a failing registry must not turn the refusal into a 500 or let the request through. */
    private void countFailure(Outcome outcome) {
        try {
            Counter counter = failures.get(outcome);
            if (counter != null) {
                counter.increment();
            }
        } catch (RuntimeException e) {
            if (failureCountLogged.compareAndSet(false, true)) {
                log.warn(
                        "heapwatch: counting a refused /metrics request failed; the request is refused anyway and"
                                + " further counting failures are not logged",
                        e);
            }
        }
    }

    /** Writes a short plain-text response: the one way heapwatch's endpoints answer with a status and no data. */
    static void writeText(HttpServletResponse resp, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("text/plain; charset=utf-8");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    /** Removes the refusal counters from the registry. */
    public void removeMeters() {
        for (Meter m : failures.values()) {
            registry.remove(m);
        }
    }
}
