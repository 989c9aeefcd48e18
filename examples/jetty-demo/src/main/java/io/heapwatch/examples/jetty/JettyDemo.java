package io.heapwatch.examples.jetty;

import io.heapwatch.config.HeapwatchConfig;
import io.heapwatch.servlet.Heapwatch;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An embedded Jetty 12 app with heapwatch installed from the environment variables. Listens on {@code SERVER_PORT}
 * (default 8080). {@code DEMO_CACHE_ENTRIES} sets the capacity of the {@code /api/cache} LRU (default 1,000 entries
 * of 16 KiB).
 */
public final class JettyDemo implements AutoCloseable {

    private final Server server;
    private final Heapwatch heapwatch;

    private JettyDemo(Server server, Heapwatch heapwatch) {
        this.server = server;
        this.heapwatch = heapwatch;
    }

    /** Starts the demo on the given port (0 picks a free one) with the given environment. */
    public static JettyDemo start(int port, Map<String, String> env) throws Exception {
        HeapwatchConfig config = HeapwatchConfig.fromMap(env);
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(env.getOrDefault("SERVER_ADDRESS", "0.0.0.0"));
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        ServletHolder async = new ServletHolder(new DemoServlets.AsyncServlet());
        async.setAsyncSupported(true);
        context.addServlet(new ServletHolder(new DemoServlets.ItemsServlet()), "/api/items/*");
        context.addServlet(new ServletHolder(new DemoServlets.LeakServlet()), "/api/leak");
        context.addServlet(new ServletHolder(new DemoServlets.CacheServlet(cacheEntries(env))), "/api/cache");
        context.addServlet(new ServletHolder(new DemoServlets.GarbageServlet()), "/api/garbage");
        context.addServlet(async, "/api/async");
        Heapwatch heapwatch = Heapwatch.install(
                context.getServletContext(), config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        server.setHandler(context);
        server.start();
        return new JettyDemo(server, heapwatch);
    }

    /** {@code DEMO_CACHE_ENTRIES}: capacity of the {@code /api/cache} LRU, 1 to 100,000 (default 1,000). */
    static int cacheEntries(Map<String, String> env) {
        String v = env.get("DEMO_CACHE_ENTRIES");
        if (v == null || v.isBlank()) {
            return DemoServlets.CacheServlet.DEFAULT_CAPACITY;
        }
        int n = Integer.parseInt(v.trim());
        if (n < 1 || n > 100_000) {
            throw new IllegalArgumentException("DEMO_CACHE_ENTRIES must be in [1, 100000], was " + v);
        }
        return n;
    }

    /** The port the demo listens on. */
    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** heapwatch as installed in the demo. */
    public Heapwatch heapwatch() {
        return heapwatch;
    }

    @Override
    public void close() throws Exception {
        server.stop();
        heapwatch.close();
    }

    public static void main(String[] args) throws Exception {
        String port = System.getenv().getOrDefault("SERVER_PORT", "8080");
        JettyDemo demo = start(Integer.parseInt(port), System.getenv());
        demo.server.join();
    }
}
