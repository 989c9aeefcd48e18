package io.heapwatch.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EventListener;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.junit.jupiter.api.Test;

/**
 * No leaks of its own: a web application using heapwatch is deployed and undeployed many times in one Jetty, each
 * deployment with its own class loader holding its own copy of heapwatch's classes (child-first for
 * {@code io.heapwatch.*}, loaded from {@code core/target/classes}). After each undeployment the deployment's GC tracker
 * hears no more collections, its allocation-sample recording is closed and its temporary directory deleted, and in the
 * end every deployment's class loader becomes unreachable.
 */
class HostileRedeployTest {

    static final int DEPLOYMENTS = Integer.getInteger("heapwatch.hostile.redeployments", 20);

    /** Child-first for heapwatch's own classes, parent-first for everything else (servlet API, Micrometer, SLF4J). */
    static final class WebAppLoader extends URLClassLoader {
        WebAppLoader(URL classes, ClassLoader parent) {
            super("webapp", new URL[] {classes}, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("io.heapwatch.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException e) {
                        c = super.loadClass(name, false);
                    }
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }

    /** Installs heapwatch the programmatic way, through the deployment's own classes. */
    static final class InstallingListener implements ServletContextListener {
        private final ClassLoader loader;
        private final String name;
        Object heapwatch;

        InstallingListener(ClassLoader loader, String name) {
            this.loader = loader;
            this.name = name;
        }

        @Override
        public void contextInitialized(ServletContextEvent event) {
            try {
                Class<?> configClass = loader.loadClass("io.heapwatch.config.HeapwatchConfig");
                Object builder = configClass.getMethod("builder").invoke(null);
                builder.getClass().getMethod("containerName", String.class).invoke(builder, name);
                builder.getClass()
                        .getMethod("metricsCredentials", String.class, String.class)
                        .invoke(builder, "prom", "it-password-7f3a");
                // the allocation-sample recording runs in these deployments: it must go with them
                Class<?> diagnosisClass = loader.loadClass("io.heapwatch.diagnosis.DiagnosisSettings");
                Object diagnosis = diagnosisClass.getMethod("defaults").invoke(null);
                diagnosis =
                        diagnosisClass.getMethod("withEvidence", boolean.class).invoke(diagnosis, true);
                builder.getClass().getMethod("diagnosis", diagnosisClass).invoke(builder, diagnosis);
                Object config = builder.getClass().getMethod("build").invoke(builder);
                Class<?> heapwatchClass = loader.loadClass("io.heapwatch.servlet.Heapwatch");
                heapwatch = heapwatchClass
                        .getMethod(
                                "install",
                                jakarta.servlet.ServletContext.class,
                                configClass,
                                PrometheusMeterRegistry.class)
                        .invoke(
                                null,
                                event.getServletContext(),
                                config,
                                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void contextDestroyed(ServletContextEvent event) {
            try {
                heapwatch.getClass().getMethod("close").invoke(heapwatch);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            heapwatch = null;
        }
    }

    static Object call(Object target, String method) throws ReflectiveOperationException {
        Method m = target.getClass().getMethod(method);
        return m.invoke(target);
    }

    @Test
    void deployingAndUndeployingManyTimesLeavesNoListenerAndNoClassLoaderBehind() throws Exception {
        URL classes = Heapwatch.class.getProtectionDomain().getCodeSource().getLocation();
        assertThat(classes.getPath())
                .as("heapwatch classes must come from a directory")
                .endsWith("/classes/");
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ContextHandlerCollection contexts = new ContextHandlerCollection();
        server.setHandler(contexts);
        contexts.addHandler(new ServletContextHandler("/ping"));
        server.start();
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < DEPLOYMENTS; i++) {
                long t0 = System.nanoTime();
                loaders.add(deployUseAndUndeploy(server, contexts, client, classes, i));
                if (i < 3 || i == DEPLOYMENTS - 1) {
                    System.out.printf(
                            "hostile redeploy: deployment %d took %,d ms%n", i, (System.nanoTime() - t0) / 1_000_000);
                }
            }
            long deployMs = (System.nanoTime() - start) / 1_000_000;
            long deadline = System.nanoTime() + 30_000_000_000L;
            int alive;
            int rounds = 0;
            do {
                System.gc();
                Thread.sleep(50);
                rounds++;
                alive = (int) loaders.stream().filter(r -> r.get() != null).count();
            } while (alive > 0 && System.nanoTime() < deadline);
            System.out.printf(
                    "hostile redeploy: %d deployments in %,d ms; class loaders still reachable after %d GC rounds: %d%n",
                    DEPLOYMENTS, deployMs, rounds, alive);
            assertThat(alive).as("web app class loaders still reachable").isZero();
        } finally {
            server.stop();
        }
    }

    private static WeakReference<ClassLoader> deployUseAndUndeploy(
            Server server, ContextHandlerCollection contexts, HttpClient client, URL classes, int i) throws Exception {
        WebAppLoader loader = new WebAppLoader(classes, HostileRedeployTest.class.getClassLoader());
        String path = "/app" + i;
        ServletContextHandler context = new ServletContextHandler(path);
        context.setClassLoader(loader);
        context.addServlet(new ServletHolder(new TestServer.ItemsServlet()), "/api/items/*");
        EventListener listener;
        if (i % 2 == 0) {
            // Declared like web.xml would: heapwatch's own listener, configured from the environment.
            listener = (EventListener) loader.loadClass("io.heapwatch.servlet.HeapwatchServletContextListener")
                    .getDeclaredConstructor()
                    .newInstance();
        } else {
            listener = new InstallingListener(loader, "app" + i);
        }
        context.addEventListener(listener);
        contexts.addHandler(context);
        context.start();

        Object heapwatch;
        if (listener instanceof InstallingListener l) {
            heapwatch = l.heapwatch;
        } else {
            Field f = listener.getClass().getDeclaredField("heapwatch");
            f.setAccessible(true);
            heapwatch = f.get(listener);
        }
        assertThat(heapwatch.getClass().getClassLoader())
                .as("each deployment has its own heapwatch")
                .isSameAs(loader);
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        for (int r = 0; r < 5; r++) {
            assertThat(get(client, port, path + "/api/items/" + r)).isEqualTo(200);
        }
        PrometheusMeterRegistry registry = (PrometheusMeterRegistry) call(heapwatch, "registry");
        assertThat(registry.get("heapwatch.requests.sampled").counter().count()).isEqualTo(5.0);
        Object diagnostics = call(heapwatch, "diagnostics");
        Path recordingDirectory = (Path) call(diagnostics, "recordingDirectoryForTests");
        if (listener instanceof InstallingListener) {
            assertThat(recordingDirectory)
                    .as("the recording's directory while deployed")
                    .isDirectory();
            assertThat(recordings()).as("heapwatch recordings while deployed").isEqualTo(1);
            call(diagnostics, "diagnosis");
        }

        Object tracker = call(heapwatch, "gcTracker");
        long before = (long) call(tracker, "gcCount");
        System.gc();
        waitFor(() -> (long) call(tracker, "gcCount") > before);
        assertThat((long) call(tracker, "gcCount"))
                .as("the tracker hears collections while deployed")
                .isGreaterThan(before);

        context.stop();
        contexts.removeHandler(context);
        context.destroy();
        // Jetty keeps an idle keep-alive connection's last request (and through it the context and its class
        // loader) until the connection is reused: reuse it on a context that outlives the deployments.
        assertThat(get(client, port, "/ping/")).isEqualTo(404);

        long closed = (long) call(tracker, "gcCount");
        System.gc();
        System.gc();
        Thread.sleep(100);
        assertThat((long) call(tracker, "gcCount"))
                .as("deployment " + i + " still hears GC notifications after undeploy")
                .isEqualTo(closed);
        assertThat(registry.getMeters())
                .as("deployment " + i + " meters after close")
                .isEmpty();
        if (recordingDirectory != null) {
            assertThat(recordingDirectory)
                    .as("the recording's directory after undeploy")
                    .doesNotExist();
        }
        assertThat(recordings()).as("heapwatch recordings after undeploy").isZero();
        return new WeakReference<>(loader);
    }

    static long recordings() {
        return jdk.jfr.FlightRecorder.getFlightRecorder().getRecordings().stream()
                .filter(r -> "heapwatch-old-object-samples".equals(r.getName()))
                .count();
    }

    static int get(HttpClient client, int port, String path) throws Exception {
        return client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitFor(Check check) throws Exception {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (!check.ok() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
