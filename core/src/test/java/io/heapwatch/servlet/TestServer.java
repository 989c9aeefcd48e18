package io.heapwatch.servlet;

import io.heapwatch.config.HeapwatchConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A real embedded Jetty on a free loopback port, with heapwatch installed and a few test servlets. */
final class TestServer implements AutoCloseable {

    static final String USER = "prom";
    static final String PASSWORD = "it-password-7f3a";

    final Server server;
    final Heapwatch heapwatch;
    final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    static final List<byte[]> RETAINED = new ArrayList<>();

    private TestServer(Server server, Heapwatch heapwatch) {
        this.server = server;
        this.heapwatch = heapwatch;
    }

    /**
     * A Jetty server whose buffers are not pooled. Jetty 12.1.14 sometimes releases a pooled request buffer twice
     * after a 400 ({@code IllegalStateException: already released} from {@code HttpConnection.releaseRequestBuffer},
     * as in jetty/jetty.project#12939); the buffer can then serve two connections, and a hostile suite read a request
     * line back as the answer to its own request. Without a pool nothing is shared.
     */
    static Server jetty() {
        return new Server(null, null, new ByteBufferPool.NonPooling());
    }

    static TestServer start(HeapwatchConfig config) throws Exception {
        Server server = jetty();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new ItemsServlet()), "/api/items/*");
        context.addServlet(new ServletHolder(new LeakServlet()), "/api/leak");
        context.addServlet(new ServletHolder(new FailServlet()), "/api/fail");
        ServletHolder async = new ServletHolder(new AsyncServlet());
        async.setAsyncSupported(true);
        context.addServlet(async, "/api/async");
        Heapwatch heapwatch = Heapwatch.install(
                context.getServletContext(), config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        server.setHandler(context);
        server.start();
        return new TestServer(server, heapwatch);
    }

    static HeapwatchConfig.Builder config() {
        return HeapwatchConfig.builder().containerName("it").metricsCredentials(USER, PASSWORD);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + path);
    }

    HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> scrape() throws IOException, InterruptedException {
        return get("/metrics", "Authorization", basic(USER + ":" + PASSWORD));
    }

    static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws Exception {
        server.stop();
        heapwatch.close();
    }

    static final class ItemsServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        /** Requests this servlet handled, in every instance: what heapwatch's counts are compared with. */
        static final java.util.concurrent.atomic.AtomicLong HANDLED = new java.util.concurrent.atomic.AtomicLong();

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HANDLED.incrementAndGet();
            resp.getWriter().write("item " + req.getPathInfo());
        }
    }

    static final class LeakServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            int kb = Integer.parseInt(req.getParameter("kb"));
            synchronized (RETAINED) {
                RETAINED.add(new byte[kb * 1024]);
            }
            resp.getWriter().write("retained");
        }
    }

    static final class FailServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException {
            throw new ServletException("handler failed on purpose");
        }
    }

    static final class AsyncServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            var async = req.startAsync();
            async.start(() -> {
                try {
                    Thread.sleep(20);
                    async.getResponse().getWriter().write("async done");
                } catch (InterruptedException | IOException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    async.complete();
                }
            });
        }
    }
}
