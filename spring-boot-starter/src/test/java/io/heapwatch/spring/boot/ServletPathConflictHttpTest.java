package io.heapwatch.spring.boot;

import static io.heapwatch.spring.boot.ActuatorClient.WITHOUT_SPRING_SECURITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * An application that already maps a servlet on heapwatch's path, on real embedded Tomcat: Spring Boot's
 * {@code ServletRegistrationBean} ignores the container's mapping conflicts, so heapwatch checks its paths itself and
 * fails startup rather than leave the other servlet answering there without heapwatch's authentication.
 */
class ServletPathConflictHttpTest {

    /** An application with an older exporter of its own on /metrics, registered before heapwatch's servlet. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        ServletRegistrationBean<HttpServlet> legacyExporter() {
            ServletRegistrationBean<HttpServlet> registration = new ServletRegistrationBean<>(new Legacy(), "/metrics");
            registration.setName("legacyExporter");
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
            return registration;
        }
    }

    static final class Legacy extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().write("legacy_metric 1\n");
        }
    }

    private static SpringApplicationBuilder app(String... extra) {
        List<String> properties = new ArrayList<>(List.of(
                "server.port=0",
                "server.address=127.0.0.1",
                WITHOUT_SPRING_SECURITY,
                "heapwatch.metrics.username=" + ActuatorClient.USER,
                "heapwatch.metrics.password=" + ActuatorClient.PASSWORD));
        properties.addAll(List.of(extra));
        // One call: each call of properties(...) replaces the default properties of the one before.
        return new SpringApplicationBuilder(App.class).properties(properties.toArray(String[]::new));
    }

    @Test
    void anotherServletOnTheMetricsPathFailsStartupNamingItAndTheSetting() {
        assertThatThrownBy(() -> app().run().close())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot serve /metrics")
                .hasMessageContaining("'legacyExporter'")
                .hasMessageContaining("without heapwatch's authentication")
                .hasMessageContaining("HEAPWATCH_METRICS_PATH");
    }

    @Test
    void withTheMetricsPathMovedBothServeAndHeapwatchsPathNeedsCredentials() {
        try (ConfigurableApplicationContext context =
                app("heapwatch.metrics.path=/internal/heapwatch").run()) {
            int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port", "0"));
            ActuatorClient client = new ActuatorClient(port);

            assertThat(client.get("/metrics").body()).isEqualTo("legacy_metric 1\n");
            assertThat(client.get("/internal/heapwatch").statusCode()).isEqualTo(401);
            assertThat(client.get("/internal/heapwatch", ActuatorClient.heapwatch())
                            .statusCode())
                    .isEqualTo(200);
        }
    }
}
