package io.heapwatch.endpoint;

import io.heapwatch.endpoint.BasicAuthenticator.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link PrometheusMeterRegistry} in the Prometheus text format, or in OpenMetrics when the {@code Accept}
 * header asks for it, behind mandatory HTTP basic authentication:
 *
 * <ul>
 *   <li>no credentials configured: 500, whatever the request;
 *   <li>missing, malformed or wrong credentials: 401 with {@code WWW-Authenticate}, the same for every cause;
 *   <li>right credentials: 200 for GET and HEAD, 405 for other methods.
 * </ul>
 *
 * <p>Failures are counted by reason in {@code heapwatch_metrics_auth_failures_total}.
 */
public final class MetricsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(MetricsServlet.class);

    static final String AUTH_FAILURES = "heapwatch.metrics.auth.failures";
    static final String WWW_AUTHENTICATE = "Basic realm=\"metrics\", charset=\"UTF-8\"";
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    static final String NOT_CONFIGURED_BODY = "metrics authentication is not configured\n";

    private final transient PrometheusMeterRegistry registry;
    private final transient BasicAuthenticator authenticator;
    private final transient Map<Outcome, Counter> failures = new EnumMap<>(Outcome.class);
    private final transient MeterRegistry failureRegistry;
    private volatile int lastScrapeSize = 8192;
    private final transient java.util.concurrent.atomic.AtomicBoolean failureCountLogged =
            new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * @param registry the registry to serve
     * @param authenticator the credentials check; an unconfigured one makes every request answer 500
     * @param tags tags of the auth-failure counter (for example {@code container})
     */
    public MetricsServlet(PrometheusMeterRegistry registry, BasicAuthenticator authenticator, Tags tags) {
        this.registry = registry;
        this.authenticator = authenticator;
        this.failureRegistry = registry;
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
        if (!authenticator.configured()) {
            log.warn("heapwatch: METRICS_AUTH_USERNAME and METRICS_AUTH_PASSWORD are not set; /metrics answers 500"
                    + " to every request until they are");
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Cache-Control", "no-store");
        Outcome outcome = authenticator.authenticate(req.getHeaders("Authorization"));
        if (outcome != Outcome.AUTHENTICATED) {
            countFailure(outcome);
            if (outcome == Outcome.NOT_CONFIGURED) {
                writeText(resp, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, NOT_CONFIGURED_BODY);
            } else {
                resp.setHeader("WWW-Authenticate", WWW_AUTHENTICATE);
                writeText(resp, HttpServletResponse.SC_UNAUTHORIZED, "Unauthorized\n");
            }
            return;
        }
        String method = req.getMethod();
        boolean head = "HEAD".equals(method);
        if (!head && !"GET".equals(method)) {
            resp.setHeader("Allow", "GET, HEAD");
            writeText(resp, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "Method Not Allowed\n");
            return;
        }
        String contentType = wantsOpenMetrics(req.getHeader("Accept")) ? OPENMETRICS_TEXT : PROMETHEUS_TEXT;
        ByteArrayOutputStream body = new ByteArrayOutputStream(lastScrapeSize + 1024);
        registry.scrape(body, contentType);
        lastScrapeSize = body.size();
        resp.setStatus(HttpServletResponse.SC_OK);
        resp.setContentType(contentType);
        resp.setContentLength(body.size());
        if (!head) {
            body.writeTo(resp.getOutputStream());
        }
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

    static boolean wantsOpenMetrics(@Nullable String accept) {
        return accept != null && accept.contains("application/openmetrics-text");
    }

    private static void writeText(HttpServletResponse resp, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("text/plain; charset=utf-8");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    /** Removes the auth-failure counters from the registry. */
    public void removeMeters() {
        for (Meter m : failures.values()) {
            failureRegistry.remove(m);
        }
    }
}
