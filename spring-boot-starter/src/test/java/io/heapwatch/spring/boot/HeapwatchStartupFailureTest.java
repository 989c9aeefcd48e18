package io.heapwatch.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/** Invalid values fail startup, and the failure analysis names the variable or property and the accepted range. */
class HeapwatchStartupFailureTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HeapwatchAutoConfiguration.class))
            .withInitializer(HeapwatchAutoConfigurationTest::withoutProcessEnvironment);

    private FailureAnalysis analyze(String... properties) {
        FailureAnalysis[] result = new FailureAnalysis[1];
        runner.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            result[0] = new HeapwatchFailureAnalyzer().analyze(context.getStartupFailure());
        });
        assertThat(result[0]).as("failure analysis").isNotNull();
        return result[0];
    }

    @Test
    void sampleRateOutOfRangeInTheEnvironmentVariableNamesItAndTheRange() {
        FailureAnalysis analysis = analyze("MEMORY_PROFILING_SAMPLE_RATE=2.0");

        assertThat(analysis.getDescription()).contains("environment variable MEMORY_PROFILING_SAMPLE_RATE", "'2.0'");
        assertThat(analysis.getAction()).contains("heapwatch.profiling.sample-rate", "from 0.0 to 1.0");
    }

    @Test
    void thresholdOutOfRangeInThePropertyNamesThePropertyAndTheRange() {
        FailureAnalysis analysis = analyze("heapwatch.profiling.growth-threshold=0");

        assertThat(analysis.getDescription()).contains("property heapwatch.profiling.growth-threshold", "'0'");
        assertThat(analysis.getAction()).contains("MEMORY_GROWTH_THRESHOLD_MB", "from 1 to 1048576");
    }

    @Test
    void thresholdThatIsNotWholeMegabytesNamesThePropertyAsWritten() {
        FailureAnalysis analysis = analyze("heapwatch.profiling.growth-threshold=512KB");

        assertThat(analysis.getDescription()).contains("property heapwatch.profiling.growth-threshold", "'512KB'");
        assertThat(analysis.getAction()).contains("whole number of megabytes");
    }

    @Test
    void thresholdVariableKeepsItsFormatOfBareMegabytes() {
        FailureAnalysis analysis = analyze("MEMORY_GROWTH_THRESHOLD_MB=10MB");

        assertThat(analysis.getDescription()).contains("environment variable MEMORY_GROWTH_THRESHOLD_MB", "'10MB'");
        assertThat(analysis.getAction()).contains("heapwatch.profiling.growth-threshold", "from 1 to 1048576");
    }

    @Test
    void variableThatCannotBeConvertedNamesTheVariable() {
        FailureAnalysis analysis = analyze("MEMORY_PROFILING_SAMPLE_RATE=half");

        assertThat(analysis.getDescription()).contains("environment variable MEMORY_PROFILING_SAMPLE_RATE", "'half'");
        assertThat(analysis.getAction()).contains("heapwatch.profiling.sample-rate", "from 0.0 to 1.0");
    }

    @Test
    void propertyThatCannotBeConvertedNamesThePropertyAndTheRange() {
        FailureAnalysis analysis = analyze("heapwatch.profiling.sample-rate=half");

        assertThat(analysis.getDescription()).contains("heapwatch.profiling.sample-rate", "'half'");
        assertThat(analysis.getAction()).contains("MEMORY_PROFILING_SAMPLE_RATE", "from 0.0 to 1.0");
    }

    @Test
    void flagThatIsNotABooleanNamesTheVariable() {
        FailureAnalysis analysis = analyze("ENABLE_MEMORY_PROFILING=yes");

        assertThat(analysis.getDescription()).contains("ENABLE_MEMORY_PROFILING", "'yes'");
        assertThat(analysis.getAction()).contains("true or false");
    }

    @Test
    void leakWindowOutOfRangeInThePropertyNamesThePropertyAndTheRange() {
        FailureAnalysis analysis = analyze("heapwatch.leak.window=5s");

        assertThat(analysis.getDescription()).contains("property heapwatch.leak.window", "'5s'");
        assertThat(analysis.getAction()).contains("HEAPWATCH_LEAK_WINDOW", "from 15s to 7d");
    }

    @Test
    void maxRoutesOutOfRangeNamesTheVariable() {
        FailureAnalysis analysis = analyze("HEAPWATCH_MAX_ROUTES=0");

        assertThat(analysis.getAction()).contains("HEAPWATCH_MAX_ROUTES", "expected a whole number from 1 to 10000");
    }

    @Test
    void invalidCredentialsAreNamedButNeverShown() {
        FailureAnalysis analysis = analyze("METRICS_AUTH_USERNAME=bad:user", "METRICS_AUTH_PASSWORD=hunter2-secret");

        assertThat(analysis.getDescription()).contains("METRICS_AUTH_USERNAME").contains("not shown");
        assertThat(analysis.getDescription()
                        + analysis.getAction()
                        + analysis.getCause().getMessage())
                .doesNotContain("bad:user", "hunter2-secret");
    }

    @Test
    void usernameWithoutPasswordIsNamed() {
        FailureAnalysis analysis = analyze("heapwatch.metrics.username=scraper");

        assertThat(analysis.getAction()).contains("METRICS_AUTH_PASSWORD");
        // An unset variable is not "a value that is not accepted".
        assertThat(analysis.getDescription())
                .contains("METRICS_AUTH_PASSWORD is expected to be set together with METRICS_AUTH_USERNAME")
                .doesNotContain("holds a value");
    }

    @Test
    void failureAnalyzerIsRegisteredInSpringFactories() throws java.io.IOException {
        java.util.Properties factories = new java.util.Properties();
        try (java.io.InputStream in =
                HeapwatchFailureAnalyzer.class.getResourceAsStream("/META-INF/spring.factories")) {
            factories.load(in);
        }
        assertThat(factories.getProperty(FailureAnalyzer.class.getName()))
                .isEqualTo(HeapwatchFailureAnalyzer.class.getName());
    }
}
