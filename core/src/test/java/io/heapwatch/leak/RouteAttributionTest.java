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
    void suspectsAreRankedByPartialCorrelationWithTheFloor() {
        HeapSimulation sim = threeRoutes(4, false);

        LeakAssessment last = sim.run(3600).get(29).assessment();

        List<RouteSuspect> suspects = last.attribution().suspects();
        assertThat(suspects).isNotEmpty();
        for (int i = 1; i < suspects.size(); i++) {
            assertThat(suspects.get(i).correlation())
                    .isLessThanOrEqualTo(suspects.get(i - 1).correlation());
        }
        assertThat(suspects.get(0).correlation()).isGreaterThan(0.9);
        assertThat(last.attribution().fit())
                .isCloseTo(suspects.get(0).correlation() * suspects.get(0).correlation(), within(1e-9));
    }

    @Test
    void leakingRouteWithAMinorityOfTheTrafficIsRankedFirst() {
        for (long seed = 1; seed <= 5; seed++) {
            HeapSimulation sim = new HeapSimulation(LeakDetectionSettings.defaults(), seed);
            sim.noiseBytes = 256 * 1024;
            double[] retained = {0.0};
            double[] rates = new double[4];
            Random mix = new Random(seed * 17);
            sim.baseline = t -> (100L << 20) + retained[0];
            sim.withPerSecond((s, second) -> {
                if (second % 120 == 0) {
                    rates[0] = 1 + mix.nextDouble() * 2;
                    for (int r = 1; r < 4; r++) {
                        rates[r] = 5 + mix.nextDouble() * 20;
                    }
                }
                s.traffic.add("/upload", "POST", rates[0]);
                s.traffic.add("/products", "GET", rates[1]);
                s.traffic.add("/search", "GET", rates[2]);
                s.traffic.add("/cart", "GET", rates[3]);
                retained[0] += 8 * 1024 * rates[0];
            });

            LeakAssessment last = sim.run(3600).get(29).assessment();

            assertThat(last.suspected()).isTrue();
            Attribution attribution = last.attribution();
            assertThat(attribution.attributable())
                    .as("seed %d: %s", seed, attribution.reason())
                    .isTrue();
            assertThat(attribution.suspects().get(0).route()).isEqualTo(new RouteKey("/upload", "POST"));
            assertThat(attribution.suspects().get(0).retainedBytesPerRequest())
                    .isCloseTo(8 * 1024.0, within(0.2 * 8 * 1024));
        }
    }

    @Test
    void aRouteAtASteadyRateIsNeverBlamed() {
        // the leak is on a route whose rate never changes: its traffic is the trend itself
        HeapSimulation sim = new HeapSimulation(LeakDetectionSettings.defaults(), 2);
        sim.noiseBytes = 64 * 1024;
        sim.baseline = t -> (100L << 20) + 10 * 1024.0 * 2 * t;
        Random mix = new Random(11);
        double[] rate = new double[1];
        sim.withPerSecond((s, second) -> {
            if (second % 120 == 0) {
                rate[0] = 5 + mix.nextDouble() * 20;
            }
            s.traffic.add("/health", "GET", 2);
            s.traffic.add("/search", "GET", rate[0]);
        });

        LeakAssessment last = sim.run(3600).get(29).assessment();

        assertThat(last.suspected()).isTrue();
        assertThat(last.attribution().suspects())
                .extracting(RouteSuspect::route)
                .doesNotContain(new RouteKey("/health", "GET"));
    }

    @Test
    void onlySteadyRoutesAreNotAttributable() {
        HeapSimulation sim = new HeapSimulation(LeakDetectionSettings.defaults(), 2);
        sim.noiseBytes = 64 * 1024;
        sim.baseline = t -> (100L << 20) + 10 * 1024.0 * 2 * t;
        sim.withPerSecond((s, second) -> s.traffic.add("/health", "GET", 2));

        LeakAssessment last = sim.run(3600).get(29).assessment();

        assertThat(last.suspected()).isTrue();
        assertThat(last.attribution().attributable()).isFalse();
        assertThat(last.attribution().reason()).contains("no route's request rate varies");
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
    void fewFloorsAreRefused() {
        LeakDetectionSettings settings = LeakDetectionSettings.defaults();
        long sub = settings.subWindow().toMillis();
        List<Floor> floors =
                List.of(new Floor(0, 0, 1, 10, 1), new Floor(1, sub, 2, 10, 1), new Floor(2, 2 * sub, 3, 10, 1));
        TrafficCounts traffic =
                TrafficCounts.of(0, sub, List.of(new RouteKey("/a", "GET")), new double[][] {{1, 2, 3}});

        Attribution attribution = new RouteAttributor(settings).attribute(floors, traffic);

        assertThat(attribution.attributable()).isFalse();
        assertThat(attribution.reason()).contains("only 3 floors with observed traffic between them, need 10");
    }
}
