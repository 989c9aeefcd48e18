package io.heapwatch.diagnosis;

import io.heapwatch.endpoint.AuthGuard;
import io.heapwatch.endpoint.BasicAuthenticator.Outcome;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The one place where the report and the diagnosis check credentials: the metrics endpoint's {@link AuthGuard} (500
 * when no credentials are configured, 401 with {@code WWW-Authenticate} for missing, malformed or wrong ones, 429
 * while the back-off holds), then only GET and HEAD once authenticated.
 */
final class EndpointGuard {

    private final AuthGuard auth;

    EndpointGuard(AuthGuard auth) {
        this.auth = auth;
    }

    /** Whether the request may proceed; when not, the refusal has been written. */
    boolean admit(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Cache-Control", "no-store");
        if (auth.check(req, resp) != Outcome.AUTHENTICATED) {
            return false;
        }
        String method = req.getMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            resp.setHeader("Allow", "GET, HEAD");
            text(resp, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "Method Not Allowed\n");
            return false;
        }
        return true;
    }

    static void text(HttpServletResponse resp, int status, String text) throws IOException {
        body(resp, status, "text/plain; charset=utf-8", text, false);
    }

    static void body(HttpServletResponse resp, int status, String contentType, String text, boolean head)
            throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType(contentType);
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setContentLength(bytes.length);
        if (!head) {
            resp.getOutputStream().write(bytes);
        }
    }
}
