package io.heapwatch.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HeapwatchConfigMessageTest {

    @Test
    void maxRoutesOutOfRangeStatesTheAcceptedRangeGrammatically() {
        assertThatThrownBy(() -> HeapwatchConfig.fromMap(Map.of(HeapwatchConfig.HEAPWATCH_MAX_ROUTES, "0")))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> org.assertj.core.api.Assertions.assertThat(e.accepted())
                                .isEqualTo("a whole number from 1 to 10000"));
    }

    @Test
    void thresholdOutOfRangeStatesTheUnit() {
        assertThatThrownBy(() -> HeapwatchConfig.fromMap(Map.of(HeapwatchConfig.MEMORY_GROWTH_THRESHOLD_MB, "0")))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> org.assertj.core.api.Assertions.assertThat(e.accepted())
                                .isEqualTo("a whole number of megabytes from 1 to 1048576"));
    }
}
