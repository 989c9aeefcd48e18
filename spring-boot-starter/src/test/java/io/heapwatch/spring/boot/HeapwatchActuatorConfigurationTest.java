package io.heapwatch.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapwatch.endpoint.BasicAuthenticator;
import jakarta.servlet.DispatcherType;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** When heapwatch guards Actuator, and how the setting is read. */
class HeapwatchActuatorConfigurationTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HeapwatchAutoConfiguration.class))
            .withInitializer(HeapwatchAutoConfigurationTest::withoutProcessEnvironment);

    @Test
    void withActuatorTheFilterGuardsEveryPathBeforeSpringSecurity() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(ActuatorBasicAuthFilter.class);
            assertThat(context).hasSingleBean(RegistryEndpoints.class);
            assertThat(context).hasSingleBean(HeapwatchAccessReport.class);
            FilterRegistrationBean<?> registration =
                    context.getBean("heapwatchActuatorBasicAuthFilterRegistration", FilterRegistrationBean.class);
            assertThat(registration.getFilter()).isSameAs(context.getBean(ActuatorBasicAuthFilter.class));
            assertThat(registration.getUrlPatterns()).containsExactly("/*");
            assertThat(registration.isAsyncSupported()).isTrue();
            assertThat(registration.determineDispatcherTypes())
                    .containsExactlyInAnyOrder(DispatcherType.REQUEST, DispatcherType.FORWARD);
            // Spring Security's filter chain is at -100 (SecurityProperties.DEFAULT_FILTER_ORDER).
            assertThat(registration.getOrder())
                    .isGreaterThan(HeapwatchComponents.FILTER_ORDER)
                    .isLessThan(-100);
        });
    }

    @Test
    void theFilterIsThereWhenMetricsIsDisabled() {
        runner.withPropertyValues("ENABLE_PROMETHEUS_METRICS=false")
                .run(context -> assertThat(context).hasSingleBean(ActuatorBasicAuthFilter.class));
    }

    @Test
    void protectionNoneInTheEnvironmentVariableRemovesTheFilter() {
        runner.withPropertyValues("HEAPWATCH_ACTUATOR_PROTECTION=none").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(ActuatorBasicAuthFilter.class);
            assertThat(context).doesNotHaveBean("heapwatchActuatorBasicAuthFilterRegistration");
            assertThat(context).hasSingleBean(HeapwatchAccessReport.class);
        });
    }

    @Test
    void protectionNoneInThePropertyRemovesTheFilter() {
        runner.withPropertyValues("heapwatch.actuator.protection=NONE")
                .run(context -> assertThat(context).doesNotHaveBean(ActuatorBasicAuthFilter.class));
    }

    @Test
    void theEnvironmentVariableWinsOverTheProperty() {
        runner.withPropertyValues("heapwatch.actuator.protection=none", "HEAPWATCH_ACTUATOR_PROTECTION=basic-auth")
                .run(context -> assertThat(context).hasSingleBean(ActuatorBasicAuthFilter.class));
    }

    @Test
    void anotherValueFailsStartupNamingTheSettingAndTheAcceptedValues() {
        runner.withPropertyValues("HEAPWATCH_ACTUATOR_PROTECTION=off").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new HeapwatchFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription())
                    .contains("environment variable HEAPWATCH_ACTUATOR_PROTECTION", "'off'");
            assertThat(analysis.getAction()).contains("heapwatch.actuator.protection", "basic-auth", "none");
        });
        runner.withPropertyValues("heapwatch.actuator.protection=disabled").run(context -> {
            FailureAnalysis analysis = new HeapwatchFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("property heapwatch.actuator.protection", "'disabled'");
        });
    }

    @Test
    void withoutActuatorThereIsNothingToGuardButTheStartupLineRemains() {
        runner.withClassLoader(new FilteredClassLoader(PathMappedEndpoints.class))
                .withPropertyValues("METRICS_AUTH_USERNAME=u", "METRICS_AUTH_PASSWORD=p")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(ActuatorBasicAuthFilter.class);
                    assertThat(context).doesNotHaveBean(RegistryEndpoints.class);
                    assertThat(context.getBean(HeapwatchAccessReport.class).describe())
                            .isEqualTo("heapwatch: its data can be read at /metrics on port 8080 (heapwatch basic"
                                    + " auth, METRICS_AUTH_*); /heapwatch and /heapwatch/diagnosis on port 8080 (the"
                                    + " same authentication)");
                });
    }

    @Test
    void theFilterUsesTheApplicationsBasicAuthenticator() {
        runner.withBean(BasicAuthenticator.class, () -> new BasicAuthenticator("own", "secret"))
                .withBean(
                        RegistryEndpoints.class,
                        () -> new RegistryEndpoints(() -> RegistryEndpointPaths.of(List.of("/actuator/prometheus"))))
                .withPropertyValues("METRICS_AUTH_USERNAME=u", "METRICS_AUTH_PASSWORD=p")
                .run(context -> {
                    ActuatorBasicAuthFilter filter = context.getBean(ActuatorBasicAuthFilter.class);
                    assertThat(status(filter, "/actuator/prometheus", ActuatorClient.basic("own", "secret")))
                            .isEqualTo(200);
                    assertThat(status(filter, "/actuator/prometheus", ActuatorClient.basic("u", "p")))
                            .isEqualTo(401);
                    assertThat(status(filter, "/other", null)).isEqualTo(200);
                });
    }

    @Test
    void theIdeMetadataDescribesTheSettingAndItsValues() throws Exception {
        String json;
        try (InputStream in = HeapwatchActuatorConfigurationTest.class
                .getClassLoader()
                .getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int at = json.indexOf("\"name\": \"heapwatch.actuator.protection\"");
        assertThat(at).isNotNegative();
        assertThat(json.substring(at, json.indexOf('}', at)))
                .contains(ActuatorProtection.ENVIRONMENT_VARIABLE, "\"defaultValue\": \"basic-auth\"");
        assertThat(json).contains("\"value\": \"none\"");
    }

    private static int status(ActuatorBasicAuthFilter filter, String uri, String authorization) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", uri);
        request.setServletPath(uri);
        if (authorization != null) {
            request.addHeader("Authorization", authorization);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response.getStatus();
    }
}
