package io.heapwatch.endpoint;

import io.heapwatch.endpoint.BasicAuthenticator.Outcome;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.MetricNameFilter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link PrometheusMeterRegistry} through the Prometheus client's exposition formats, behind mandatory HTTP
 * basic authentication (an {@link AuthGuard}):
 *
 * <ul>
 *   <li>no credentials configured: 500, whatever the request;
 *   <li>missing, malformed or wrong credentials: 401 with {@code WWW-Authenticate}, the same for every cause;
 *   <li>while the back-off holds, credentials that never verified: 429 with {@code Retry-After};
 *   <li>right credentials: 200 for GET and HEAD, 405 for other methods.
 * </ul>
 *
 * <p>Once authenticated, the scrape is handled the way the Prometheus client's own exporters handle it: the
 * {@code Accept} header picks the Prometheus text format, OpenMetrics or the Prometheus protobuf format by quality
 * ({@code q=0} refuses a format; text when nothing else is acceptable), {@code Accept-Encoding: gzip} compresses the
 * body, and {@code name[]} query parameters limit the scrape to the metrics named (for example
 * {@code ?name[]=heapwatch_heap_used_bytes}).
 *
 * <p>Failures are counted by reason in {@code heapwatch_metrics_auth_failures_total}.
 */
public final class MetricsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(MetricsServlet.class);

    private final transient PrometheusMeterRegistry registry;
    private final transient ExpositionFormats formats = ExpositionFormats.init();
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
            AuthGuard.writeText(resp, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "Method Not Allowed\n");
            return;
        }
        ExpositionFormatWriter writer = ScrapeNegotiation.choose(formats, req.getHeaders("Accept"));
        boolean gzip = ScrapeNegotiation.gzip(req.getHeaders("Accept-Encoding"));
        String[] names = req.getParameterValues("name[]");
        MetricSnapshots snapshots = names == null || names.length == 0
                ? registry.getPrometheusRegistry().scrape()
                : registry.getPrometheusRegistry()
                        .scrape(MetricNameFilter.builder()
                                .nameMustBeEqualTo(names)
                                .build());
        ByteArrayOutputStream body = new ByteArrayOutputStream(lastScrapeSize + 1024);
        if (gzip) {
            try (OutputStream out = new GZIPOutputStream(body, 8192)) {
                writer.write(out, snapshots);
            }
            resp.setHeader("Content-Encoding", "gzip");
        } else {
            writer.write(body, snapshots);
        }
        lastScrapeSize = body.size();
        resp.setStatus(HttpServletResponse.SC_OK);
        resp.setHeader("Vary", "Accept, Accept-Encoding");
        resp.setContentType(writer.getContentType());
        resp.setContentLength(body.size());
        if (!head) {
            body.writeTo(resp.getOutputStream());
        }
    }

    /** Removes the auth-failure counters from the registry. */
    public void removeMeters() {
        guard.removeMeters();
    }
}
