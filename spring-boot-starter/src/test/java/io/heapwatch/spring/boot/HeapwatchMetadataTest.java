package io.heapwatch.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The jar carries the auto-configuration registration and IDE metadata for every heapwatch.* property. */
class HeapwatchMetadataTest {

    private static String resource(String name) throws IOException {
        try (InputStream in = HeapwatchProperties.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void configurationMetadataDescribesEveryHeapwatchProperty() throws IOException {
        String json = resource("META-INF/spring-configuration-metadata.json");

        for (HeapwatchSetting setting : HeapwatchSetting.values()) {
            int at = json.indexOf("\"name\": \"" + setting.property() + "\"");
            assertThat(at).as(setting.property()).isNotNegative();
            String entry = json.substring(at, json.indexOf('}', at));
            assertThat(entry).as(setting.property()).contains("\"description\"", setting.environmentVariable());
        }
    }

    @Test
    void autoConfigurationIsRegisteredOnlyInTheImportsFile() throws IOException {
        assertThat(resource("META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")
                        .trim())
                .isEqualTo(HeapwatchAutoConfiguration.class.getName());
        assertThat(resource("META-INF/spring.factories")).doesNotContain("EnableAutoConfiguration");
    }
}
