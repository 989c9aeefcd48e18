package io.heapwatch.gc;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class GcEventTrackerBindingTest {

    @Test
    void bindingTwiceToOneRegistryRegistersTheMetersOnce() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (GcEventTracker tracker = new GcEventTracker(Tags.of("container", "c"))) {
            tracker.bindTo(registry);
            int meters = registry.getMeters().size();

            tracker.bindTo(registry);

            assertThat(registry.getMeters()).hasSize(meters);
            assertThat(registry.find("heapwatch.heap.used").gauges()).hasSize(1);
        }
        assertThat(registry.getMeters()).isEmpty();
    }
}
