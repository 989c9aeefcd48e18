package io.heapwatch.spring.boot;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SearchStrategy;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * With {@code management.server.port} set, Actuator serves its endpoints from a child context on its own port, and
 * filters registered in the application's context do not apply there: this registers the application's
 * {@link ActuatorBasicAuthFilter} in that child context too.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = "org.springframework.boot.web.servlet.FilterRegistrationBean")
@ConditionalOnBean(ActuatorBasicAuthFilter.class)
public final class HeapwatchActuatorChildContextConfiguration {

    /** Named like the application context's registration, which must not count: it is not in this context. */
    @Bean
    @ConditionalOnMissingBean(name = "heapwatchActuatorBasicAuthFilterRegistration", search = SearchStrategy.CURRENT)
    FilterRegistrationBean<ActuatorBasicAuthFilter> heapwatchActuatorBasicAuthFilterRegistration(
            ActuatorBasicAuthFilter filter) {
        return HeapwatchActuatorConfiguration.registration(filter);
    }
}
