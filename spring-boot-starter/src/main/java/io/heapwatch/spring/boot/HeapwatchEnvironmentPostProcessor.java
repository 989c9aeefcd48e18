package io.heapwatch.spring.boot;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Attaches {@link HeapwatchDeploymentVariables} on Spring Boot 4 (registered in {@code META-INF/spring.factories}
 * under {@code org.springframework.boot.EnvironmentPostProcessor}). Runs after Boot's own system-environment post
 * processor, so that the source it places itself after is Boot's.
 */
public final class HeapwatchEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    /** After Boot's system environment and JSON post processors, before the config data (application.properties). */
    static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 8;

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        HeapwatchDeploymentVariables.attach(environment);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
