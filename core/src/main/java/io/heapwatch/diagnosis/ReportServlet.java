package io.heapwatch.diagnosis;

import io.heapwatch.endpoint.AuthGuard;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Serves the latest {@link Diagnosis} as one self-contained HTML page (no scripts, fonts or other requests), behind
 * the same basic authentication as {@code /metrics}.
 */
public final class ReportServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none';"
            + " form-action 'none'; frame-ancestors 'none'";

    private final transient LeakDiagnostics diagnostics;
    private final transient EndpointGuard guard;
    private final String diagnosisPath;

    /**
     * @param diagnostics where diagnoses come from
     * @param auth the metrics endpoint's authentication, shared with it
     * @param diagnosisPath the JSON document's path, linked from the page
     */
    public ReportServlet(LeakDiagnostics diagnostics, AuthGuard auth, String diagnosisPath) {
        this.diagnostics = diagnostics;
        this.guard = new EndpointGuard(auth);
        this.diagnosisPath = diagnosisPath;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!guard.admit(req, resp)) {
            return;
        }
        resp.setHeader("Content-Security-Policy", CSP);
        resp.setHeader("X-Frame-Options", "DENY");
        resp.setHeader("Referrer-Policy", "no-referrer");
        String html = ReportPage.render(diagnostics.diagnosis(), req.getContextPath() + diagnosisPath);
        EndpointGuard.body(
                resp, HttpServletResponse.SC_OK, "text/html; charset=utf-8", html, "HEAD".equals(req.getMethod()));
    }
}
