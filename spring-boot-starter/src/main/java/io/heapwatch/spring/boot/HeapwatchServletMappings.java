package io.heapwatch.spring.boot;

import io.heapwatch.config.HeapwatchConfig;
import io.heapwatch.diagnosis.DiagnosisServlet;
import io.heapwatch.diagnosis.ReportServlet;
import io.heapwatch.endpoint.MetricsServlet;
import io.heapwatch.servlet.Heapwatch;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import java.util.Map;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.web.context.WebApplicationContext;

/**
 * Fails startup when one of heapwatch's servlets did not get its path. Spring Boot's {@code ServletRegistrationBean}
 * ignores the conflicts the servlet container reports, so a servlet the application mapped first on the same path
 * (an older exporter, say) would keep answering there without heapwatch's authentication while the startup line says
 * the path is protected. Runs once the embedded server has registered every servlet, for the context that declares
 * the registrations (not for Actuator's child context on a management port).
 */
final class HeapwatchServletMappings implements ApplicationListener<ContextRefreshedEvent> {

    private final ApplicationContext owner;

    HeapwatchServletMappings(ApplicationContext owner) {
        this.owner = owner;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void onApplicationEvent(ContextRefreshedEvent event) {
        if (event.getApplicationContext() != owner || !(owner instanceof WebApplicationContext web)) {
            return;
        }
        ServletContext context = web.getServletContext();
        if (context == null) {
            return;
        }
        Map<String, ServletRegistrationBean> registrations = owner.getBeansOfType(ServletRegistrationBean.class);
        for (ServletRegistrationBean<?> registration : registrations.values()) {
            String variable = variable(registration.getServlet());
            if (variable == null
                    || !registration.isEnabled()
                    || context.getServletRegistration(registration.getServletName()) == null) {
                // Not heapwatch's, switched off, or a servlet context that keeps no registrations (a mock).
                continue;
            }
            for (String path : registration.getUrlMappings()) {
                Heapwatch.requireMapped(context, registration.getServletName(), path, variable);
            }
        }
    }

    /** The setting that moves a heapwatch servlet's path, or {@code null} for the application's own servlets. */
    private static @org.jspecify.annotations.Nullable String variable(
            @org.jspecify.annotations.Nullable Servlet servlet) {
        if (servlet instanceof MetricsServlet) {
            return HeapwatchConfig.HEAPWATCH_METRICS_PATH;
        }
        if (servlet instanceof ReportServlet) {
            return HeapwatchConfig.HEAPWATCH_REPORT_PATH;
        }
        if (servlet instanceof DiagnosisServlet) {
            return HeapwatchConfig.HEAPWATCH_DIAGNOSIS_PATH;
        }
        return null;
    }
}
