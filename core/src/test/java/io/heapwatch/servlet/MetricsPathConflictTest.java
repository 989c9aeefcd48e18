package io.heapwatch.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heapwatch.config.HeapwatchConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application that already maps a servlet on the metrics path (an older exporter, {@code web.xml}) used to keep
 * it, unauthenticated, while heapwatch logged that it was installed; a servlet name already taken ended in a
 * NullPointerException. Both now fail startup with a message that says how to resolve it, on real Jetty and Tomcat.
 */
class MetricsPathConflictTest {

    static final String USER = "prom";
    static final String PASSWORD = "conflict-pw-51c";

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** An older exporter: serves the same registry, without authentication. */
    static final class LegacyExporter extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient PrometheusMeterRegistry registry;

        LegacyExporter(PrometheusMeterRegistry registry) {
            this.registry = registry;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().write("legacy exporter\n" + registry.scrape());
        }
    }

    static HeapwatchConfig.Builder config() {
        return HeapwatchConfig.builder().containerName("conflict").metricsCredentials(USER, PASSWORD);
    }

    HttpResponse<String> get(int port, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static void assertConflictMessage(Throwable e, String path, String owner) {
        assertThat(e)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot serve " + path + ": this web application already maps")
                .hasMessageContaining("'" + owner + "'")
                .hasMessageContaining("without heapwatch's authentication")
                .hasMessageContaining("HEAPWATCH_METRICS_PATH");
    }

    // ---------------------------------------------------------------------------------------------- Jetty

    @Test
    void jettyAppThatAlreadyMapsTheMetricsPathFailsToInstall() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ServletContextHandler context = new ServletContextHandler("/");
        ServletHolder legacy = new ServletHolder("legacyExporter", new LegacyExporter(registry));
        context.addServlet(legacy, "/metrics");
        assertThatThrownBy(() -> Heapwatch.install(context.getServletContext(), config().build(), registry))
                .satisfies(e -> assertConflictMessage(e, "/metrics", "legacyExporter"));
        // Nothing of heapwatch is left behind in the registry.
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void jettyAppWithTheMetricsPathMovedServesHeapwatchBehindItsCredentials() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(
                new ServletHolder("legacyExporter", new HttpServlet() {
                    private static final long serialVersionUID = 1L;

                    @Override
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                        resp.getWriter().write("the application's own /metrics\n");
                    }
                }),
                "/metrics");
        io.heapwatch.testing.OutputCapture.install();
        int mark = io.heapwatch.testing.OutputCapture.mark();
        Heapwatch heapwatch = Heapwatch.install(
                context.getServletContext(),
                config().metricsPath("/heapwatch/metrics").build(),
                registry);
        // The startup line says where the data is and how it is protected.
        assertThat(io.heapwatch.testing.OutputCapture.linesContaining(
                        mark,
                        "heapwatch installed: metrics on /heapwatch/metrics behind HTTP basic authentication with"
                                + " brute-force back-off;"))
                .isEqualTo(1);
        server.setHandler(context);
        server.start();
        try {
            int port = connector.getLocalPort();
            HttpResponse<String> own = get(port, "/metrics");
            assertThat(own.statusCode()).isEqualTo(200);
            assertThat(own.body()).isEqualTo("the application's own /metrics\n").doesNotContain("heapwatch_");
            assertThat(get(port, "/heapwatch/metrics").statusCode()).isEqualTo(401);
            HttpResponse<String> scrape =
                    get(port, "/heapwatch/metrics", "Authorization", TestServer.basic(USER + ":" + PASSWORD));
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.body()).contains("heapwatch_metrics_auth_failures_total");
        } finally {
            server.stop();
            heapwatch.close();
        }
    }

    @Test
    void jettyInstallingTwiceFailsNamingTheTakenName() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ServletContextHandler context = new ServletContextHandler("/");
        Heapwatch first = Heapwatch.install(context.getServletContext(), config().build(), registry);
        try {
            // The filter's name is taken first.
            assertThatThrownBy(() -> Heapwatch.install(context.getServletContext(), config().build(), registry))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'" + Heapwatch.FILTER_NAME + "'")
                    .hasMessageContaining("installed twice");
            // Without the filter, addServlet returns null for the taken servlet name: it used to be an NPE.
            assertThatThrownBy(() -> Heapwatch.install(
                            context.getServletContext(),
                            config().profilingEnabled(false).build(),
                            registry))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'" + Heapwatch.SERVLET_NAME + "'")
                    .hasMessageContaining("installed twice");
        } finally {
            first.close();
        }
    }

    // ---------------------------------------------------------------------------------------------- Tomcat

    /** A Tomcat whose context maps the legacy exporter on /metrics and installs heapwatch from an initializer. */
    private static Tomcat tomcat(
            Path base,
            HeapwatchConfig config,
            PrometheusMeterRegistry registry,
            AtomicReference<Throwable> failure,
            AtomicReference<Heapwatch> installed,
            boolean twice) {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context ctx = tomcat.addContext("", base.toString());
        Tomcat.addServlet(ctx, "legacyExporter", new LegacyExporter(registry));
        ctx.addServletMappingDecoded("/metrics", "legacyExporter");
        ctx.addServletContainerInitializer(
                (classes, servletContext) -> {
                    try {
                        installed.set(Heapwatch.install(servletContext, config, registry));
                        if (twice) {
                            Heapwatch.install(servletContext, config, registry);
                        }
                    } catch (RuntimeException e) {
                        failure.set(e);
                        throw e;
                    }
                },
                null);
        return tomcat;
    }

    static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    @Test
    void tomcatAppThatAlreadyMapsTheMetricsPathFailsToStartAndServesNothingOpen(@TempDir Path base) throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Heapwatch> installed = new AtomicReference<>();
        Tomcat tomcat = tomcat(base, config().build(), registry, failure, installed, false);
        try {
            // It used to start, and /metrics answered 200 with the heapwatch series and no credentials.
            assertThatThrownBy(tomcat::start)
                    .isInstanceOf(LifecycleException.class)
                    .satisfies(e -> assertConflictMessage(rootCause(e), "/metrics", "legacyExporter"));
            assertConflictMessage(failure.get(), "/metrics", "legacyExporter");
            Context ctx = (Context) tomcat.getHost().findChild("");
            assertThat(ctx.getState()).isNotEqualTo(LifecycleState.STARTED);
            assertThat(registry.getMeters()).isEmpty();
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    @Test
    void tomcatAppWithTheMetricsPathMovedServesHeapwatchBehindItsCredentials(@TempDir Path base) throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Heapwatch> installed = new AtomicReference<>();
        Tomcat tomcat =
                tomcat(base, config().metricsPath("/internal/heapwatch").build(), registry, failure, installed, false);
        tomcat.start();
        try {
            assertThat(failure.get()).isNull();
            int port = tomcat.getConnector().getLocalPort();
            assertThat(get(port, "/metrics").body()).startsWith("legacy exporter");
            assertThat(get(port, "/internal/heapwatch").statusCode()).isEqualTo(401);
            assertThat(get(port, "/internal/heapwatch", "Authorization", TestServer.basic(USER + ":" + PASSWORD))
                            .statusCode())
                    .isEqualTo(200);
        } finally {
            installed.get().close();
            tomcat.stop();
            tomcat.destroy();
        }
    }

    @Test
    void tomcatInstallingTwiceFailsNamingTheTakenName(@TempDir Path base) throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Heapwatch> installed = new AtomicReference<>();
        Tomcat tomcat = tomcat(
                base, config().profilingEnabled(false).metricsPath("/hw").build(), registry, failure, installed, true);
        try {
            assertThatThrownBy(tomcat::start)
                    .isInstanceOf(LifecycleException.class)
                    .satisfies(e -> assertThat(rootCause(e)).isSameAs(failure.get()));
            assertThat(failure.get())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'" + Heapwatch.SERVLET_NAME + "'")
                    .hasMessageContaining("installed twice");
            assertThat(((Context) tomcat.getHost().findChild("")).getState()).isNotEqualTo(LifecycleState.STARTED);
        } finally {
            tomcat.stop();
            tomcat.destroy();
            installed.get().close();
        }
    }
}
