package io.heapwatch.leak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.heapwatch.leak.HeapSimulation.Evaluation;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RouteAttributionTest {

    private static final long MB = 1L << 20;

    private static HeapSimulation threeRoutes(long seed, boolean proportional) {
        return HeapSimulation.threeRoutesLeakingCart(seed, proportional, List.of());
    }

    @Test
    void leakingRouteIsRankedFirstWithItsRetainedBytesPerRequest() {
        for (long seed = 1; seed <= 5; seed++) {
            HeapSimulation sim = threeRoutes(seed, false);

            List<Evaluation> evaluations = sim.run(3600);

            LeakAssessment last = evaluations.get(evaluations.size() - 1).assessment();
            assertThat(last.suspected()).isTrue();
            Attribution attribution = last.attribution();
            assertThat(attribution.attributable()).as(attribution.reason()).isTrue();
            RouteSuspect top = attribution.suspects().get(0);
            assertThat(top.route()).isEqualTo(new RouteKey("/cart", "POST"));
            assertThat(top.retainedBytesPerRequest()).isCloseTo(1024.0, within(0.2 * 1024));
        }
    }

    @Test
    void leakingRouteIsRankedFirstWhenPromotionLagsTheTraffic() {
        // retained bytes reach the long-lived pools 2.5 sub-windows after the requests that made them
        long lagSeconds = 300;
        for (long seed = 1; seed <= 5; seed++) {
            HeapSimulation sim = new HeapSimulation(LeakDetectionSettings.defaults(), seed);
            sim.noiseBytes = 64 * 1024;
            double[] retainedBySecond = new double[4 * 3600];
            double[] rates = new double[3];
            Random mix = new Random(seed * 31);
            sim.baseline = t -> (100L << 20) + (t > lagSeconds ? retainedBySecond[(int) (t - lagSeconds)] : 0.0);
            sim.withPerSecond((s, second) -> {
                if (second % 120 == 0) {
                    for (int r = 0; r < 3; r++) {
                        rates[r] = 4 + mix.nextDouble() * 21;
                    }
                }
                s.traffic.add("/cart", "POST", rates[0]);
                s.traffic.add("/products", "GET", rates[1]);
                s.traffic.add("/search", "GET", rates[2]);
                retainedBySecond[(int) second + 1] = retainedBySecond[(int) second] + 1024 * rates[0];
            });

            List<Evaluation> evaluations = sim.run(3600);

            LeakAssessment last = evaluations.get(evaluations.size() - 1).assessment();
            assertThat(last.suspected()).isTrue();
            Attribution attribution = last.attribution();
            assertThat(attribution.attributable())
                    .as("seed %d: %s", seed, attribution.reason())
                    .isTrue();
            RouteSuspect top = attribution.suspects().get(0);
            assertThat(top.route())
                    .as("seed %d: %s", seed, attribution.suspects())
                    .isEqualTo(new RouteKey("/cart", "POST"));
            assertThat(top.retainedBytesPerRequest()).isCloseTo(1024.0, within(0.2 * 1024));
            assertThat(attribution.reason()).contains("2.5 sub-windows earlier");
        }
    }

    @Test
    void proportionalTrafficIsNotAttributable() {
        HeapSimulation sim = threeRoutes(9, true);

        List<Evaluation> evaluations = sim.run(3600);

        LeakAssessment last = evaluations.get(evaluations.size() - 1).assessment();
        assertThat(last.suspected()).isTrue();
        assertThat(last.attribution().attributable()).isFalse();
        assertThat(last.attribution().suspects()).isEmpty();
        assertThat(last.attribution().reason()).contains("condition number");
    }

    @Test
    void growthUnrelatedToTrafficIsNotAttributed() {
        HeapSimulation sim = new HeapSimulation(3);
        sim.noiseBytes = 64 * 1024;
        sim.baseline = t -> 100 * MB + 20 * 1024.0 * t;
        Random mix = new Random(5);
        double[] rates = new double[2];
        sim.withPerSecond((s, second) -> {
            if (second % 120 == 0) {
                rates[0] = 5 + mix.nextDouble() * 20;
                rates[1] = 5 + mix.nextDouble() * 20;
            }
            s.traffic.add("/a", "GET", rates[0]);
            s.traffic.add("/b", "GET", rates[1]);
        });

        LeakAssessment last = sim.run(3600).get(29).assessment();

        assertThat(last.suspected()).isTrue();
        assertThat(last.attribution().attributable()).isFalse();
    }

    @Test
    void fewIncrementsAreRefused() {
        LeakDetectionSettings settings = LeakDetectionSettings.defaults();
        long sub = settings.subWindow().toMillis();
        List<Floor> floors =
                List.of(new Floor(0, 0, 1, 10, 1), new Floor(1, sub, 2, 10, 1), new Floor(2, 2 * sub, 3, 10, 1));
        TrafficCounts traffic =
                TrafficCounts.of(0, sub, List.of(new RouteKey("/a", "GET")), new double[][] {{1, 2, 3}});

        Attribution attribution = new RouteAttributor(settings).attribute(floors, traffic);

        assertThat(attribution.attributable()).isFalse();
        assertThat(attribution.reason()).contains("only 2 floor increments");
    }
}
