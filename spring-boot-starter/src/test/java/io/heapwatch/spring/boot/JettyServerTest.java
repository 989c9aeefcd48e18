package io.heapwatch.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** A Spring Boot application on Boot's embedded Jetty ({@code spring-boot-starter-jetty}) serves authenticated /metrics. */
class JettyServerTest {

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void metricsOnBootsEmbeddedJettyAreAuthenticated() throws Exception {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
                .properties(
                        "server.port=0",
                        "server.address=127.0.0.1",
                        "heapwatch.metrics.username=scraper",
                        "heapwatch.metrics.password=jetty-secret")
                .run()) {
            WebServer server = ((WebServerApplicationContext) context).getWebServer();
            assertThat(server.getClass().getName()).startsWith("org.springframework.boot.jetty.");
            String base = "http://127.0.0.1:" + server.getPort();

            HttpResponse<String> anonymous = get(base + "/metrics", null);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(h -> assertThat(h).startsWith("Basic"));
            assertThat(get(base + "/metrics", "scraper:wrong").statusCode()).isEqualTo(401);

            HttpResponse<String> scrape = get(base + "/metrics", "scraper:jetty-secret");
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
            assertThat(scrape.body())
                    .containsPattern("(?m)^heapwatch_live_heap_after_gc_bytes\\{[^}]*container=")
                    .containsPattern("(?m)^heapwatch_metrics_auth_failures_total\\{[^}]*container=[^}]*} 1\\.0$");
        }
    }

    private HttpResponse<String> get(String uri, String credentials) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri));
        if (credentials != null) {
            request.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** No component scan: only the auto-configurations, the starter's among them. */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {}
}
