package io.heapwatch.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapwatch.config.HeapwatchConfig;
import io.heapwatch.endpoint.BasicAuthenticator;
import io.heapwatch.endpoint.MetricsServlet;
import io.heapwatch.gc.GcEventTracker;
import io.heapwatch.leak.LeakDetector;
import io.heapwatch.sampling.JvmMeasurementSource;
import io.heapwatch.sampling.MemoryProfilingFilter;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class HeapwatchAutoConfigurationTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HeapwatchAutoConfiguration.class))
            .withInitializer(HeapwatchAutoConfigurationTest::withoutProcessEnvironment);

    /**
     * The tests set heapwatch's variables themselves; the machine's own (CONTAINER_NAME, ...) must not leak in. The
     * system environment is replaced by an empty one, and the deployment variables are attached after it as
     * SpringApplication's post processor would (a context runner runs none). Test property values rank above the
     * system environment, like command-line arguments.
     */
    static void withoutProcessEnvironment(org.springframework.context.ConfigurableApplicationContext context) {
        context.getEnvironment()
                .getPropertySources()
                .replace("systemEnvironment", new SystemEnvironmentPropertySource("systemEnvironment", Map.of()));
        HeapwatchDeploymentVariables.attach(context.getEnvironment());
    }

    /** Replaces the (empty) system environment with these variables. */
    static org.springframework.context.ApplicationContextInitializer<
                    org.springframework.context.ConfigurableApplicationContext>
            systemEnvironment(String... variables) {
        return context -> context.getEnvironment()
                .getPropertySources()
                .replace("systemEnvironment", new SystemEnvironmentPropertySource("systemEnvironment", map(variables)));
    }

    /** Adds these properties below the system environment, where application.properties ranks. */
    static org.springframework.context.ApplicationContextInitializer<
                    org.springframework.context.ConfigurableApplicationContext>
            applicationProperties(String... properties) {
        return context -> context.getEnvironment()
                .getPropertySources()
                .addLast(new org.springframework.core.env.MapPropertySource(
                        "Config resource 'class path resource [application.properties]'", map(properties)));
    }

    private static Map<String, Object> map(String... pairs) {
        Map<String, Object> map = new java.util.LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            map.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return map;
    }

    // --- what is registered, and each flag

    @Test
    void registersConfigGcTrackerFilterAndMetricsServletByDefault() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(HeapwatchConfig.class);
            assertThat(context).hasSingleBean(GcEventTracker.class);
            assertThat(context).hasSingleBean(MemoryProfilingFilter.class);
            assertThat(context).hasBean("heapwatchFilterRegistration");
            assertThat(context).hasSingleBean(MetricsServlet.class);
            assertThat(context).hasBean("heapwatchMetricsServletRegistration");
        });
    }

    @Test
    void filterIsRegisteredOnAllPathsForRequestAndAsyncDispatches() {
        runner.run(context -> {
            FilterRegistrationBean<?> registration =
                    context.getBean("heapwatchFilterRegistration", FilterRegistrationBean.class);
            assertThat(registration.getFilter()).isSameAs(context.getBean(MemoryProfilingFilter.class));
            assertThat(registration.getUrlPatterns()).containsExactly("/*");
            assertThat(registration.isAsyncSupported()).isTrue();
            assertThat(registration.determineDispatcherTypes())
                    .containsExactlyInAnyOrder(DispatcherType.REQUEST, DispatcherType.ASYNC);
        });
    }

    @Test
    void metricsServletIsMappedOnMetrics() {
        runner.run(context -> {
            ServletRegistrationBean<?> registration =
                    context.getBean("heapwatchMetricsServletRegistration", ServletRegistrationBean.class);
            assertThat(registration.getUrlMappings()).containsExactly("/metrics");
            assertThat(registration.getServlet()).isSameAs(context.getBean(MetricsServlet.class));
        });
    }

    @Test
    void enableMemoryProfilingFalseRemovesTheFilterButKeepsTheMetricsServlet() {
        runner.withPropertyValues("ENABLE_MEMORY_PROFILING=false").run(context -> {
            assertThat(context).doesNotHaveBean(MemoryProfilingFilter.class);
            assertThat(context).doesNotHaveBean("heapwatchFilterRegistration");
            assertThat(context).hasSingleBean(MetricsServlet.class);
            assertThat(context).hasSingleBean(GcEventTracker.class);
        });
    }

    @Test
    void leakDetectorIsRegisteredByDefaultFedByTheFilterAndPublishesItsGauges() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(LeakDetector.class);
            HeapwatchRegistries registries = context.getBean(HeapwatchRegistries.class);
            assertThat(registries.scraped().scrape())
                    .contains("heapwatch_leak_suspected")
                    .contains("heapwatch_leak_time_to_exhaustion_seconds");
        });
    }

    @Test
    void leakDetectionFalseRemovesTheDetectorAndItsGauges() {
        runner.withPropertyValues("HEAPWATCH_LEAK_DETECTION=false").run(context -> {
            assertThat(context).doesNotHaveBean(LeakDetector.class);
            assertThat(context).hasSingleBean(MemoryProfilingFilter.class);
            assertThat(context.getBean(HeapwatchRegistries.class).scraped().scrape())
                    .doesNotContain("heapwatch_leak_suspected");
        });
    }

    @Test
    void leakPropertiesConfigureTheDetectionSettings() {
        runner.withPropertyValues(
                        "heapwatch.leak.window=90s",
                        "heapwatch.leak.sub-windows=10",
                        "heapwatch.leak.min-growth-percent=5",
                        "heapwatch.leak.top-routes=3",
                        "heapwatch.leak.unproven-reach=12h")
                .run(context -> {
                    HeapwatchConfig config = context.getBean(HeapwatchConfig.class);
                    assertThat(config.leakDetection().window()).hasSeconds(90);
                    assertThat(config.leakDetection().subWindows()).isEqualTo(10);
                    assertThat(config.leakDetection().minGrowthFraction()).isEqualTo(0.05);
                    assertThat(config.leakDetection().topRoutes()).isEqualTo(3);
                    assertThat(config.leakDetection().unprovenReach()).hasHours(12);
                });
    }

    @Test
    void leakWindowEnvironmentVariableWinsOverApplicationPropertiesAndLosesToAHigherProperty() {
        runner.withInitializer(systemEnvironment("HEAPWATCH_LEAK_WINDOW=45m"))
                .withInitializer(applicationProperties("heapwatch.leak.window=2h"))
                .run(context -> assertThat(context.getBean(HeapwatchConfig.class)
                                .leakDetection()
                                .window())
                        .hasMinutes(45));
        runner.withInitializer(systemEnvironment("HEAPWATCH_LEAK_WINDOW=45m"))
                .withPropertyValues("heapwatch.leak.window=2h")
                .run(context -> assertThat(context.getBean(HeapwatchConfig.class)
                                .leakDetection()
                                .window())
                        .hasHours(2));
    }

    @Test
    void leakWindowIsADurationInBootsFormats() {
        runner.withPropertyValues("heapwatch.leak.window=PT20M").run(context -> assertThat(
                        context.getBean(HeapwatchConfig.class).leakDetection().window())
                .hasMinutes(20));
        runner.withPropertyValues("heapwatch.leak.window=120").run(context -> assertThat(
                        context.getBean(HeapwatchConfig.class).leakDetection().window())
                .hasSeconds(120));
    }

    @Test
    void growthThresholdIsADataSizeInMegabytesByDefault() {
        runner.withPropertyValues("heapwatch.profiling.growth-threshold=2GB").run(context -> assertThat(
                        context.getBean(HeapwatchConfig.class).growthThresholdMb())
                .isEqualTo(2048));
        runner.withPropertyValues("heapwatch.profiling.growth-threshold=7").run(context -> assertThat(
                        context.getBean(HeapwatchConfig.class).growthThresholdBytes())
                .isEqualTo(7L * 1024 * 1024));
    }

    @Test
    void variablesKeepTheirOwnFormats() {
        runner.withInitializer(systemEnvironment(
                        "MEMORY_GROWTH_THRESHOLD_MB=10",
                        "HEAPWATCH_LEAK_WINDOW=90s",
                        "MEMORY_PROFILING_SAMPLE_RATE= 0.5 ",
                        "ENABLE_MEMORY_PROFILING=TRUE",
                        "HEAPWATCH_HEAP_DELTA=False"))
                .run(context -> {
                    HeapwatchConfig config = context.getBean(HeapwatchConfig.class);
                    assertThat(config.growthThresholdBytes()).isEqualTo(10L * 1024 * 1024);
                    assertThat(config.leakDetection().window()).hasSeconds(90);
                    assertThat(config.sampleRate()).isEqualTo(0.5);
                    assertThat(config.profilingEnabled()).isTrue();
                    assertThat(config.heapDeltaEnabled()).isFalse();
                    assertThat(context).hasSingleBean(MemoryProfilingFilter.class);
                });
    }

    @Test
    void configurationPropertiesBeanHoldsTheValueInForce() {
        runner.withInitializer(systemEnvironment("CONTAINER_NAME=from-env", "MEMORY_GROWTH_THRESHOLD_MB=3"))
                .withInitializer(applicationProperties(
                        "heapwatch.container-name=from-file", "heapwatch.profiling.growth-threshold=9MB"))
                .withPropertyValues("heapwatch.profiling.growth-threshold=5MB")
                .run(context -> {
                    HeapwatchProperties properties = context.getBean(HeapwatchProperties.class);
                    assertThat(properties.getContainerName()).isEqualTo("from-env");
                    assertThat(properties.getProfiling().getGrowthThreshold().toMegabytes())
                            .isEqualTo(5);
                    HeapwatchConfig config = context.getBean(HeapwatchConfig.class);
                    assertThat(config.containerName()).isEqualTo("from-env");
                    assertThat(config.growthThresholdMb()).isEqualTo(5);
                });
    }

    @Test
    void profilingEnabledPropertyFalseRemovesTheFilter() {
        runner.withPropertyValues("heapwatch.profiling.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(MemoryProfilingFilter.class);
            assertThat(context).hasSingleBean(MetricsServlet.class);
        });
    }

    @Test
    void enablePrometheusMetricsFalseRemovesTheMetricsMapping() {
        runner.withPropertyValues("ENABLE_PROMETHEUS_METRICS=false").run(context -> {
            assertThat(context).doesNotHaveBean(MetricsServlet.class);
            assertThat(context).doesNotHaveBean("heapwatchMetricsServletRegistration");
            assertThat(context).hasSingleBean(MemoryProfilingFilter.class);
        });
    }

    @Test
    void metricsEnabledPropertyFalseRemovesTheMetricsMapping() {
        runner.withPropertyValues("heapwatch.metrics.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(MetricsServlet.class);
            assertThat(context).doesNotHaveBean(ServletRegistrationBean.class);
        });
    }

    @Test
    void environmentVariablesConfigureTheCore() {
        runner.withPropertyValues(
                        "MEMORY_PROFILING_SAMPLE_RATE=0.25",
                        "MEMORY_GROWTH_THRESHOLD_MB=3",
                        "CONTAINER_NAME=web-1",
                        "HEAPWATCH_MAX_ROUTES=7",
                        "HEAPWATCH_HEAP_DELTA=false",
                        "METRICS_AUTH_USERNAME=scraper",
                        "METRICS_AUTH_PASSWORD=s3cret")
                .run(context -> {
                    HeapwatchConfig config = context.getBean(HeapwatchConfig.class);
                    assertThat(config.sampleRate()).isEqualTo(0.25);
                    assertThat(config.growthThresholdMb()).isEqualTo(3);
                    assertThat(config.containerName()).isEqualTo("web-1");
                    assertThat(config.maxRoutes()).isEqualTo(7);
                    assertThat(config.heapDeltaEnabled()).isFalse();
                    assertThat(config.metricsUsername()).isEqualTo("scraper");
                    assertThat(config.metricsPassword()).isEqualTo("s3cret");
                });
    }

    @Test
    void propertiesConfigureTheCore() {
        runner.withPropertyValues(
                        "heapwatch.profiling.sample-rate=0.5",
                        "heapwatch.profiling.growth-threshold=4MB",
                        "heapwatch.container-name=web-2",
                        "heapwatch.profiling.max-routes=9",
                        "heapwatch.profiling.heap-delta=false",
                        "heapwatch.metrics.username=scraper",
                        "heapwatch.metrics.password=pw")
                .run(context -> {
                    HeapwatchConfig config = context.getBean(HeapwatchConfig.class);
                    assertThat(config.sampleRate()).isEqualTo(0.5);
                    assertThat(config.growthThresholdMb()).isEqualTo(4);
                    assertThat(config.containerName()).isEqualTo("web-2");
                    assertThat(config.maxRoutes()).isEqualTo(9);
                    assertThat(config.heapDeltaEnabled()).isFalse();
                    assertThat(config.metricsCredentialsConfigured()).isTrue();
                });
    }

    @Test
    void passwordFilePropertyIsRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path secret = java.nio.file.Files.writeString(dir.resolve("pw"), "from-file\n");
        runner.withPropertyValues("heapwatch.metrics.username=u", "heapwatch.metrics.password-file=" + secret)
                .run(context -> assertThat(
                                context.getBean(HeapwatchConfig.class).metricsPassword())
                        .isEqualTo("from-file"));
    }

    @Test
    void metricsPathHashAndBackoffAreReadFromPropertiesAndTheEnvironment() {
        String hash = io.heapwatch.config.PasswordHash.create(
                "s3cret".toCharArray(), io.heapwatch.config.PasswordHash.MIN_ITERATIONS);
        runner.withInitializer(systemEnvironment("HEAPWATCH_METRICS_AUTH_BACKOFF=false"))
                .withPropertyValues(
                        "heapwatch.metrics.username=u",
                        "heapwatch.metrics.password-hash=" + hash,
                        "heapwatch.metrics.path=/internal/hw")
                .run(context -> {
                    HeapwatchConfig config = context.getBean(HeapwatchConfig.class);
                    assertThat(config.metricsPasswordHash()).isEqualTo(io.heapwatch.config.PasswordHash.parse(hash));
                    assertThat(config.authBackoff()).isFalse();
                    assertThat(context.getBean("heapwatchMetricsServletRegistration", ServletRegistrationBean.class)
                                    .getUrlMappings())
                            .containsExactly("/internal/hw");
                    assertThat(context.getBean(io.heapwatch.endpoint.BasicAuthenticator.class)
                                    .authenticate("Basic "
                                            + java.util.Base64.getEncoder()
                                                    .encodeToString("u:s3cret"
                                                            .getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                            .isEqualTo(io.heapwatch.endpoint.BasicAuthenticator.Outcome.AUTHENTICATED);
                });
    }

    @Test
    void whitespaceOnlyUsernameCountsAsUnsetAsInTheCore() {
        // One rule: blank counts as unset, so the password alone names the missing username.
        runner.withInitializer(systemEnvironment("METRICS_AUTH_USERNAME=   ", "METRICS_AUTH_PASSWORD=pw"))
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("METRICS_AUTH_USERNAME"));
    }

    // --- precedence: Spring Boot's order (command line, system properties, environment, application properties)

    @Test
    void environmentVariableWinsOverApplicationPropertiesForAFlag() {
        runner.withInitializer(systemEnvironment("ENABLE_MEMORY_PROFILING=false"))
                .withInitializer(applicationProperties("heapwatch.profiling.enabled=true"))
                .run(context -> assertThat(context).doesNotHaveBean(MemoryProfilingFilter.class));
    }

    @Test
    void higherRankedPropertyWinsOverTheEnvironmentVariableForAFlag() {
        runner.withInitializer(systemEnvironment("ENABLE_MEMORY_PROFILING=false"))
                .withPropertyValues("heapwatch.profiling.enabled=true")
                .run(context -> assertThat(context).hasSingleBean(MemoryProfilingFilter.class));
    }

    @Test
    void environmentVariableWinsOverApplicationPropertiesForAValue() {
        runner.withInitializer(systemEnvironment("MEMORY_PROFILING_SAMPLE_RATE=0.25"))
                .withInitializer(applicationProperties("heapwatch.profiling.sample-rate=0.5"))
                .run(context -> assertThat(
                                context.getBean(HeapwatchConfig.class).sampleRate())
                        .isEqualTo(0.25));
    }

    @Test
    void higherRankedPropertyWinsOverTheEnvironmentVariableForAValue() {
        runner.withInitializer(systemEnvironment("MEMORY_PROFILING_SAMPLE_RATE=0.25", "CONTAINER_NAME=from-env"))
                .withPropertyValues("heapwatch.profiling.sample-rate=0.5", "heapwatch.container-name=checkout")
                .run(context -> {
                    HeapwatchConfig config = context.getBean(HeapwatchConfig.class);
                    assertThat(config.sampleRate()).isEqualTo(0.5);
                    assertThat(config.containerName()).isEqualTo("checkout");
                });
    }

    @Test
    void environmentVariableFromTheSystemEnvironmentWinsOverApplicationProperties() {
        runner.withInitializer(systemEnvironment("MEMORY_GROWTH_THRESHOLD_MB=12", "HEAPWATCH_HEAP_DELTA=false"))
                .withInitializer(applicationProperties(
                        "heapwatch.profiling.growth-threshold=2MB", "heapwatch.profiling.heap-delta=true"))
                .run(context -> {
                    HeapwatchConfig config = context.getBean(HeapwatchConfig.class);
                    assertThat(config.growthThresholdMb()).isEqualTo(12);
                    assertThat(config.heapDeltaEnabled()).isFalse();
                });
    }

    @Test
    void blankEnvironmentVariableLeavesThePropertyInForce() {
        runner.withInitializer(systemEnvironment("MEMORY_GROWTH_THRESHOLD_MB= "))
                .withInitializer(applicationProperties("heapwatch.profiling.growth-threshold=5"))
                .run(context -> assertThat(
                                context.getBean(HeapwatchConfig.class).growthThresholdMb())
                        .isEqualTo(5));
    }

    @Test
    void passwordEnvironmentVariableReplacesBothPasswordApplicationProperties() {
        runner.withInitializer(systemEnvironment("METRICS_AUTH_PASSWORD=from-env"))
                .withInitializer(applicationProperties(
                        "heapwatch.metrics.username=u", "heapwatch.metrics.password-file=/does/not/exist"))
                .run(context -> assertThat(
                                context.getBean(HeapwatchConfig.class).metricsPassword())
                        .isEqualTo("from-env"));
    }

    @Test
    void passwordFileFromAHigherRankedPropertyReplacesThePasswordVariable(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path secret = java.nio.file.Files.writeString(dir.resolve("pw"), "from-file\n");
        runner.withInitializer(systemEnvironment("METRICS_AUTH_USERNAME=u", "METRICS_AUTH_PASSWORD=from-env"))
                .withPropertyValues("heapwatch.metrics.password-file=" + secret)
                .run(context -> assertThat(
                                context.getBean(HeapwatchConfig.class).metricsPassword())
                        .isEqualTo("from-file"));
    }

    // --- back-off

    @Test
    void backsOffFromUserConfig() {
        HeapwatchConfig mine = HeapwatchConfig.builder().containerName("mine").build();
        runner.withBean(HeapwatchConfig.class, () -> mine).run(context -> {
            assertThat(context).getBean(HeapwatchConfig.class).isSameAs(mine);
            assertThat(context.getBean(GcEventTracker.class)).isNotNull();
        });
    }

    @Test
    void userConfigWithProfilingOffDisablesTheFilterRegistration() {
        runner.withBean(
                        HeapwatchConfig.class,
                        () -> HeapwatchConfig.builder().profilingEnabled(false).build())
                .run(context -> assertThat(context.getBean("heapwatchFilterRegistration", FilterRegistrationBean.class)
                                .isEnabled())
                        .isFalse());
    }

    @Test
    void backsOffFromUserGcTracker() {
        runner.withUserConfiguration(UserTracker.class).run(context -> {
            assertThat(context).hasSingleBean(GcEventTracker.class);
            assertThat(context).getBean(GcEventTracker.class).isSameAs(context.getBean("myTracker"));
        });
    }

    @Test
    void backsOffFromUserFilterAndRegistration() {
        runner.withUserConfiguration(UserFilter.class).run(context -> {
            assertThat(context).hasSingleBean(MemoryProfilingFilter.class);
            assertThat(context).getBean(MemoryProfilingFilter.class).isSameAs(context.getBean("myFilter"));
            assertThat(context.getBean("heapwatchFilterRegistration", FilterRegistrationBean.class)
                            .getUrlPatterns())
                    .containsExactly("/api/*");
        });
    }

    @Test
    void backsOffFromUserAuthenticatorAndMetricsServlet() {
        BasicAuthenticator authenticator = new BasicAuthenticator("a", "b");
        runner.withBean(BasicAuthenticator.class, () -> authenticator).run(context -> {
            assertThat(context).getBean(BasicAuthenticator.class).isSameAs(authenticator);
        });
        runner.withUserConfiguration(UserServlet.class).run(context -> {
            assertThat(context).hasSingleBean(MetricsServlet.class);
            assertThat(context).getBean(MetricsServlet.class).isSameAs(context.getBean("myServlet"));
        });
    }

    @Test
    void backsOffFromUserRegistries() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HeapwatchRegistries mine = HeapwatchRegistries.of(prometheus, prometheus);
        runner.withBean(HeapwatchRegistries.class, () -> mine)
                .run(context ->
                        assertThat(context).getBean(HeapwatchRegistries.class).isSameAs(mine));
    }

    // --- registries

    @Test
    void recordsIntoAndServesTheApplicationsPrometheusRegistry() {
        PrometheusMeterRegistry app = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        runner.withBean(PrometheusMeterRegistry.class, () -> app).run(context -> {
            HeapwatchRegistries registries = context.getBean(HeapwatchRegistries.class);
            assertThat(registries.recording()).isSameAs(app);
            assertThat(registries.scraped()).isSameAs(app);
            assertThat(registries.owned()).isFalse();
            assertThat(context).getBeans(MeterRegistry.class).hasSize(1);
            assertThat(app.find("heapwatch.heap.used").gauge()).isNotNull();
            assertThat(app.find("heapwatch.request.allocation.unavailable").counter())
                    .isNotNull();
        });
    }

    @Test
    void recordsIntoThePrimaryCompositeAndServesThePrometheusRegistryInsideIt() {
        runner.withUserConfiguration(CompositeWithPrometheus.class).run(context -> {
            HeapwatchRegistries registries = context.getBean(HeapwatchRegistries.class);
            PrometheusMeterRegistry prometheus = context.getBean(PrometheusMeterRegistry.class);
            assertThat(registries.recording()).isSameAs(context.getBean("composite"));
            assertThat(registries.scraped()).isSameAs(prometheus);
            assertThat(prometheus.scrape()).contains("heapwatch_heap_used_bytes");
        });
    }

    @Test
    void servesAPrometheusRegistryInsideACompositeThatIsNotABean() {
        PrometheusMeterRegistry inside = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CompositeMeterRegistry composite = new CompositeMeterRegistry(Clock.SYSTEM, List.of(inside));
        runner.withBean(MeterRegistry.class, () -> composite).run(context -> {
            HeapwatchRegistries registries = context.getBean(HeapwatchRegistries.class);
            assertThat(registries.recording()).isSameAs(composite);
            assertThat(registries.scraped()).isSameAs(inside);
        });
    }

    @Test
    void withANonPrometheusRegistryRecordsIntoItAndIntoItsOwnPrometheusRegistry() {
        SimpleMeterRegistry simple = new SimpleMeterRegistry();
        runner.withBean(MeterRegistry.class, () -> simple).run(context -> {
            HeapwatchRegistries registries = context.getBean(HeapwatchRegistries.class);
            assertThat(registries.owned()).isTrue();
            assertThat(simple.find("heapwatch.heap.used").gauge()).isNotNull();
            assertThat(registries.scraped().scrape()).contains("heapwatch_heap_used_bytes");
            assertThat(context).getBeans(MeterRegistry.class).hasSize(1);
        });
    }

    @Test
    void createsAPrometheusRegistryWhenTheApplicationHasNone() {
        runner.run(context -> {
            HeapwatchRegistries registries = context.getBean(HeapwatchRegistries.class);
            assertThat(registries.owned()).isTrue();
            assertThat(registries.recording()).isSameAs(registries.scraped());
            assertThat(registries.scraped().scrape()).contains("heapwatch_live_heap_after_gc_bytes");
            assertThat(context).doesNotHaveBean(MeterRegistry.class);
        });
    }

    @Test
    void closingTheContextRemovesHeapwatchMetersFromTheApplicationsRegistry() {
        PrometheusMeterRegistry app = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        runner.withBean(PrometheusMeterRegistry.class, () -> app)
                .run(context ->
                        assertThat(app.find("heapwatch.heap.used").gauge()).isNotNull());
        assertThat(app.getMeters()).noneMatch(m -> m.getId().getName().startsWith("heapwatch."));
    }

    // --- where it applies

    @Test
    void isNotActiveOutsideServletWebApplications() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(HeapwatchAutoConfiguration.class))
                .run(context -> {
                    assertThat(context).doesNotHaveBean(HeapwatchConfig.class);
                    assertThat(context).doesNotHaveBean(GcEventTracker.class);
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class UserTracker {
        @Bean(destroyMethod = "close")
        GcEventTracker myTracker() {
            return new GcEventTracker(Tags.of("container", "mine"));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserFilter {
        @Bean
        MemoryProfilingFilter myFilter(HeapwatchConfig config, GcEventTracker tracker) {
            return new MemoryProfilingFilter(config, new SimpleMeterRegistry(), new JvmMeasurementSource(tracker));
        }

        @Bean
        FilterRegistrationBean<MemoryProfilingFilter> heapwatchFilterRegistration(MemoryProfilingFilter filter) {
            FilterRegistrationBean<MemoryProfilingFilter> r = new FilterRegistrationBean<>(filter);
            r.addUrlPatterns("/api/*");
            return r;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserServlet {
        @Bean
        MetricsServlet myServlet() {
            return new MetricsServlet(
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                    new BasicAuthenticator("a", "b"),
                    Tags.empty());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class CompositeWithPrometheus {
        @Bean
        PrometheusMeterRegistry prometheus() {
            return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        }

        @Bean
        SimpleMeterRegistry simple() {
            return new SimpleMeterRegistry();
        }

        @Bean
        @Primary
        CompositeMeterRegistry composite(PrometheusMeterRegistry prometheus, SimpleMeterRegistry simple) {
            return new CompositeMeterRegistry(Clock.SYSTEM, List.of(prometheus, simple));
        }
    }
}
