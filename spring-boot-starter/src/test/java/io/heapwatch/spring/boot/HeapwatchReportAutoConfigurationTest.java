package io.heapwatch.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapwatch.config.HeapwatchConfig;
import io.heapwatch.diagnosis.DiagnosisServlet;
import io.heapwatch.diagnosis.LeakDiagnostics;
import io.heapwatch.diagnosis.ReportServlet;
import io.heapwatch.endpoint.BasicAuthenticator;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;

/** The report page, the diagnosis JSON and the Actuator endpoint in the auto-configuration. */
class HeapwatchReportAutoConfigurationTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HeapwatchAutoConfiguration.class))
            .withInitializer(HeapwatchAutoConfigurationTest::withoutProcessEnvironment);

    @Test
    void reportAndDiagnosisAreMappedBehindTheMetricsAuthenticator() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(LeakDiagnostics.class);
            assertThat(context).hasSingleBean(HeapwatchDiagnosisEndpoint.class);
            ServletRegistrationBean<?> report =
                    context.getBean("heapwatchReportServletRegistration", ServletRegistrationBean.class);
            ServletRegistrationBean<?> diagnosis =
                    context.getBean("heapwatchDiagnosisServletRegistration", ServletRegistrationBean.class);
            assertThat(report.getServlet()).isInstanceOf(ReportServlet.class);
            assertThat(report.getUrlMappings()).containsExactly("/heapwatch");
            assertThat(report.isEnabled()).isTrue();
            assertThat(diagnosis.getServlet()).isInstanceOf(DiagnosisServlet.class);
            assertThat(diagnosis.getUrlMappings()).containsExactly("/heapwatch/diagnosis");
            assertThat(context).hasSingleBean(BasicAuthenticator.class);
            assertThat(context.getBean(LeakDiagnostics.class).recordingDirectoryForTests())
                    .as("evidence off by default")
                    .isNull();
        });
    }

    @Test
    void pathsEvidenceAndTheReportFlagFollowTheSettings() {
        runner.withPropertyValues(
                        "HEAPWATCH_REPORT_PATH=/ops/heap",
                        "heapwatch.report.diagnosis-path=/ops/heap.json",
                        "heapwatch.diagnosis.enabled=true")
                .run(context -> {
                    assertThat(context.getBean("heapwatchReportServletRegistration", ServletRegistrationBean.class)
                                    .getUrlMappings())
                            .containsExactly("/ops/heap");
                    assertThat(context.getBean("heapwatchDiagnosisServletRegistration", ServletRegistrationBean.class)
                                    .getUrlMappings())
                            .containsExactly("/ops/heap.json");
                    assertThat(context.getBean(LeakDiagnostics.class).recordingDirectoryForTests())
                            .as("the recording runs")
                            .isDirectory();
                });
        runner.withPropertyValues("heapwatch.report.enabled=false").run(context -> assertThat(
                        context.getBean("heapwatchReportServletRegistration", ServletRegistrationBean.class)
                                .isEnabled())
                .isFalse());
    }

    @Test
    void noReportWithoutTheMetricsEndpoint() {
        runner.withPropertyValues("ENABLE_PROMETHEUS_METRICS=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(LeakDiagnostics.class);
            assertThat(context).doesNotHaveBean("heapwatchReportServletRegistration");
        });
    }

    @Test
    void gcRootsFollowThePropertyAndTheVariableAndABadValueFailsStartup() {
        runner.run(context -> assertThat(
                        context.getBean(HeapwatchConfig.class).diagnosis().gcRoots())
                .isFalse());
        runner.withPropertyValues("heapwatch.diagnosis.enabled=true", "heapwatch.diagnosis.gc-roots=true")
                .run(context -> {
                    HeapwatchConfig config = context.getBean(HeapwatchConfig.class);
                    assertThat(config.diagnosis().gcRoots()).isTrue();
                    assertThat(config.diagnosis().evidence()).isTrue();
                });
        runner.withInitializer(HeapwatchAutoConfigurationTest.systemEnvironment("HEAPWATCH_DIAGNOSIS_GC_ROOTS=TRUE"))
                .run(context -> assertThat(context.getBean(HeapwatchConfig.class)
                                .diagnosis()
                                .gcRoots())
                        .isTrue());
        for (String bad : new String[] {"HEAPWATCH_DIAGNOSIS_GC_ROOTS=1s", "heapwatch.diagnosis.gc-roots=maybe"}) {
            runner.withPropertyValues(bad).run(context -> {
                assertThat(context).hasFailed();
                org.springframework.boot.diagnostics.FailureAnalysis analysis =
                        new HeapwatchFailureAnalyzer().analyze(context.getStartupFailure());
                assertThat(analysis).as(bad).isNotNull();
                assertThat(analysis.getDescription())
                        .contains(bad.substring(0, bad.indexOf('=')), "'" + bad.substring(bad.indexOf('=') + 1) + "'");
                assertThat(analysis.getAction()).contains("true or false");
            });
        }
    }

    @Test
    void objectCountFollowsThePropertyAndTheVariableAndABadValueFailsStartup() {
        runner.run(context -> assertThat(
                        context.getBean(HeapwatchConfig.class).diagnosis().objectCount())
                .isFalse());
        runner.withPropertyValues("heapwatch.diagnosis.enabled=true", "heapwatch.diagnosis.object-count=true")
                .run(context -> {
                    HeapwatchConfig config = context.getBean(HeapwatchConfig.class);
                    assertThat(config.diagnosis().objectCount()).isTrue();
                    assertThat(config.diagnosis().evidence()).isTrue();
                });
        runner.withInitializer(
                        HeapwatchAutoConfigurationTest.systemEnvironment("HEAPWATCH_DIAGNOSIS_OBJECT_COUNT=TRUE"))
                .run(context -> assertThat(context.getBean(HeapwatchConfig.class)
                                .diagnosis()
                                .objectCount())
                        .isTrue());
        for (String bad :
                new String[] {"HEAPWATCH_DIAGNOSIS_OBJECT_COUNT=1s", "heapwatch.diagnosis.object-count=maybe"}) {
            runner.withPropertyValues(bad).run(context -> {
                assertThat(context).hasFailed();
                org.springframework.boot.diagnostics.FailureAnalysis analysis =
                        new HeapwatchFailureAnalyzer().analyze(context.getStartupFailure());
                assertThat(analysis).as(bad).isNotNull();
                assertThat(analysis.getDescription())
                        .contains(bad.substring(0, bad.indexOf('=')), "'" + bad.substring(bad.indexOf('=') + 1) + "'");
                assertThat(analysis.getAction()).contains("true or false");
            });
        }
    }

    @Test
    void aBadReportPathFailsStartupNamingTheSetting() {
        runner.withPropertyValues("heapwatch.report.path=no-slash").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .hasStackTraceContaining("property heapwatch.report.path='no-slash'");
        });
    }
}
