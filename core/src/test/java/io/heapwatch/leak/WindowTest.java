package io.heapwatch.leak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowTest {

    private static final long SUB = 60_000;

    @Test
    void keepsTheMinimumOfEachClosedSubWindowOnly() {
        LiveHeapWindow window = new LiveHeapWindow(Duration.ofMinutes(5), 5);
        window.record(10, 100, 1_000); // the startup sub-window, never reported
        window.record(SUB + 1_000, 500, 900);
        window.record(SUB + 2_000, 300, 1_000);
        window.record(SUB + 3_000, 400, 1_000);
        window.record(2 * SUB + 1_000, 700, 1_000);

        List<Floor> floors = window.floors(2 * SUB + 5_000);

        assertThat(floors).containsExactly(new Floor(1, SUB + 2_000, 300, 1_000, 3));
    }

    @Test
    void neverReportsTheSubWindowOfTheFirstSampleBecauseItHoldsTheProcessStart() {
        LiveHeapWindow window = new LiveHeapWindow(Duration.ofMinutes(5), 5);
        window.record(SUB / 2, 100, 1_000);
        window.record(SUB + 1, 500, 1_000);
        window.record(2 * SUB + 1, 510, 1_000);

        assertThat(window.floors(SUB + 5)).isEmpty();
        assertThat(window.floors(3 * SUB)).extracting(Floor::subWindow).containsExactly(1L, 2L);
    }

    @Test
    void forgetsSubWindowsOlderThanTheWindow() {
        LiveHeapWindow window = new LiveHeapWindow(Duration.ofMinutes(5), 5);
        for (int i = 0; i < 20; i++) {
            window.record(i * SUB, i, 10);
        }

        List<Floor> floors = window.floors(20 * SUB);

        assertThat(floors).extracting(Floor::liveBytes).containsExactly(15L, 16L, 17L, 18L, 19L);
        window.record(2 * SUB, 0, 10);
        assertThat(window.floors(20 * SUB)).extracting(Floor::liveBytes).doesNotContain(0L);
    }

    @Test
    void trafficFirstSnapshotSetsTheBaselineAndLaterOnesAreSpreadOverTime() {
        RouteTrafficWindow window = new RouteTrafficWindow(SUB, 5, 10);
        CumulativeTraffic traffic = new CumulativeTraffic();
        traffic.add("/a", "GET", 1_000);
        window.sample(0, traffic);
        traffic.add("/a", "GET", 120);
        window.sample(2 * SUB, traffic);

        TrafficCounts counts = window.counts(2 * SUB);

        assertThat(counts.routes()).containsExactly(new RouteKey("/a", "GET"));
        assertThat(counts.count(0, 0)).isCloseTo(60, within(1e-9));
        assertThat(counts.count(0, 1)).isCloseTo(60, within(1e-9));
        assertThat(counts.covered(0)).isTrue();
        assertThat(counts.countBetween(0, SUB / 2, SUB + SUB / 2)).isCloseTo(60, within(1e-9));
    }

    @Test
    void trafficCounterResetIsNotCountedAsNegativeTraffic() {
        RouteTrafficWindow window = new RouteTrafficWindow(SUB, 5, 10);
        RouteTraffic before = v -> v.route("/a", "GET", 500);
        RouteTraffic after = v -> v.route("/a", "GET", 20);
        window.sample(0, before);
        window.sample(SUB, after);

        assertThat(window.counts(SUB).routes()).isEmpty();
    }

    @Test
    void routesBeyondTheMaximumArePooledAsOther() {
        RouteTrafficWindow window = new RouteTrafficWindow(SUB, 5, 2);
        CumulativeTraffic traffic = new CumulativeTraffic();
        for (int i = 0; i < 5; i++) {
            traffic.add("/r" + i, "GET", 1);
        }
        window.sample(0, traffic);
        for (int i = 0; i < 5; i++) {
            traffic.add("/r" + i, "GET", 10);
        }
        window.sample(SUB, traffic);

        TrafficCounts counts = window.counts(SUB);

        assertThat(window.trackedRoutes()).isEqualTo(3);
        assertThat(counts.routes())
                .containsExactly(new RouteKey("/r0", "GET"), new RouteKey("/r1", "GET"), RouteKey.OTHER);
        assertThat(counts.count(2, 0)).isCloseTo(30, within(1e-9));
    }
}
