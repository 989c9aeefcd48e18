package io.heapwatch.leak;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import io.heapwatch.leak.HeapSimulation.Evaluation;
import io.heapwatch.testing.OutputCapture;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LeakDetectorTest {

    private static final long MB = 1L << 20;
    private static final Tags CONTAINER = Tags.of("container", "shop");

    @Test
    void prometheusExpositionUsesTheContractNamesWithTheContainerTag() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HeapSimulation sim = leakingCart();
        try (LeakDetector detector = sim.detector) {
            detector.bindTo(registry);
            List<Evaluation> evaluations = sim.run(3600);
            assertThat(evaluations
                            .get(evaluations.size() - 1)
                            .assessment()
                            .attribution()
                            .attributable())
                    .isTrue();

            String scrape = registry.scrape();

            assertThat(scrape).contains("heapwatch_leak_suspected{container=\"shop\"} 1");
            assertThat(scrape).contains("heapwatch_live_heap_growth_bytes_per_second{container=\"shop\"}");
            assertThat(scrape).contains("heapwatch_leak_time_to_exhaustion_seconds{container=\"shop\"}");
            assertThat(scrape)
                    .containsPattern(
                            "heapwatch_leak_route_retained_bytes_per_request\\{container=\"shop\",method=\"POST\","
                                    + "uri=\"/cart\"} 1\\d{3}\\.")
                    .containsPattern(
                            "heapwatch_leak_route_correlation\\{container=\"shop\",method=\"POST\",uri=\"/cart\"} 0\\.9");
        }
    }

    @Test
    void timeToExhaustionIsPositiveInfinityWhenNotGrowing() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HeapSimulation sim = new HeapSimulation(settings(), 5, CONTAINER);
        sim.detector.bindTo(registry);

        sim.run(3600);

        assertThat(registry.scrape())
                .contains("heapwatch_leak_time_to_exhaustion_seconds{container=\"shop\"} +Inf")
                .contains("heapwatch_leak_suspected{container=\"shop\"} 0");
        sim.detector.close();
    }

    @Test
    void routeGaugesFollowTheCurrentSuspectsAndDisappearWhenTheLeakStops() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        HeapSimulation sim = leakingCart();
        sim.detector.bindTo(registry);
        sim.run(3600);
        assertThat(registry.find(LeakDetector.ROUTE_RETAINED)
                        .tag("uri", "/cart")
                        .gauge())
                .isNotNull();

        // the leak is fixed: the floor stays where it is
        double level = sim.baseline.applyAsDouble(sim.seconds());
        sim.baseline = t -> level;
        sim.withPerSecond((s, second) -> s.traffic.add("/cart", "POST", 10));
        sim.run(3600);

        assertThat(sim.detector.assessment().suspected()).isFalse();
        assertThat(registry.find(LeakDetector.ROUTE_RETAINED).gauges()).isEmpty();
        assertThat(registry.find(LeakDetector.ROUTE_CORRELATION).gauges()).isEmpty();
        assertThat(registry.get(LeakDetector.SUSPECTED).gauge().value()).isZero();
        sim.detector.close();
    }

    @Test
    void theLeadingSuspectRouteIsLoggedOnceWhenAttributionFirstNamesIt() {
        int mark = OutputCapture.mark();
        HeapSimulation sim = leakingCart();
        try (LeakDetector detector = sim.detector) {
            sim.run(3600);
        }

        assertThat(OutputCapture.linesContaining(mark, "memory leak suspected [tag(container=shop)]"))
                .isEqualTo(1);
        assertThat(OutputCapture.since(mark)
                        .lines()
                        .filter(line -> line.contains("memory leak suspect routes [tag(container=shop)]"))
                        .toList())
                .singleElement(as(STRING))
                .containsPattern("floors: POST /cart ~1\\d{3} B/request \\(correlation (0\\.9\\d|1\\.00)\\)")
                .contains("ranked 3 routes by the partial correlation");
    }

    @Test
    void closeRemovesEveryMeterAndIgnoresLaterSamples() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        HeapSimulation sim = leakingCart();
        sim.detector.bindTo(registry);
        sim.run(3600);
        assertThat(registry.getMeters()).isNotEmpty();

        sim.detector.close();

        assertThat(registry.getMeters()).isEmpty();
        LeakAssessment before = sim.detector.assessment();
        sim.detector.onLiveHeap(0, 1, 1);
        assertThat(sim.detector.evaluate()).isSameAs(before);
    }

    @Test
    void bindingStartsOneDaemonAnalyzerThreadAndCloseStopsIt() throws InterruptedException {
        LeakDetector detector = new LeakDetector(settings(), CONTAINER, RouteTraffic.NONE);
        assertThat(detector.running()).isFalse();

        detector.bindTo(new SimpleMeterRegistry());
        detector.bindTo(new SimpleMeterRegistry());

        assertThat(detector.running()).isTrue();
        assertThat(analyzerThreads()).hasSize(1).allMatch(Thread::isDaemon);
        detector.close();
        assertThat(detector.running()).isFalse();
        for (Thread thread : analyzerThreads()) {
            thread.join(5_000);
        }
        assertThat(analyzerThreads()).isEmpty();
    }

    @Test
    void manualDetectorNeverStartsAThread() {
        LeakDetector detector = LeakDetector.manual(settings(), CONTAINER, RouteTraffic.NONE, Clock.systemUTC());
        detector.bindTo(new SimpleMeterRegistry());
        detector.start();

        assertThat(detector.running()).isFalse();
        detector.close();
    }

    @Test
    void memoryStaysBoundedAfterAMillionSamplesAndThousandsOfRoutes() {
        MutableClock clock = new MutableClock(HeapSimulation.START_MILLIS);
        CumulativeTraffic traffic = new CumulativeTraffic();
        LeakDetectionSettings settings =
                settings().toBuilder().maxTrackedRoutes(50).build();
        LeakDetector detector = LeakDetector.manual(settings, CONTAINER, traffic, clock);
        Random random = new Random(1);
        int capacity = detector.window().capacity();

        for (int i = 0; i < 1_000_000; i++) {
            clock.advance(250);
            detector.onLiveHeap(clock.millis(), 100 * MB + random.nextInt(1 << 20), 512 * MB);
            if (i % 480 == 0) {
                traffic.add("/route/" + (i / 480), "GET", 1);
                detector.evaluate();
            }
        }

        assertThat(detector.window().capacity()).isEqualTo(capacity).isEqualTo(16);
        assertThat(detector.window().floors(clock.millis())).hasSizeLessThanOrEqualTo(15);
        assertThat(detector.trafficWindow().trackedRoutes()).isLessThanOrEqualTo(51);
        assertThat(detector.trafficWindow().counts(clock.millis()).routes()).hasSizeLessThanOrEqualTo(51);
        detector.close();
    }

    private static List<Thread> analyzerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(LeakDetector.THREAD_NAME) && t.isAlive())
                .toList();
    }

    private static LeakDetectionSettings settings() {
        return LeakDetectionSettings.defaults();
    }

    private static HeapSimulation leakingCart() {
        return HeapSimulation.threeRoutesLeakingCart(2, false, CONTAINER);
    }
}
