package io.heapwatch.diagnosis;

import io.heapwatch.endpoint.AuthGuard;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Serves the latest {@link Diagnosis} as JSON, taking a fresh one when none is recent and the rate limit allows,
 * behind the same basic authentication as {@code /metrics}.
 */
public final class DiagnosisServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final String JSON = "application/json; charset=utf-8";

    private final transient LeakDiagnostics diagnostics;
    private final transient EndpointGuard guard;

    /**
     * @param diagnostics where diagnoses come from
     * @param auth the metrics endpoint's authentication, shared with it
     */
    public DiagnosisServlet(LeakDiagnostics diagnostics, AuthGuard auth) {
        this.diagnostics = diagnostics;
        this.guard = new EndpointGuard(auth);
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!guard.admit(req, resp)) {
            return;
        }
        String json = diagnostics.diagnosis().toJson() + "\n";
        EndpointGuard.body(resp, HttpServletResponse.SC_OK, JSON, json, "HEAD".equals(req.getMethod()));
    }
}
