package io.heapwatch.endpoint;

import io.heapwatch.endpoint.BasicAuthenticator.Outcome;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link PrometheusMeterRegistry} in the Prometheus text format, or in OpenMetrics when the {@code Accept}
 * header asks for it, behind mandatory HTTP basic authentication (an {@link AuthGuard}: 500 without configured
 * credentials, 401 for missing or wrong ones, 429 while the back-off is engaged); with the right credentials, 200 for
 * GET and HEAD and 405 for other methods.
 */
public final class MetricsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(MetricsServlet.class);

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final transient PrometheusMeterRegistry registry;
    private final transient AuthGuard guard;
    private volatile int lastScrapeSize = 8192;

    /**
     * @param registry the registry to serve
     * @param authenticator the credentials check; an unconfigured one makes every request answer 500
     * @param tags tags of the auth-failure counter (for example {@code container})
     */
    public MetricsServlet(PrometheusMeterRegistry registry, BasicAuthenticator authenticator, Tags tags) {
        this(registry, new AuthGuard(authenticator, registry, tags));
    }

    /**
     * @param registry the registry to serve
     * @param guard the authentication, shared with heapwatch's other endpoints
     */
    public MetricsServlet(PrometheusMeterRegistry registry, AuthGuard guard) {
        this.registry = registry;
        this.guard = guard;
        if (!guard.authenticator().configured()) {
            log.warn("heapwatch: METRICS_AUTH_USERNAME and METRICS_AUTH_PASSWORD are not set; /metrics answers 500"
                    + " to every request until they are");
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Cache-Control", "no-store");
        if (guard.check(req, resp) != Outcome.AUTHENTICATED) {
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
        guard.removeMeters();
    }
}
