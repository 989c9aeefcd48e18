package io.heapwatch.spring.boot;

import io.heapwatch.endpoint.BasicAuthenticator;
import io.heapwatch.endpoint.BasicAuthenticator.Outcome;
import io.heapwatch.servlet.Heapwatch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts heapwatch's HTTP basic authentication in front of the Actuator endpoints that render the meter registry, with
 * the same answers as {@code /metrics}: 500 while no credentials are configured, 401 with {@code WWW-Authenticate} for
 * missing, malformed or wrong ones, whatever the method. Other requests pass untouched. Refusals are counted in
 * {@code heapwatch_metrics_auth_failures_total}, the counter {@code /metrics} uses.
 *
 * <p>The paths come from Actuator's path mapping (see {@link RegistryEndpointPaths} for how requests are matched).
 */
public final class ActuatorBasicAuthFilter implements Filter {

    private static final Logger log = LoggerFactory.getLogger(ActuatorBasicAuthFilter.class);

    static final String AUTH_FAILURES = "heapwatch.metrics.auth.failures";
    static final String WWW_AUTHENTICATE = "Basic realm=\"metrics\", charset=\"UTF-8\"";
    static final String NOT_CONFIGURED_BODY = "metrics authentication is not configured\n";

    private final BasicAuthenticator authenticator;
    private final Supplier<RegistryEndpointPaths> paths;
    private final Map<Outcome, Counter> failures = new EnumMap<>(Outcome.class);
    private final MeterRegistry failureRegistry;
    private final AtomicBoolean failureCountLogged = new AtomicBoolean();

    /**
     * @param authenticator heapwatch's credentials check
     * @param paths the endpoint paths; called on every request, so it must be cheap
     * @param failureRegistry where refusals are counted
     * @param tags tags of the refusal counter (for example {@code container})
     */
    ActuatorBasicAuthFilter(
            BasicAuthenticator authenticator,
            Supplier<RegistryEndpointPaths> paths,
            MeterRegistry failureRegistry,
            Tags tags) {
        this.authenticator = authenticator;
        this.paths = paths;
        this.failureRegistry = failureRegistry;
        for (Outcome o : Outcome.values()) {
            if (o != Outcome.AUTHENTICATED) {
                failures.put(
                        o,
                        Counter.builder(AUTH_FAILURES)
                                .tags(tags.and("reason", o.reason()))
                                .description("Requests to /metrics refused, by reason")
                                .register(failureRegistry));
            }
        }
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest req
                && response instanceof HttpServletResponse resp
                && paths.get().matches(req)
                && !servedByHeapwatch(req)) {
            Outcome outcome = authenticator.authenticate(req.getHeaders("Authorization"));
            if (outcome != Outcome.AUTHENTICATED) {
                refuse(resp, outcome);
                return;
            }
        }
        chain.doFilter(request, response);
    }

    /** heapwatch's own /metrics servlet authenticates itself (it could share a path when the base path is "/"). */
    private static boolean servedByHeapwatch(HttpServletRequest request) {
        HttpServletMapping mapping = request.getHttpServletMapping();
        return mapping != null && Heapwatch.SERVLET_NAME.equals(mapping.getServletName());
    }

    private void refuse(HttpServletResponse resp, Outcome outcome) throws IOException {
        countFailure(outcome);
        resp.setHeader("Cache-Control", "no-store");
        if (outcome == Outcome.NOT_CONFIGURED) {
            writeText(resp, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, NOT_CONFIGURED_BODY);
        } else {
            resp.setHeader("WWW-Authenticate", WWW_AUTHENTICATE);
            writeText(resp, HttpServletResponse.SC_UNAUTHORIZED, "Unauthorized\n");
        }
    }

    /** Counts a refusal; a failing registry must not turn the refusal into a 500 or let the request through. */
    private void countFailure(Outcome outcome) {
        try {
            failures.get(outcome).increment();
        } catch (RuntimeException e) {
            if (failureCountLogged.compareAndSet(false, true)) {
                log.warn(
                        "heapwatch: counting a refused Actuator request failed; the request is refused anyway and"
                                + " further counting failures are not logged",
                        e);
            }
        }
    }

    private static void writeText(HttpServletResponse resp, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("text/plain; charset=utf-8");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    /** Removes the refusal counters from the registry. */
    public void removeMeters() {
        for (Meter m : failures.values()) {
            failureRegistry.remove(m);
        }
    }
}
