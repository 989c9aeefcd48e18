package io.heapwatch.spring.boot;

import io.heapwatch.config.HeapwatchConfig;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Logs, once the application is ready, where heapwatch's data can be read over HTTP and how each place is protected:
 * {@code /metrics}, and Actuator's {@code prometheus} and {@code metrics} endpoints when they are exposed. A WARN
 * replaces the INFO line when an Actuator endpoint serves heapwatch's data with no protection that heapwatch knows of.
 */
final class HeapwatchAccessReport implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(HeapwatchAccessReport.class);

    /** The bean Spring Security registers its filter chains under. */
    static final String SPRING_SECURITY_FILTER_CHAIN = "springSecurityFilterChain";

    private final HeapwatchConfig config;
    private final Environment environment;
    private final ApplicationContext context;
    private final @Nullable RegistryEndpoints endpoints;
    private final boolean actuatorGuarded;

    HeapwatchAccessReport(
            HeapwatchConfig config,
            Environment environment,
            ApplicationContext context,
            @Nullable RegistryEndpoints endpoints,
            boolean actuatorGuarded) {
        this.config = config;
        this.environment = environment;
        this.context = context;
        this.endpoints = endpoints;
        this.actuatorGuarded = actuatorGuarded;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        if (event.getApplicationContext() != context) {
            return;
        }
        String line = describe();
        if (unprotectedActuator()) {
            log.warn(line);
        } else {
            log.info(line);
        }
    }

    private boolean credentialsSet() {
        return config.metricsUsername() != null;
    }

    private boolean springSecurity() {
        return context.containsBean(SPRING_SECURITY_FILTER_CHAIN);
    }

    private List<String> actuatorPaths() {
        return endpoints == null ? List.of() : endpoints.get().paths();
    }

    private boolean unprotectedActuator() {
        return !actuatorPaths().isEmpty() && !actuatorGuarded && !springSecurity();
    }

    /** The line: each place, its port and its protection. */
    String describe() {
        List<String> places = new ArrayList<>();
        String port = port("local.server.port", "server.port");
        String contextPath = contextPath("server.servlet.context-path");
        String auth = credentialsSet()
                ? "heapwatch basic auth, METRICS_AUTH_*"
                : "heapwatch basic auth, but METRICS_AUTH_USERNAME and METRICS_AUTH_PASSWORD are not set: answers 500";
        if (config.prometheusEnabled()) {
            places.add(contextPath + config.metricsPath() + " on port " + port + " (" + auth + ")");
            if (config.reportEnabled()) {
                places.add(contextPath + config.reportPath() + " and " + contextPath + config.diagnosisPath()
                        + " on port " + port + " (the same authentication)");
            }
        } else {
            places.add(config.metricsPath() + " is not mapped (ENABLE_PROMETHEUS_METRICS=false)");
        }
        List<String> paths = actuatorPaths();
        if (!paths.isEmpty()) {
            String managementPort = port("local.management.port", "management.server.port");
            boolean separate =
                    environment.getProperty("management.server.port") != null && !managementPort.equals(port);
            String where = separate
                    ? contextPath("management.server.base-path") + paths(paths) + " on the management port "
                            + managementPort
                    : contextPath + paths(paths) + " on port " + port;
            String protection;
            if (actuatorGuarded) {
                protection = auth + "; " + ActuatorProtection.PROPERTY + "=basic-auth";
            } else if (springSecurity()) {
                protection = "not by heapwatch: " + ActuatorProtection.PROPERTY
                        + "=none, left to the application's Spring Security filter chain";
            } else {
                protection = "UNPROTECTED: " + ActuatorProtection.PROPERTY
                        + "=none and no Spring Security filter chain; anyone who reaches the port reads every"
                        + " heapwatch series";
            }
            places.add("Actuator " + where + " (" + protection + ")");
        }
        return "heapwatch: its data can be read at " + String.join("; ", places);
    }

    private static String paths(List<String> paths) {
        List<String> shown = new ArrayList<>();
        for (String p : paths) {
            shown.add(p.endsWith("/metrics") ? p + " and " + p + "/{name}" : p);
        }
        return String.join(", ", shown);
    }

    private String port(String local, String configured) {
        String value = environment.getProperty(local);
        if (value == null) {
            value = environment.getProperty(configured, "8080");
        }
        return value;
    }

    private String contextPath(String property) {
        String value = environment.getProperty(property, "");
        value = value.trim();
        while (value.endsWith("/")) {
            value = value.substring(0, value.length() - 1);
        }
        return value;
    }
}
