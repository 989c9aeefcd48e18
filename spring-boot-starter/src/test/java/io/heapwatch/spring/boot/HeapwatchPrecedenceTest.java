package io.heapwatch.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapwatch.config.HeapwatchConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * A real {@link SpringApplication}: the post processor registered in {@code META-INF/spring.factories} places the
 * deployment variables right after the system environment, so Spring Boot's order holds (command line, system
 * properties, environment, application properties). Runs on Spring Boot 4 and, in the boot3 IT module, on 3.5.
 */
class HeapwatchPrecedenceTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(HeapwatchProperties.class)
    static class PropertiesOnly {}

    private static ConfigurableApplicationContext run(
            Map<String, Object> environmentVariables, Map<String, Object> systemProperties, String... args) {
        StandardEnvironment environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .replace(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new SystemEnvironmentPropertySource(
                                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environmentVariables));
        environment
                .getPropertySources()
                .replace(
                        StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME,
                        new MapPropertySource(
                                StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME, systemProperties));
        SpringApplication application = new SpringApplication(PropertiesOnly.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setBannerMode(Banner.Mode.OFF);
        application.setLogStartupInfo(false);
        application.setEnvironment(environment);
        return application.run(args);
    }

    private static String applicationProperties(Path dir, String... lines) throws Exception {
        Path file = Files.write(dir.resolve("application.properties"), List.of(lines));
        return "--spring.config.location=" + file.toUri();
    }

    @Test
    void commandLineBeatsSystemPropertiesBeatEnvironmentBeatsApplicationProperties(@TempDir Path dir) throws Exception {
        String file = applicationProperties(
                dir,
                "heapwatch.container-name=from-file",
                "heapwatch.profiling.sample-rate=0.75",
                "heapwatch.leak.window=2h",
                "heapwatch.profiling.max-routes=11");
        Map<String, Object> env = Map.of(
                "CONTAINER_NAME", "from-env",
                "MEMORY_PROFILING_SAMPLE_RATE", "0.25",
                "HEAPWATCH_LEAK_WINDOW", "45m");
        Map<String, Object> sys = Map.of("heapwatch.profiling.sample-rate", "0.5");
        try (ConfigurableApplicationContext context = run(env, sys, file, "--heapwatch.container-name=checkout")) {
            HeapwatchProperties properties = context.getBean(HeapwatchProperties.class);
            assertThat(properties.getContainerName())
                    .as("command line over environment")
                    .isEqualTo("checkout");
            assertThat(properties.getProfiling().getSampleRate())
                    .as("system property over environment")
                    .isEqualTo(0.5);
            assertThat(properties.getLeak().getWindow())
                    .as("environment over application.properties")
                    .hasMinutes(45);
            assertThat(properties.getProfiling().getMaxRoutes())
                    .as("application.properties alone")
                    .isEqualTo(11);

            HeapwatchConfig config = HeapwatchConfigFactory.create(properties, context.getEnvironment());
            assertThat(config.containerName()).isEqualTo("checkout");
            assertThat(config.sampleRate()).isEqualTo(0.5);
            assertThat(config.leakDetection().window()).hasMinutes(45);
            assertThat(config.maxRoutes()).isEqualTo(11);
        }
    }

    @Test
    void deploymentVariablesComeRightAfterTheSystemEnvironment() {
        try (ConfigurableApplicationContext context = run(Map.of("CONTAINER_NAME", "web-1"), Map.of())) {
            List<String> names = new ArrayList<>();
            for (PropertySource<?> source : context.getEnvironment().getPropertySources()) {
                names.add(source.getName());
            }
            assertThat(names.indexOf(HeapwatchDeploymentVariables.NAME))
                    .isEqualTo(names.indexOf(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME) + 1);
            assertThat(names).containsOnlyOnce(HeapwatchDeploymentVariables.NAME);
            assertThat(context.getEnvironment().getProperty("heapwatch.container-name"))
                    .isEqualTo("web-1");
        }
    }

    @Test
    void variableOfTheSameNameAsASystemPropertyStillCounts() {
        try (ConfigurableApplicationContext context =
                run(Map.of("CONTAINER_NAME", "from-env"), Map.of("CONTAINER_NAME", "from-system-property"))) {
            assertThat(context.getBean(HeapwatchProperties.class).getContainerName())
                    .isEqualTo("from-system-property");
        }
    }
}
