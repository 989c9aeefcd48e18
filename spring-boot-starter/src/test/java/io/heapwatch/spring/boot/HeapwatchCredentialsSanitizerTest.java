package io.heapwatch.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.core.env.MapPropertySource;

class HeapwatchCredentialsSanitizerTest {

    private final HeapwatchCredentialsSanitizer sanitizer = new HeapwatchCredentialsSanitizer();
    private final MapPropertySource source = new MapPropertySource("test", Map.of());

    private Object shown(String key) {
        return sanitizer.apply(new SanitizableData(source, key, "s3cret")).getValue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "heapwatch.metrics.password",
                "heapwatch.metrics.password-hash",
                "heapwatch.metrics.password-file",
                "heapwatch.metrics.username",
                "heapwatch.metrics.passwordHash",
                "METRICS_AUTH_PASSWORD",
                "METRICS_AUTH_PASSWORD_HASH",
                "METRICS_AUTH_USERNAME",
                "HEAPWATCH_METRICS_PASSWORD",
                "metrics-auth-password"
            })
    void heapwatchsCredentialsAreMasked(String key) {
        assertThat(shown(key)).isEqualTo(SanitizableData.SANITIZED_VALUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"heapwatch.metrics.path", "heapwatch.container-name", "CONTAINER_NAME", "server.port"})
    void otherSettingsAreLeftAlone(String key) {
        assertThat(shown(key)).isEqualTo("s3cret");
    }
}
