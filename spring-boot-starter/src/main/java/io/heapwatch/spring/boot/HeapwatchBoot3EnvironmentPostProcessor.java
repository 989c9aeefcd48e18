package io.heapwatch.spring.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.ClassUtils;

/**
 * Attaches {@link HeapwatchDeploymentVariables} on Spring Boot 3.5, which reads post processors only under
 * {@code org.springframework.boot.env.EnvironmentPostProcessor}. Spring Boot 4 reads that key too; there
 * {@link HeapwatchEnvironmentPostProcessor} does the work and this one does nothing.
 */
@SuppressWarnings({"deprecation", "removal"})
public final class HeapwatchBoot3EnvironmentPostProcessor
        implements org.springframework.boot.env.EnvironmentPostProcessor, Ordered {

    private static final boolean BOOT_4 = ClassUtils.isPresent(
            "org.springframework.boot.EnvironmentPostProcessor",
            HeapwatchBoot3EnvironmentPostProcessor.class.getClassLoader());

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!BOOT_4) {
            HeapwatchDeploymentVariables.attach(environment);
        }
    }

    @Override
    public int getOrder() {
        return HeapwatchEnvironmentPostProcessor.ORDER;
    }
}
