package io.heapwatch.examples.springboot;

import static io.heapwatch.examples.springboot.DemoClient.PASSWORD;
import static io.heapwatch.examples.springboot.DemoClient.USER;
import static org.assertj.core.api.Assertions.assertThat;

import io.heapwatch.config.HeapwatchConfig;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The demo started as a deployment starts it, with the deployment contract's variables in the process environment
 * (here a replaced system environment) and arguments on the command line: Spring Boot's order decides, and
 * {@code /actuator/configprops} shows the value in force and where it came from.
 */
@ExtendWith(OutputCaptureExtension.class)
class SettingsPrecedenceHttpTest {

    private static final Map<String, Object> ENVIRONMENT = Map.of(
            "CONTAINER_NAME",
            "from-env",
            "MEMORY_PROFILING_SAMPLE_RATE",
            "0.5",
            "METRICS_AUTH_USERNAME",
            USER,
            "METRICS_AUTH_PASSWORD",
            PASSWORD);

    private static ConfigurableApplicationContext start(String... args) {
        StandardEnvironment environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .replace(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new SystemEnvironmentPropertySource(
                                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, ENVIRONMENT));
        String[] all = new String[args.length + 3];
        all[0] = "--server.port=0";
        all[1] = "--management.endpoints.web.exposure.include=configprops";
        all[2] = "--management.endpoint.configprops.show-values=always";
        System.arraycopy(args, 0, all, 3, args.length);
        return new SpringApplicationBuilder(SpringBootDemo.class)
                .environment(environment)
                .run(all);
    }

    private static DemoClient client(ConfigurableApplicationContext context) {
        return new DemoClient(context.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
    }

    /** The heapwatch bean of /actuator/configprops: its inputs (values with origins), prefix and properties. */
    private static String heapwatchConfigprops(DemoClient client) {
        HttpResponse<String> r = client.get("/actuator/configprops");
        assertThat(r.statusCode()).isEqualTo(200);
        String body = r.body();
        int start = body.indexOf("\"heapwatch-io.heapwatch.spring.boot.HeapwatchProperties\"");
        int prefix = body.indexOf("\"prefix\":\"heapwatch\"", start);
        assertThat(start).as("heapwatch in configprops: %s", body).isNotNegative();
        assertThat(prefix).isGreaterThan(start);
        // The bean's fields come in a different order on Boot 3.5 and 4: end where the next bean's prefix is.
        int next = body.indexOf("\"prefix\":", prefix + 1);
        return body.substring(start, next < 0 ? body.length() : next);
    }

    @Test
    void commandLinePropertyBeatsTheDeploymentVariable(CapturedOutput output) {
        try (ConfigurableApplicationContext context = start("--heapwatch.container-name=checkout")) {
            assertThat(context.getBean(HeapwatchConfig.class).containerName()).isEqualTo("checkout");
            DemoClient client = client(context);
            assertThat(client.metrics()).contains("container=\"checkout\"").doesNotContain("from-env");

            String configprops = heapwatchConfigprops(client);
            assertThat(configprops).contains("\"containerName\":\"checkout\"").doesNotContain("from-env");
            assertThat(configprops).contains("\"sampleRate\":0.5");
            assertThat(configprops).contains("environment variable MEMORY_PROFILING_SAMPLE_RATE");

            assertThat(output.getOut() + output.getErr())
                    .contains("heapwatch.container-name='checkout' from property source 'commandLineArgs'")
                    .contains("heapwatch.profiling.sample-rate='0.5' from environment variable"
                            + " MEMORY_PROFILING_SAMPLE_RATE")
                    .contains("heapwatch.metrics.password=(set, not shown) from environment variable"
                            + " METRICS_AUTH_PASSWORD")
                    .doesNotContain(PASSWORD);
        }
    }

    @Test
    void withoutTheArgumentConfigpropsShowsTheVariablesValueAndWhereItCameFrom() {
        try (ConfigurableApplicationContext context = start()) {
            DemoClient client = client(context);
            assertThat(client.metrics()).contains("container=\"from-env\"");
            String configprops = heapwatchConfigprops(client);
            assertThat(configprops)
                    .contains("\"containerName\":\"from-env\"")
                    .contains("environment variable CONTAINER_NAME");
        }
    }
}
