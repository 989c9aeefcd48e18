package io.heapwatch.harness;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetricsPollerTest {

    @Test
    void parsesTheLeakGaugesAndRanksRoutesByCorrelation() {
        String body = String.join(
                "\n",
                "# HELP heapwatch_leak_suspected x",
                "heapwatch_leak_suspected{container=\"leak-1\"} 1.0",
                "heapwatch_live_heap_growth_bytes_per_second{container=\"leak-1\"} 87000.5",
                "heapwatch_leak_time_to_exhaustion_seconds{container=\"leak-1\"} +Inf",
                "heapwatch_live_heap_after_gc_bytes{container=\"leak-1\"} 1.2E7",
                "heapwatch_live_heap_max_bytes{container=\"leak-1\"} 2.68435456E8",
                "heapwatch_leak_route_retained_bytes_per_request{container=\"leak-1\",method=\"GET\",uri=\"/api/leak\"} 16000.0",
                "heapwatch_leak_route_retained_bytes_per_request{container=\"leak-1\",method=\"GET\",uri=\"/api/items/*\"} 90000.0",
                "heapwatch_leak_route_correlation{container=\"leak-1\",method=\"GET\",uri=\"/api/leak\"} 0.8",
                "heapwatch_leak_route_correlation{container=\"leak-1\",method=\"GET\",uri=\"/api/items/*\"} 0.3",
                "");
        Sample s = MetricsPoller.parse(3.0, body);
        assertThat(s.flagged()).isTrue();
        assertThat(s.growth()).isEqualTo(87000.5);
        assertThat(s.tte()).isInfinite();
        assertThat(s.max()).isEqualTo(268435456.0);
        assertThat(s.topRoute()).isEqualTo("GET /api/leak");
    }

    @Test
    void leakRateMatchesOneMegabytePerMinuteOnOneGibibyte() {
        // 1 MiB/min on 1 GiB = 1/1024 of max per real minute; 256 MiB -> 256 KiB/min; x20 -> 87,381 B/s.
        assertThat(Scaling.LEAK_BYTES_PER_SECOND)
                .isCloseTo(256 * 1024 * 20 / 60.0, org.assertj.core.data.Offset.offset(1e-6));
        double perWindow = Scaling.LEAK_BYTES_PER_SECOND * Scaling.WINDOW_SECONDS / (Scaling.HEAP_MIB * 1048576.0);
        assertThat(perWindow).isCloseTo(30.0 / 1024, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void variationKeepsTheMeanRateExactPerBlock() {
        var rate = Variation.varying(10, Variation.WIDE, 1, 150);
        double sum = 0;
        for (int i = 0; i < 5; i++) {
            sum += rate.applyAsDouble(i * Scaling.SUB_WINDOW_SECONDS + 1);
        }
        assertThat(sum / 5).isCloseTo(10.0, org.assertj.core.data.Offset.offset(1e-9));
    }
}
