package io.heapwatch.spring.boot;

import io.heapwatch.endpoint.AuthGuard;
import io.heapwatch.endpoint.BasicAuthenticator;
import io.heapwatch.endpoint.BasicAuthenticator.Outcome;
import io.heapwatch.servlet.Heapwatch;
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
import java.util.function.Supplier;

/**
 * Puts heapwatch's HTTP basic authentication in front of the Actuator endpoints that render the meter registry, with
 * the same answers as {@code /metrics}, given by the same {@link AuthGuard}: 500 while no credentials are configured,
 * 401 with {@code WWW-Authenticate} for missing, malformed or wrong ones, 429 while the back-off holds, whatever the
 * method. Other requests pass untouched. Refusals are counted in {@code heapwatch_metrics_auth_failures_total}, the
 * counter {@code /metrics} uses.
 *
 * <p>The paths come from Actuator's path mapping (see {@link RegistryEndpointPaths} for how requests are matched).
 */
public final class ActuatorBasicAuthFilter implements Filter {

    private final AuthGuard guard;
    private final Supplier<RegistryEndpointPaths> paths;

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
        this.guard = new AuthGuard(authenticator, failureRegistry, tags);
        this.paths = paths;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest req
                && response instanceof HttpServletResponse resp
                && paths.get().matches(req)
                && !servedByHeapwatch(req)
                && guard.check(req, resp) != Outcome.AUTHENTICATED) {
            return;
        }
        chain.doFilter(request, response);
    }

    /** heapwatch's own /metrics servlet authenticates itself (it could share a path when the base path is "/"). */
    private static boolean servedByHeapwatch(HttpServletRequest request) {
        HttpServletMapping mapping = request.getHttpServletMapping();
        return mapping != null && Heapwatch.SERVLET_NAME.equals(mapping.getServletName());
    }

    /** Removes the refusal counters from the registry. */
    public void removeMeters() {
        guard.removeMeters();
    }
}
