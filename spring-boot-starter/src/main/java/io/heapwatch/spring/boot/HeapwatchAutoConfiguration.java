package io.heapwatch.spring.boot;

import io.heapwatch.config.HeapwatchConfig;
import io.heapwatch.diagnosis.DiagnosisServlet;
import io.heapwatch.diagnosis.LeakDiagnostics;
import io.heapwatch.diagnosis.ReportServlet;
import io.heapwatch.endpoint.BasicAuthenticator;
import io.heapwatch.endpoint.MetricsServlet;
import io.heapwatch.gc.GcEventTracker;
import io.heapwatch.leak.LeakDetector;
import io.heapwatch.sampling.MemoryProfilingFilter;
import io.heapwatch.servlet.Heapwatch;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * heapwatch in a servlet web application: configuration, GC tracker, request filter and the authenticated
 * {@code /metrics} endpoint; with Actuator, heapwatch's authentication in front of its {@code prometheus} and
 * {@code metrics} endpoints too ({@code heapwatch.actuator.protection}). Every bean backs off when the application defines its own. Ordered after the metrics
 * auto-configurations of Spring Boot 4.x and 3.5.x (named as strings, since their packages differ) so that it
 * finds the application's registry.
 */
@AutoConfiguration(
        afterName = {
            // Spring Boot 4.x
            "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
            // Spring Boot 3.5.x
            "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.metrics.export.prometheus.PrometheusMetricsExportAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration"
        })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(
        name = {
            "jakarta.servlet.Filter",
            "org.springframework.boot.web.servlet.FilterRegistrationBean",
            "io.micrometer.prometheusmetrics.PrometheusMeterRegistry"
        })
@EnableConfigurationProperties(HeapwatchProperties.class)
@Import(HeapwatchActuatorConfiguration.class)
public final class HeapwatchAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public HeapwatchConfig heapwatchConfig(HeapwatchProperties properties, Environment environment) {
        return HeapwatchConfigFactory.create(properties, environment);
    }

    @Bean
    @ConditionalOnMissingBean
    public HeapwatchRegistries heapwatchRegistries(
            ObjectProvider<MeterRegistry> registries, ObjectProvider<PrometheusMeterRegistry> prometheus) {
        return HeapwatchRegistries.select(registries.getIfUnique(), prometheus.getIfUnique());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public GcEventTracker heapwatchGcEventTracker(HeapwatchConfig config, HeapwatchRegistries registries) {
        return HeapwatchComponents.gcTracker(config, registries);
    }

    /** The leak detector, present unless HEAPWATCH_LEAK_DETECTION / heapwatch.leak.enabled is false. */
    @Configuration(proxyBeanMethods = false)
    @Conditional(OnLeakDetectionEnabledCondition.class)
    public static final class LeakDetection {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        public LeakDetector heapwatchLeakDetector(
                HeapwatchConfig config,
                HeapwatchRegistries registries,
                GcEventTracker tracker,
                ObjectProvider<MemoryProfilingFilter> filter) {
            return HeapwatchComponents.leakDetector(config, registries, tracker, filter.getIfAvailable());
        }
    }

    /** The request filter, present unless ENABLE_MEMORY_PROFILING / heapwatch.profiling.enabled is false. */
    @Configuration(proxyBeanMethods = false)
    @Conditional(OnProfilingEnabledCondition.class)
    public static final class Profiling {

        @Bean(destroyMethod = "removeMeters")
        @ConditionalOnMissingBean
        public MemoryProfilingFilter heapwatchMemoryProfilingFilter(
                HeapwatchConfig config, HeapwatchRegistries registries, GcEventTracker tracker) {
            return HeapwatchComponents.filter(config, registries, tracker);
        }

        @Bean
        @ConditionalOnMissingBean(name = "heapwatchFilterRegistration")
        public FilterRegistrationBean<MemoryProfilingFilter> heapwatchFilterRegistration(
                MemoryProfilingFilter filter, HeapwatchConfig config) {
            return HeapwatchComponents.filterRegistration(filter, config);
        }
    }

    /** Fails startup when another servlet took the path of one of heapwatch's servlets. */
    @Bean
    static HeapwatchServletMappings heapwatchServletMappings(ApplicationContext context) {
        return new HeapwatchServletMappings(context);
    }

    /** The authenticated /metrics endpoint, present unless ENABLE_PROMETHEUS_METRICS / heapwatch.metrics.enabled is false. */
    @Configuration(proxyBeanMethods = false)
    @Conditional(OnMetricsEndpointEnabledCondition.class)
    public static final class MetricsEndpoint {

        @Bean
        @ConditionalOnMissingBean
        public BasicAuthenticator heapwatchBasicAuthenticator(HeapwatchConfig config) {
            return HeapwatchComponents.authenticator(config);
        }

        @Bean(destroyMethod = "removeMeters")
        @ConditionalOnMissingBean
        public MetricsServlet heapwatchMetricsServlet(
                HeapwatchConfig config, HeapwatchRegistries registries, BasicAuthenticator authenticator) {
            return HeapwatchComponents.metricsServlet(config, registries, authenticator);
        }

        @Bean
        @ConditionalOnMissingBean(name = "heapwatchMetricsServletRegistration")
        public ServletRegistrationBean<MetricsServlet> heapwatchMetricsServletRegistration(
                MetricsServlet servlet, HeapwatchConfig config) {
            return HeapwatchComponents.metricsServletRegistration(servlet, config);
        }
    }

    /**
     * The report page and the diagnosis JSON, behind the /metrics credentials; present with the /metrics endpoint,
     * mapped unless HEAPWATCH_REPORT / heapwatch.report.enabled is false.
     */
    @Configuration(proxyBeanMethods = false)
    @Conditional(OnMetricsEndpointEnabledCondition.class)
    public static final class Report {

        @Bean(initMethod = "start", destroyMethod = "close")
        @ConditionalOnMissingBean
        public LeakDiagnostics heapwatchLeakDiagnostics(
                HeapwatchConfig config, GcEventTracker tracker, ObjectProvider<LeakDetector> detector) {
            return Heapwatch.newDiagnostics(config, tracker, detector.getIfAvailable());
        }

        @Bean
        @ConditionalOnMissingBean(name = "heapwatchReportServletRegistration")
        public ServletRegistrationBean<ReportServlet> heapwatchReportServletRegistration(
                LeakDiagnostics diagnostics,
                BasicAuthenticator authenticator,
                HeapwatchConfig config,
                HeapwatchRegistries registries) {
            ServletRegistrationBean<ReportServlet> registration = new ServletRegistrationBean<>(
                    new ReportServlet(
                            diagnostics,
                            HeapwatchComponents.authGuard(config, registries, authenticator),
                            config.diagnosisPath()),
                    config.reportPath());
            registration.setName(Heapwatch.REPORT_SERVLET_NAME);
            registration.setEnabled(config.prometheusEnabled() && config.reportEnabled());
            return registration;
        }

        @Bean
        @ConditionalOnMissingBean(name = "heapwatchDiagnosisServletRegistration")
        public ServletRegistrationBean<DiagnosisServlet> heapwatchDiagnosisServletRegistration(
                LeakDiagnostics diagnostics,
                BasicAuthenticator authenticator,
                HeapwatchConfig config,
                HeapwatchRegistries registries) {
            ServletRegistrationBean<DiagnosisServlet> registration = new ServletRegistrationBean<>(
                    new DiagnosisServlet(diagnostics, HeapwatchComponents.authGuard(config, registries, authenticator)),
                    config.diagnosisPath());
            registration.setName(Heapwatch.DIAGNOSIS_SERVLET_NAME);
            registration.setEnabled(config.prometheusEnabled() && config.reportEnabled());
            return registration;
        }

        /** The Actuator endpoint, when Actuator is on the class path. */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
        public static final class Actuator {

            @Bean
            @ConditionalOnMissingBean
            public HeapwatchDiagnosisEndpoint heapwatchDiagnosisEndpoint(LeakDiagnostics diagnostics) {
                return new HeapwatchDiagnosisEndpoint(diagnostics);
            }
        }
    }
}
