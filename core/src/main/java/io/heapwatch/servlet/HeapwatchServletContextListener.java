package io.heapwatch.servlet;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import org.jspecify.annotations.Nullable;

/**
 * Installs heapwatch from the environment variables when the web application starts, and closes it when the
 * application stops. Declare it in {@code web.xml}:
 *
 * <pre>{@code
 * <listener>
 *   <listener-class>io.heapwatch.servlet.HeapwatchServletContextListener</listener-class>
 * </listener>
 * }</pre>
 */
public class HeapwatchServletContextListener implements ServletContextListener {

    private @Nullable Heapwatch heapwatch;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        heapwatch = Heapwatch.install(event.getServletContext());
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        Heapwatch h = heapwatch;
        heapwatch = null;
        if (h != null) {
            h.close();
        }
    }
}
