package io.heapwatch.spring.boot;

import io.heapwatch.config.HeapwatchConfig;
import io.heapwatch.endpoint.BasicAuthenticator;
import jakarta.servlet.DispatcherType;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Where heapwatch's data can be read besides {@code /metrics}, and its protection: with Actuator, heapwatch's basic
 * authentication in front of the {@code prometheus} and {@code metrics} endpoints (unless
 * {@code heapwatch.actuator.protection=none}), and the startup line that says where the data is and how each place is
 * protected. Imported by {@link HeapwatchAutoConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
final class HeapwatchActuatorConfiguration {

    /** The order of the Actuator filter: after heapwatch's request filter, before Spring Security ({@code -100}). */
    static final int ACTUATOR_FILTER_ORDER = HeapwatchComponents.FILTER_ORDER + 1;

    /** The name of the Actuator filter's registration, in the application's and in a management child context. */
    static final String ACTUATOR_FILTER_NAME = "heapwatchActuatorBasicAuthFilter";

    @Bean
    @ConditionalOnMissingBean
    HeapwatchAccessReport heapwatchAccessReport(
            HeapwatchConfig config,
            Environment environment,
            ApplicationContext context,
            ObjectProvider<RegistryEndpoints> endpoints,
            ObjectProvider<ActuatorBasicAuthFilter> filter) {
        return new HeapwatchAccessReport(
                config, environment, context, endpoints.getIfAvailable(), filter.getIfAvailable() != null);
    }

    /** heapwatch's credentials masked in Actuator's env and configprops endpoints, whatever their show-values. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.SanitizingFunction")
    static final class Sanitizing {

        @Bean
        HeapwatchCredentialsSanitizer heapwatchCredentialsSanitizer() {
            return new HeapwatchCredentialsSanitizer();
        }
    }

    static FilterRegistrationBean<ActuatorBasicAuthFilter> registration(ActuatorBasicAuthFilter filter) {
        FilterRegistrationBean<ActuatorBasicAuthFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setName(ACTUATOR_FILTER_NAME);
        registration.setAsyncSupported(true);
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.FORWARD);
        registration.addUrlPatterns("/*");
        registration.setOrder(ACTUATOR_FILTER_ORDER);
        return registration;
    }

    /** Where Spring MVC's or Jersey's servlet may be mapped below the context path; Actuator's paths are under it. */
    private static final String[] SERVLET_PATH_PROPERTIES = {"spring.mvc.servlet.path", "spring.jersey.application-path"
    };

    /** {@code prefix} (a servlet path such as {@code /api}, {@code api/} or {@code /api/*}) and then {@code path}. */
    static String join(String prefix, String path) {
        String p = prefix.trim();
        if (p.endsWith("/*")) {
            p = p.substring(0, p.length() - 2);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (!p.isEmpty() && !p.startsWith("/")) {
            p = "/" + p;
        }
        return p + (path.startsWith("/") ? path : "/" + path);
    }

    /** With Actuator on the classpath. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints")
    static final class Actuator {

        @Bean
        @ConditionalOnMissingBean
        RegistryEndpoints heapwatchRegistryEndpoints(
                ObjectProvider<PathMappedEndpoints> endpoints, Environment environment) {
            return new RegistryEndpoints(() -> resolve(endpoints.getIfAvailable(), environment));
        }

        /**
         * The paths of the exposed {@code prometheus} and {@code metrics} web endpoints (base path and path mapping
         * applied), also under Spring MVC's or Jersey's servlet path when one is set.
         */
        static RegistryEndpointPaths resolve(@Nullable PathMappedEndpoints endpoints, Environment environment) {
            if (endpoints == null) {
                return RegistryEndpointPaths.NONE;
            }
            List<String> paths = new ArrayList<>();
            for (String id : RegistryEndpoints.ENDPOINT_IDS) {
                String path = endpoints.getPath(EndpointId.of(id));
                if (path != null) {
                    paths.add(path);
                    for (String property : SERVLET_PATH_PROPERTIES) {
                        String servletPath = environment.getProperty(property);
                        if (servletPath != null) {
                            paths.add(join(servletPath, path));
                        }
                    }
                }
            }
            return RegistryEndpointPaths.of(paths);
        }

        /** heapwatch's basic authentication in front of those endpoints, unless the protection is {@code none}. */
        @Configuration(proxyBeanMethods = false)
        @Conditional(OnActuatorBasicAuthCondition.class)
        static final class BasicAuth {

            @Bean(destroyMethod = "removeMeters")
            @ConditionalOnMissingBean
            ActuatorBasicAuthFilter heapwatchActuatorBasicAuthFilter(
                    HeapwatchConfig config,
                    HeapwatchRegistries registries,
                    RegistryEndpoints endpoints,
                    ObjectProvider<BasicAuthenticator> authenticator) {
                return new ActuatorBasicAuthFilter(
                        authenticator.getIfAvailable(() -> HeapwatchComponents.authenticator(config)),
                        endpoints,
                        registries.scraped(),
                        HeapwatchComponents.tags(config));
            }

            @Bean
            @ConditionalOnMissingBean(name = "heapwatchActuatorBasicAuthFilterRegistration")
            FilterRegistrationBean<ActuatorBasicAuthFilter> heapwatchActuatorBasicAuthFilterRegistration(
                    ActuatorBasicAuthFilter filter) {
                return registration(filter);
            }
        }
    }

    /** Matches unless HEAPWATCH_ACTUATOR_PROTECTION / heapwatch.actuator.protection is {@code none}. */
    static final class OnActuatorBasicAuthCondition extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            ConditionMessage.Builder message = ConditionMessage.forCondition(
                    "heapwatch " + ActuatorProtection.ENVIRONMENT_VARIABLE + " / " + ActuatorProtection.PROPERTY);
            ActuatorProtection protection = ActuatorProtection.resolve(context.getEnvironment());
            return protection == ActuatorProtection.BASIC_AUTH
                    ? ConditionOutcome.match(message.because("basic-auth"))
                    : ConditionOutcome.noMatch(message.because("none: the application secures Actuator itself"));
        }
    }
}
