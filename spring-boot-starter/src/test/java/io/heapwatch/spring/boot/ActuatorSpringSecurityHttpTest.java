package io.heapwatch.spring.boot;

import static io.heapwatch.spring.boot.ActuatorClient.basic;
import static io.heapwatch.spring.boot.ActuatorClient.heapwatch;
import static io.heapwatch.spring.boot.ActuatorProtectionHttpTest.CREDENTIALS_PASSWORD;
import static io.heapwatch.spring.boot.ActuatorProtectionHttpTest.CREDENTIALS_USER;
import static io.heapwatch.spring.boot.ActuatorProtectionHttpTest.EXPORT;
import static io.heapwatch.spring.boot.ActuatorProtectionHttpTest.EXPOSE;
import static io.heapwatch.spring.boot.ActuatorProtectionHttpTest.assertNoHeapwatchData;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;

/**
 * heapwatch with Spring Security (Spring Boot 4.1, Spring Security 7) on real embedded Tomcat: the recipes of
 * {@code docs/spring-boot.md}, what works and what does not.
 */
class ActuatorSpringSecurityHttpTest {

    static final String APP_USER = "alice";
    static final String APP_PASSWORD = "alice-secret";
    static final String NONE = "heapwatch.actuator.protection=none";
    static final String HEAPWATCH_REALM = "Basic realm=\"metrics\", charset=\"UTF-8\"";
    static final String SPRING_SECURITY_REALM = "Basic realm=\"Realm\", charset=\"UTF-8\"";

    static String app() {
        return basic(APP_USER, APP_PASSWORD);
    }

    static UserDetailsService users() {
        return new InMemoryUserDetailsManager(User.withUsername(APP_USER)
                .password("{noop}" + APP_PASSWORD)
                .roles("USER")
                .build());
    }

    /** The application's own users, HTTP basic, on every request. */
    static SecurityFilterChain appUsersEverywhere(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults())
                .build();
    }

    @Configuration(proxyBeanMethods = false)
    static class AppUsersEverywhere {
        @Bean
        SecurityFilterChain app(HttpSecurity http) throws Exception {
            return appUsersEverywhere(http);
        }

        @Bean
        UserDetailsService userDetailsService() {
            return users();
        }
    }

    /** The recipe for /metrics: a chain of its own, first, that leaves it to heapwatch. */
    @Configuration(proxyBeanMethods = false)
    static class MetricsLeftToHeapwatch {
        @Bean
        @Order(1)
        SecurityFilterChain heapwatchMetrics(HttpSecurity http) throws Exception {
            return http.securityMatcher("/metrics")
                    .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                    .build();
        }

        @Bean
        @Order(2)
        SecurityFilterChain app(HttpSecurity http) throws Exception {
            return appUsersEverywhere(http);
        }

        @Bean
        UserDetailsService userDetailsService() {
            return users();
        }
    }

    /** The same, with Actuator's prometheus and metrics endpoints left to heapwatch too. */
    @Configuration(proxyBeanMethods = false)
    static class MetricsAndActuatorLeftToHeapwatch {
        @Bean
        @Order(1)
        SecurityFilterChain heapwatchData(HttpSecurity http) throws Exception {
            return http.securityMatcher(new OrRequestMatcher(
                            PathPatternRequestMatcher.withDefaults().matcher("/metrics"),
                            EndpointRequest.to("prometheus", "metrics")))
                    .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                    .build();
        }

        @Bean
        @Order(2)
        SecurityFilterChain app(HttpSecurity http) throws Exception {
            return appUsersEverywhere(http);
        }

        @Bean
        UserDetailsService userDetailsService() {
            return users();
        }
    }

    /** Does not work for /metrics: permitAll() inside a chain that has httpBasic(). */
    @Configuration(proxyBeanMethods = false)
    static class PermitAllInsideTheHttpBasicChain {
        @Bean
        SecurityFilterChain app(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(a -> a.requestMatchers("/metrics")
                            .permitAll()
                            .anyRequest()
                            .authenticated())
                    .httpBasic(Customizer.withDefaults())
                    .build();
        }

        @Bean
        UserDetailsService userDetailsService() {
            return users();
        }
    }

    static void assertChallenge(HttpResponse<String> r, String realm) {
        assertThat(r.statusCode()).as("status").isEqualTo(401);
        assertThat(r.headers().allValues("WWW-Authenticate")).containsExactly(realm);
        assertNoHeapwatchData(r);
    }

    @Nested
    @SpringBootTest(
            classes = {ActuatorProtectionHttpTest.App.class, AppUsersEverywhere.class},
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {CREDENTIALS_USER, CREDENTIALS_PASSWORD, EXPOSE, EXPORT, NONE})
    class AppUsersGuardActuatorWithProtectionNone {

        @Value("${local.server.port}")
        int port;

        @Autowired
        ObjectProvider<HeapwatchAccessReport> report;

        @Test
        void theApplicationsUsersReadActuatorAndNobodyElse() {
            ActuatorClient client = new ActuatorClient(port);

            assertChallenge(client.get("/actuator/prometheus"), SPRING_SECURITY_REALM);
            assertChallenge(client.get("/actuator/prometheus", heapwatch()), SPRING_SECURITY_REALM);
            HttpResponse<String> r = client.get("/actuator/prometheus", app());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("heapwatch_heap_used_bytes");
            assertThat(report.getObject().describe())
                    .contains("left to the application's Spring Security filter chain");
        }

        @Test
        void metricsIsUnreachableForPrometheusUntilItsChainLeavesItToHeapwatch() {
            ActuatorClient client = new ActuatorClient(port);

            // Spring Security asks for an application user first; heapwatch's credentials are not one.
            assertChallenge(client.get("/metrics", heapwatch()), SPRING_SECURITY_REALM);
            // An application user passes Spring Security, then heapwatch refuses it.
            assertChallenge(client.get("/metrics", app()), HEAPWATCH_REALM);
        }
    }

    @Nested
    @SpringBootTest(
            classes = {ActuatorProtectionHttpTest.App.class, AppUsersEverywhere.class},
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {CREDENTIALS_USER, CREDENTIALS_PASSWORD, EXPOSE, EXPORT})
    class AppUsersGuardActuatorWithoutTheOptOut {

        @Value("${local.server.port}")
        int port;

        @Test
        void bothLayersApplyAndNoSingleCredentialPassesBoth() {
            ActuatorClient client = new ActuatorClient(port);

            assertChallenge(client.get("/actuator/prometheus"), HEAPWATCH_REALM);
            assertChallenge(client.get("/actuator/prometheus", app()), HEAPWATCH_REALM);
            assertChallenge(client.get("/actuator/prometheus", heapwatch()), SPRING_SECURITY_REALM);
            assertThat(client.get("/hello", app()).statusCode()).isEqualTo(200);
        }
    }

    @Nested
    @SpringBootTest(
            classes = {ActuatorProtectionHttpTest.App.class, MetricsLeftToHeapwatch.class},
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {CREDENTIALS_USER, CREDENTIALS_PASSWORD, EXPOSE, EXPORT, NONE})
    class RecipeMetricsForPrometheusActuatorForTheApplicationsUsers {

        @Value("${local.server.port}")
        int port;

        @Test
        void prometheusScrapesMetricsWithHeapwatchsCredentials() {
            ActuatorClient client = new ActuatorClient(port);

            HttpResponse<String> r = client.get("/metrics", heapwatch());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("heapwatch_heap_used_bytes");
            assertChallenge(client.get("/metrics"), HEAPWATCH_REALM);
            assertChallenge(client.get("/metrics", app()), HEAPWATCH_REALM);
        }

        @Test
        void theApplicationsUsersReadActuatorAndTheApplication() {
            ActuatorClient client = new ActuatorClient(port);

            assertThat(client.get("/actuator/prometheus", app()).statusCode()).isEqualTo(200);
            assertChallenge(client.get("/actuator/prometheus"), SPRING_SECURITY_REALM);
            assertChallenge(client.get("/actuator/metrics/heapwatch.heap.used"), SPRING_SECURITY_REALM);
            assertThat(client.get("/hello", app()).statusCode()).isEqualTo(200);
            assertThat(client.get("/hello").statusCode()).isEqualTo(401);
        }
    }

    @Nested
    @SpringBootTest(
            classes = {ActuatorProtectionHttpTest.App.class, MetricsAndActuatorLeftToHeapwatch.class},
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {CREDENTIALS_USER, CREDENTIALS_PASSWORD, EXPOSE, EXPORT})
    class RecipeMetricsAndActuatorLeftToHeapwatch {

        @Value("${local.server.port}")
        int port;

        @Test
        void heapwatchsCredentialsReadEveryPlaceAndNothingElseDoes() {
            ActuatorClient client = new ActuatorClient(port);

            for (String path :
                    new String[] {"/metrics", "/actuator/prometheus", "/actuator/metrics/heapwatch.heap.used"}) {
                HttpResponse<String> r = client.get(path, heapwatch());
                assertThat(r.statusCode()).as(path).isEqualTo(200);
                assertThat(r.body()).as(path).contains("heapwatch");
                assertChallenge(client.get(path), HEAPWATCH_REALM);
                assertChallenge(client.get(path, app()), HEAPWATCH_REALM);
            }
            assertThat(client.get("/hello", app()).statusCode()).isEqualTo(200);
            assertThat(client.get("/hello", heapwatch()).statusCode()).isEqualTo(401);
        }
    }

    @Nested
    @SpringBootTest(
            classes = {ActuatorProtectionHttpTest.App.class, PermitAllInsideTheHttpBasicChain.class},
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {CREDENTIALS_USER, CREDENTIALS_PASSWORD, EXPOSE, EXPORT})
    class PermitAllInsideAnHttpBasicChainDoesNotWork {

        @Value("${local.server.port}")
        int port;

        @Test
        void springSecurityRefusesHeapwatchsCredentialsBeforeThePermitAllApplies() {
            ActuatorClient client = new ActuatorClient(port);

            // httpBasic() authenticates every Authorization header against the application's users, permitAll()
            // or not, and refuses the ones it does not know.
            assertChallenge(client.get("/metrics", heapwatch()), SPRING_SECURITY_REALM);
            // Without a header, permitAll() lets the request reach heapwatch, which refuses it.
            assertChallenge(client.get("/metrics"), HEAPWATCH_REALM);
        }
    }
}
