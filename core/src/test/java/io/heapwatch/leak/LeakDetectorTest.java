package io.heapwatch.leak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.heapwatch.leak.LeakAssessment.State;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.LongPredicate;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The verdict rules, each with a case on either side of it: the lower bound of the growth rate must be positive,
 * fill the heap within the reach of the floors' span, and add the minimum growth over the horizon; live-set points
 * confirm, and flat live-set points veto an unconfirmed rise.
 */
class LeakDetectorTest {

    private static final long MIB = 1L << 20;
    private static final long MAX = 1024 * MIB;

    private final MutableClock clock = new MutableClock(LeakSimulation.START_MILLIS);

    /** Feeds a collection every 10 s for {@code seconds}; returns the detector after evaluating at the end. */
    private LeakDetector feed(
            LeakDetectionSettings settings, long seconds, LongUnaryOperator bytesAt, LongPredicate confirmedAt) {
        return feed(settings, seconds, bytesAt, confirmedAt, t -> false);
    }

    private LeakDetector feed(
            LeakDetectionSettings settings,
            long seconds,
            LongUnaryOperator bytesAt,
            LongPredicate confirmedAt,
            LongPredicate requestedAt) {
        LeakDetector detector = LeakDetector.manual(settings, List.of(), RouteTraffic.NONE, clock);
        for (long t = 0; t < seconds; t += 10) {
            detector.onLiveHeap(clock.millis(), bytesAt.applyAsLong(t), MAX, confirmedAt.test(t), requestedAt.test(t));
            clock.advance(10_000);
        }
        detector.evaluate();
        return detector;
    }

    /**
     * The defaults with {@code unprovenReach} out of the way, for the cases of the other rules, whose rises would
     * otherwise wait for a first tooth.
     */
    private static final LeakDetectionSettings OTHER_RULES =
            LeakDetectionSettings.builder().unprovenReach(Duration.ofDays(30)).build();

    private LeakDetector feed(long seconds, LongUnaryOperator bytesAt, LongPredicate confirmedAt) {
        return feed(OTHER_RULES, seconds, bytesAt, confirmedAt);
    }

    @Test
    void aFlatHeapHasNoEvidence() {
        Random random = new Random(1);
        LeakAssessment a = feed(3 * 3600, t -> 300 * MIB + random.nextInt(8 << 20), t -> t % 600 == 0)
                .assessment();
        assertThat(a.state()).isEqualTo(State.NO_EVIDENCE);
        assertThat(a.suspected()).isFalse();
        assertThat(a.secondsToExhaustion()).isInfinite();
        assertThat(a.liveSetBytes()).isBetween(300 * MIB, 308 * MIB);
        assertThat(a.floors()).isNotEmpty();
    }

    @Test
    void aRiseWithoutLiveSetPointsIsUnconfirmedAndItsTimeToExhaustionALowerBound() {
        // 5 MB/min from 300 MB: full in about 2.4 h; no collection reclaims long-lived space
        LeakAssessment a =
                feed(3600, t -> 300 * MIB + t * 5 * MIB / 60, t -> false).assessment();
        assertThat(a.state()).isEqualTo(State.RISING_UNCONFIRMED);
        assertThat(a.suspected()).isFalse();
        assertThat(a.exhaustionIsLowerBound()).isTrue();
        assertThat(a.growthBytesPerSecond())
                .isCloseTo(5.0 * MIB / 60, org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(a.secondsToExhaustion()).isBetween(5000.0, 5600.0);
        assertThat(a.reason()).contains("not confirmed");
        assertThat(a.liveSetBytes()).isEqualTo(-1);
    }

    @Test
    void aSlowRiseBeforeAnyToothOfTheSawtoothWaitsForOne() {
        // 1 MB/min from 300 MB for 3 hours: full in about 12 h, within the 6-hour horizon's reach of 24 h
        LongUnaryOperator rise = t -> 300 * MIB + t * MIB / 60;
        LeakAssessment a = feed(LeakDetectionSettings.defaults(), 3 * 3600, rise, t -> false)
                .assessment();
        assertThat(a.state()).as(a.reason()).isEqualTo(State.NO_EVIDENCE);
        // reported when the reach before such a collection is longer than the time to fill
        LeakDetectionSettings longer = LeakDetectionSettings.builder()
                .unprovenReach(Duration.ofHours(24))
                .build();
        assertThat(feed(longer, 3 * 3600, rise, t -> false).assessment().state())
                .isEqualTo(State.RISING_UNCONFIRMED);
    }

    /**
     * A tooth rising 0.5 MB/min for 50 minutes from 300 MB (after a collection reclaiming long-lived space at 10
     * minutes), brought down to 300 MB by another ({@code requested}: one somebody asked for), then a rise of 1 MB/min for 3 hours: full in about
     * 9 hours, beyond {@code unprovenReach}.
     */
    private LeakAssessment afterAFirstTooth(boolean requested) {
        return feed(
                        LeakDetectionSettings.defaults(),
                        4 * 3600,
                        t -> t <= 600
                                ? 300 * MIB
                                : t < 3590 ? 300 * MIB + (t - 600) * MIB / 120 : 300 * MIB + (t - 3590) * MIB / 60,
                        t -> t == 600 || t == 3590,
                        t -> requested && t == 3590)
                .assessment();
    }

    @Test
    void aToothOfTheSawtoothEndsTheWait() {
        LeakAssessment a = afterAFirstTooth(false);
        assertThat(a.state()).as(a.reason()).isEqualTo(State.RISING_UNCONFIRMED);
    }

    @Test
    void aRequestedCollectionIsNoToothAndDoesNotEndTheWait() {
        // System.gc() or a class histogram is a live-set point, but shows no rate the collector reclaims
        LeakAssessment a = afterAFirstTooth(true);
        assertThat(a.state()).as(a.reason()).isEqualTo(State.NO_EVIDENCE);
        assertThat(a.liveSetBytes()).isEqualTo(300 * MIB);
    }

    @Test
    void risingLiveSetPointsConfirm() {
        // the same rise, and a collection every 5 minutes that reclaims long-lived space and sees it
        LeakAssessment a =
                feed(3600, t -> 300 * MIB + t * 5 * MIB / 60, t -> t % 300 == 0).assessment();
        assertThat(a.state()).isEqualTo(State.CONFIRMED);
        assertThat(a.suspected()).isTrue();
        assertThat(a.exhaustionIsLowerBound()).isFalse();
        assertThat(a.secondsToExhaustion()).isBetween(5000.0, 5600.0);
        assertThat(a.floors()).anyMatch(LeakAssessment.Floor::confirmed);
    }

    @Test
    void aConfirmedTimeToExhaustionFollowsTheLiveSetUnderTheGarbageAndCarriesItToNow() {
        // a live set rising 2 MB/min from 300 MB; a collection reclaiming long-lived space every 20 minutes for 4
        // hours, every third one down to the live set, the others leaving garbage that shrinks from 70 MB to none
        // as cycles come more often; evaluated 50 minutes after the last of them
        long lastPoint = 4 * 3600;
        LongPredicate confirmedAt = t -> t % 1200 == 0 && t <= lastPoint;
        LongUnaryOperator bytesAt = t -> {
            long live = 300 * MIB + t * 2 * MIB / 60;
            long k = t / 1200;
            long garbage = k % 3 == 0 ? 0 : 70 * MIB * (12 - Math.min(12, k)) / 12;
            return live + (confirmedAt.test(t) ? garbage : 80 * MIB);
        };
        long now = lastPoint + 50 * 60;
        LeakAssessment a = feed(now, bytesAt, confirmedAt).assessment();
        assertThat(a.state()).as(a.reason()).isEqualTo(State.CONFIRMED);
        double trueSeconds = (MAX - (300 * MIB + now * 2 * MIB / 60.0)) / (2.0 * MIB / 60);
        assertThat(a.secondsToExhaustion()).as(a.reason()).isCloseTo(trueSeconds, withinPercentage(5));
        assertThat(a.reason()).contains("lower envelope");
    }

    @Test
    void aConfirmedTimeToExhaustionIsNeverCarriedAboveTheLatestFloor() {
        // live-set points rising 2 MB/min for 4 hours, every 20 minutes; then the rise stops at 780 MB for 50 minutes
        long lastPoint = 4 * 3600;
        LongPredicate confirmedAt = t -> t % 1200 == 0 && t <= lastPoint;
        LongUnaryOperator bytesAt = t -> 300 * MIB + Math.min(t, lastPoint) * 2 * MIB / 60;
        long now = lastPoint + 50 * 60;
        LeakAssessment a = feed(now, bytesAt, confirmedAt).assessment();
        assertThat(a.state()).as(a.reason()).isEqualTo(State.CONFIRMED);
        double latest = 300 * MIB + lastPoint * 2 * MIB / 60.0;
        assertThat(a.secondsToExhaustion())
                .as(a.reason())
                .isCloseTo((MAX - latest) / (2.0 * MIB / 60), withinPercentage(2));
    }

    @Test
    void theLowerEnvelopeIsThinnedCappedAndNeededToRise() {
        long hour = 3_600_000L;
        // 200 points an hour apart rising 1 MB an hour, every other one carrying 50 MB of garbage
        int n = 200;
        long[] millis = new long[n];
        long[] bytes = new long[n];
        for (int i = 0; i < n; i++) {
            millis[i] = i * hour;
            bytes[i] = 300 * MIB + i * MIB + (i % 2 == 1 ? 50 * MIB : 0);
        }
        long now = (n - 1) * hour;
        double[] e = LeakAnalyzer.envelope(millis, bytes, n, -1, now, MAX);
        assertThat(e).isNotNull();
        assertThat(e[0]).isCloseTo(MIB / 3600.0, withinPercentage(1));
        assertThat(e[1]).isCloseTo(300.0 * MIB + (n - 1) * MIB, withinPercentage(0.5));
        // never above the latest after-GC floor
        double[] capped = LeakAnalyzer.envelope(millis, bytes, n, 400 * MIB, now, MAX);
        assertThat(capped).isNotNull();
        assertThat(capped[1]).isEqualTo(400.0 * MIB);
        assertThat(capped[2]).isCloseTo((MAX - 400.0 * MIB) / capped[0], withinPercentage(0.01));
        // a lower envelope that does not rise gives no time to exhaustion, whatever the mean does
        for (int i = 0; i < n; i++) {
            bytes[i] = i % 5 == 0 ? 300 * MIB : 300 * MIB + i * 3 * MIB;
        }
        assertThat(LeakAnalyzer.envelope(millis, bytes, n, -1, now, MAX)).isNull();
    }

    @Test
    void flatLiveSetPointsVetoARiseOfDeadObjects() {
        // after-GC floors rise 5 MB/min between collections that reclaim long-lived space every hour and leave a
        // flat 300 MB live set: promoted dead objects, not a leak
        LeakAssessment a = feed(
                        4 * 3600,
                        t -> t % 3600 == 0 ? 300 * MIB : 300 * MIB + (t % 3600) * 5 * MIB / 60,
                        t -> t % 3600 == 0)
                .assessment();
        assertThat(a.state()).isEqualTo(State.NO_EVIDENCE);
        assertThat(a.liveSetBytes()).isEqualTo(300 * MIB);
        // without the live-set points, the rise of the last 30 minutes is reported
        LeakAssessment unvetoed = feed(4 * 3600, t -> 300 * MIB + (t % 3600) * 5 * MIB / 60, t -> false)
                .assessment();
        assertThat(unvetoed.state()).isEqualTo(State.RISING_UNCONFIRMED);
    }

    /**
     * Two teeth of an hour rising 5 MB/min from 300 MB, each brought down by one collection that reclaimed
     * long-lived space (too few live-set points for their own veto), then a third tooth rising {@code mibPerMinute}
     * for 40 minutes.
     */
    private LeakDetector sawtooth(double mibPerMinute, boolean reclaimedFlagged) {
        return sawtooth(mibPerMinute, reclaimedFlagged, false);
    }

    private LeakDetector sawtooth(double mibPerMinute, boolean reclaimedFlagged, boolean requested) {
        Random survivors = new Random(11);
        return feed(
                OTHER_RULES,
                2 * 3600 + 2400,
                t -> t < 7200
                        ? (t % 3600 == 3590
                                ? 300 * MIB
                                : 300 * MIB + (long) ((t % 3600) * 5.0 * MIB / 60) + survivors.nextInt(10 << 20))
                        : 300 * MIB + (long) ((t - 7200) * mibPerMinute * MIB / 60) + survivors.nextInt(10 << 20),
                t -> reclaimedFlagged && t < 7200 && t % 3600 == 3590,
                t -> requested);
    }

    @Test
    void flatLiveSetPointsVetoARiseThatTheTeethDoNotExplain() {
        // the sawtooth's teeth (5 MB/min) are slower than the last rise (8 MB/min), so they explain nothing; a third
        // flat live-set point (a requested collection in the first hour) lets the live-set points veto the rise
        LeakAssessment vetoed = sawtoothWithRequestedPoint(true).assessment();
        assertThat(vetoed.state()).as(vetoed.reason()).isEqualTo(State.NO_EVIDENCE);
        // the same rise with two live-set points, too few for the veto
        assertThat(sawtoothWithRequestedPoint(false).assessment().state()).isEqualTo(State.RISING_UNCONFIRMED);
    }

    /**
     * The teeth of {@link #sawtooth} and a third tooth rising 8 MB/min; with {@code requestedPoint}, a requested
     * collection halfway through the first tooth brings it down to the live set, and the tooth starts again from there.
     */
    private LeakDetector sawtoothWithRequestedPoint(boolean requestedPoint) {
        Random survivors = new Random(11);
        return feed(
                OTHER_RULES,
                2 * 3600 + 2400,
                t -> t < 7200
                        ? (t % 3600 == 3590 || (requestedPoint && t == 1790)
                                ? 300 * MIB
                                : 300 * MIB
                                        + (long) ((requestedPoint && t > 1790 && t < 3590 ? t - 1790 : t % 3600)
                                                * 5.0
                                                * MIB
                                                / 60)
                                        + survivors.nextInt(10 << 20))
                        : 300 * MIB + (long) ((t - 7200) * 8.0 * MIB / 60) + survivors.nextInt(10 << 20),
                t -> t < 7200 && (t % 3600 == 3590 || (requestedPoint && t == 1790)),
                t -> requestedPoint && t == 1790);
    }

    @Test
    void teethThatRequestedCollectionsBroughtDownExplainNothing() {
        // the same teeth, each cut by System.gc() or a class histogram: live-set points, but no tooth of the collector
        LeakAssessment a = sawtooth(5, true, true).assessment();
        assertThat(a.state()).as(a.reason()).isEqualTo(State.RISING_UNCONFIRMED);
    }

    @Test
    void aRiseNoFasterThanEarlierTeethThatCollectionsBroughtDownIsExplainedByTheSawtooth() {
        LeakAssessment a = sawtooth(5, true).assessment();
        assertThat(a.state()).as(a.reason()).isEqualTo(State.NO_EVIDENCE);
        // the same floors without the collections that reclaimed long-lived space: no tooth was shown reclaimable
        assertThat(sawtooth(5, false).assessment().state()).isEqualTo(State.RISING_UNCONFIRMED);
        // a rise faster than the teeth is evidence again
        assertThat(sawtooth(8, true).assessment().state()).isEqualTo(State.RISING_UNCONFIRMED);
    }

    @Test
    void aNoisyRiseWhoseLowerBoundIsNotPositiveHasNoEvidence() {
        Random random = new Random(7);
        // 0.2 MB/min under 60 MB of noise over 30 minutes
        LeakAssessment a = feed(1800, t -> 300 * MIB + t * MIB / 300 + random.nextInt(60 << 20), t -> false)
                .assessment();
        assertThat(a.state()).isEqualTo(State.NO_EVIDENCE);
        assertThat(a.reason()).contains("is not positive");
    }

    @Test
    void aClearRiseThatWouldFillTheHeapBeyondTheReachOfItsSpanHasNoEvidence() {
        // a clean 1 MB/min for 20 minutes from 300 MB: full in 12 h, far beyond 8 x 20 minutes
        LeakAssessment early =
                feed(1200, t -> 300 * MIB + t * MIB / 60, t -> false).assessment();
        assertThat(early.state()).isEqualTo(State.NO_EVIDENCE);
        assertThat(early.reason()).contains("beyond this horizon's reach");
        // the same rise from 900 MB fills the remaining heap within reach
        LeakAssessment near =
                feed(1200, t -> 900 * MIB + t * MIB / 60, t -> false).assessment();
        assertThat(near.state()).isEqualTo(State.RISING_UNCONFIRMED);
    }

    @Test
    void aRiseBelowTheMinimumGrowthHasNoEvidence() {
        // 0.1 MB/min with 4 MB of headroom: it fills the heap within reach, but adds under 2% of max per horizon
        LeakAssessment a = feed(3600, t -> 1020 * MIB + t * MIB / 600 - 3 * MIB, t -> false)
                .assessment();
        assertThat(a.state()).isEqualTo(State.NO_EVIDENCE);
        assertThat(a.reason()).contains("below 2.00%");
        LeakAssessment none = feed(
                        LeakDetectionSettings.builder().minGrowthFraction(0).build(),
                        3600,
                        t -> 1020 * MIB + t * MIB / 600 - 3 * MIB,
                        t -> false)
                .assessment();
        assertThat(none.state()).isEqualTo(State.RISING_UNCONFIRMED);
    }

    @Test
    void anUndefinedMaximumHasNoEvidence() {
        LeakDetector detector =
                LeakDetector.manual(LeakDetectionSettings.defaults(), List.of(), RouteTraffic.NONE, clock);
        for (long t = 0; t < 3600; t += 10) {
            detector.onLiveHeap(clock.millis(), 300 * MIB + t * 5 * MIB / 60, -1, false);
            clock.advance(10_000);
        }
        assertThat(detector.evaluate().state()).isEqualTo(State.NO_EVIDENCE);
        assertThat(detector.assessment().reason()).contains("maximum heap undefined");
    }

    @Test
    void aStrongLeakIsCalledWithinMinutesAndAWeakOneWaits() {
        // 20 MB/min from 130 MB of 512 MB: the heap is full in about 19 minutes
        LeakDetector strong =
                LeakDetector.manual(LeakDetectionSettings.defaults(), List.of(), RouteTraffic.NONE, clock);
        long flaggedAt = -1;
        for (long t = 0; t < 1200 && flaggedAt < 0; t += 10) {
            strong.onLiveHeap(clock.millis(), 130 * MIB + t * 20 * MIB / 60, 512 * MIB, false);
            clock.advance(10_000);
            if (t % 60 == 50 && strong.evaluate().state() != State.NO_EVIDENCE) {
                flaggedAt = t;
            }
        }
        assertThat(flaggedAt).as("seconds to the first verdict").isBetween(0L, 400L);
    }

    @Test
    void gaugesExportTheStateEnumStyleAndTheSuspectedFlagMeansConfirmed() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LeakDetector detector = LeakDetector.manual(
                LeakDetectionSettings.defaults(), Tags.of("container", "c"), RouteTraffic.NONE, clock);
        detector.bindTo(registry);
        assertThat(state(registry, "none")).isEqualTo(1.0);
        assertThat(state(registry, "unconfirmed")).isEqualTo(0.0);
        assertThat(state(registry, "confirmed")).isEqualTo(0.0);
        for (long t = 0; t < 3600; t += 10) {
            detector.onLiveHeap(clock.millis(), 300 * MIB + t * 5 * MIB / 60, MAX, t % 300 == 0);
            clock.advance(10_000);
        }
        detector.evaluate();
        assertThat(state(registry, "none")).isEqualTo(0.0);
        assertThat(state(registry, "confirmed")).isEqualTo(1.0);
        assertThat(registry.get(LeakDetector.SUSPECTED).gauge().value()).isEqualTo(1.0);
        assertThat(registry.get(LeakDetector.TIME_TO_EXHAUSTION).gauge().value())
                .isBetween(5000.0, 5600.0);
        assertThat(registry.get(LeakDetector.LIVE_SET).gauge().value()).isGreaterThan(500.0 * MIB);
        assertThat(registry.get(LeakDetector.GROWTH_LOWER_BOUND).gauge().value())
                .isPositive();
        detector.close();
        assertThat(registry.find(LeakDetector.STATE).gauges()).isEmpty();
        assertThat(registry.find(LeakDetector.SUSPECTED).gauge()).isNull();
    }

    @Test
    void routeGaugesFollowTheSuspectsAndLeaveWithThem() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CumulativeTraffic traffic = new CumulativeTraffic();
        LeakDetector detector =
                LeakDetector.manual(LeakDetectionSettings.defaults(), Tags.of("container", "c"), traffic, clock);
        detector.bindTo(registry);
        Random random = new Random(5);
        double retained = 130 * MIB;
        double leakRate = 20;
        double otherRate = 20;
        boolean seen = false;
        for (long t = 0; t < 3600 && !seen; t += 10) {
            if (t % 120 == 0) {
                leakRate = 5 + 40 * random.nextDouble();
                otherRate = 5 + 40 * random.nextDouble();
            }
            traffic.add("/api/leak", "POST", leakRate * 10);
            traffic.add("/api/other", "GET", otherRate * 10);
            retained += leakRate * 10 * 4096;
            detector.onLiveHeap(clock.millis(), (long) retained, 512 * MIB, false);
            clock.advance(10_000);
            if (t % 60 == 50) {
                LeakAssessment a = detector.evaluate();
                seen = a.routesAttributed();
            }
        }
        assertThat(seen).as("routes attributed within the hour").isTrue();
        LeakAssessment a = detector.assessment();
        assertThat(a.suspects().get(0).route()).isEqualTo(new RouteKey("/api/leak", "POST"));
        assertThat(a.suspects().get(0).retainedBytesPerRequest()).isBetween(3000.0, 5200.0);
        Gauge perRequest = registry.get(LeakDetector.ROUTE_RETAINED)
                .tag("uri", "/api/leak")
                .gauge();
        assertThat(perRequest.value()).isEqualTo(a.suspects().get(0).retainedBytesPerRequest());
        assertThat(registry.get(LeakDetector.ROUTE_CORRELATION)
                        .tag("uri", "/api/leak")
                        .gauge()
                        .value())
                .isEqualTo(a.suspects().get(0).correlation());
        // the heap stops growing: once the verdict is gone, so are the route gauges
        for (long t = 0; t < 4 * 3600; t += 10) {
            traffic.add("/api/leak", "POST", 100);
            detector.onLiveHeap(clock.millis(), 100 * MIB, 512 * MIB, true);
            clock.advance(10_000);
        }
        assertThat(detector.evaluate().state()).isEqualTo(State.NO_EVIDENCE);
        assertThat(registry.find(LeakDetector.ROUTE_RETAINED).gauges()).isEmpty();
        assertThat(registry.find(LeakDetector.ROUTE_CORRELATION).gauges()).isEmpty();
    }

    @Test
    void aDetectorMadeByManualHasNoThreadAndAClosedOneIgnoresSamples() {
        LeakDetector detector =
                LeakDetector.manual(LeakDetectionSettings.defaults(), List.of(), RouteTraffic.NONE, clock);
        detector.bindTo(new SimpleMeterRegistry());
        assertThat(detector.running()).isFalse();
        detector.close();
        detector.onLiveHeap(clock.millis(), 1, 1);
        assertThat(detector.evaluate().reason()).isEqualTo("not analysed yet");
    }

    private static double state(SimpleMeterRegistry registry, String state) {
        Gauge gauge = registry.get(LeakDetector.STATE)
                .tag("state", state)
                .tag("container", "c")
                .gauge();
        return gauge.value();
    }
}
