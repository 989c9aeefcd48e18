package io.heapwatch.leak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RouteTrafficWindowTest {

    private static final long SUB = 60_000;

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

    @Test
    void aSubWindowCountsAsObservedOnlyWhenSnapshotsSpannedMostOfIt() {
        RouteTrafficWindow window = new RouteTrafficWindow(SUB, 5, 10);
        CumulativeTraffic traffic = new CumulativeTraffic();
        traffic.add("/a", "GET", 10);
        window.sample(SUB / 2, traffic);
        traffic.add("/a", "GET", 10);
        window.sample(2 * SUB, traffic);
        traffic.add("/a", "GET", 10);
        window.sample(3 * SUB, traffic);

        TrafficCounts counts = window.counts(3 * SUB + 1);

        assertThat(counts.covered(0)).as("half observed").isFalse();
        assertThat(counts.covered(1)).isTrue();
        assertThat(counts.covered(2)).isTrue();
        assertThat(counts.coveredBetween(SUB, 3 * SUB - 1)).isTrue();
        assertThat(counts.coveredBetween(0, 2 * SUB)).isFalse();
        assertThat(counts.count(0, 1) + counts.count(0, 0)).isCloseTo(10, within(1e-9));
        assertThat(counts.count(0, 2)).isCloseTo(10, within(1e-9));
        assertThat(counts.count(0, 99)).isZero();
        assertThat(counts.countBetween(0, 3 * SUB, SUB)).isZero();
    }

    @Test
    void oldSubWindowsLeaveTheRing() {
        RouteTrafficWindow window = new RouteTrafficWindow(SUB, 3, 10);
        CumulativeTraffic traffic = new CumulativeTraffic();
        traffic.add("/a", "GET", 1);
        window.sample(0, traffic);
        for (int k = 1; k <= 10; k++) {
            traffic.add("/a", "GET", k);
            window.sample(k * SUB, traffic);
        }
        TrafficCounts counts = window.counts(10 * SUB);
        // the last three closed sub-windows: 7, 8 and 9, which received the increments 8, 9 and 10
        assertThat(counts.count(0, 7)).isCloseTo(8, within(1e-9));
        assertThat(counts.count(0, 8)).isCloseTo(9, within(1e-9));
        assertThat(counts.count(0, 9)).isCloseTo(10, within(1e-9));
        assertThat(counts.count(0, 6)).isZero();
    }
}
