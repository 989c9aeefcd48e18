package io.heapwatch.leak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FloorLevelsTest {

    private static final long MINUTE = 60_000;
    private static final long START = 1_700_000_000_000L - Math.floorMod(1_700_000_000_000L, 86_400_000L);

    @Test
    void keepsTheLowestSampleOfAnyCollectionAndOfTheConfirmedOnesPerBucket() {
        FloorLevels levels = new FloorLevels(2 * MINUTE, 15);
        // the first bucket of all (the process start) is never reported
        levels.record(START, 10, 1000, true);
        levels.record(START + 2 * MINUTE, 500, 1000, false);
        levels.record(START + 2 * MINUTE + 10_000, 400, 1000, false);
        levels.record(START + 2 * MINUTE + 20_000, 450, 1000, true);
        levels.record(START + 2 * MINUTE + 30_000, 460, 1000, true);
        levels.record(START + 4 * MINUTE, 520, 1000, false);

        FloorLevels.Series series = levels.series(1, START + 6 * MINUTE);
        assertThat(series.size()).isEqualTo(2);
        assertThat(series.bytes()[0]).isEqualTo(400);
        assertThat(series.millis()[0]).isEqualTo(START + 2 * MINUTE + 10_000);
        assertThat(series.bytes()[1]).isEqualTo(520);
        assertThat(series.confirmedSize()).isEqualTo(1);
        assertThat(series.confirmedBytes()[0]).isEqualTo(450);
        assertThat(series.confirmedMillis()[0]).isEqualTo(START + 2 * MINUTE + 20_000);
        // the bucket being filled is not reported
        assertThat(levels.series(1, START + 5 * MINUTE).size()).isEqualTo(1);
    }

    @Test
    void everyHorizonKeepsAFixedNumberOfFloorsHoweverLongTheProcessRuns() {
        FloorLevels levels = new FloorLevels(2 * MINUTE, 15);
        assertThat(levels.levels()).isEqualTo(4);
        assertThat(levels.spanMillis(0)).isEqualTo(15 * 30_000L);
        assertThat(levels.spanMillis(1)).isEqualTo(30 * MINUTE);
        assertThat(levels.spanMillis(2)).isEqualTo(6 * 60 * MINUTE);
        assertThat(levels.spanMillis(3)).isEqualTo(72 * 60 * MINUTE);
        long t = START;
        for (int i = 0; i < 10 * 24 * 360; i++) { // ten days, a collection every 10 s
            levels.record(t, 1000 + i, 1 << 30, i % 100 == 0);
            t += 10_000;
        }
        for (int level = 0; level < levels.levels(); level++) {
            FloorLevels.Series s = levels.series(level, t);
            assertThat(s.size()).as("level %d", level).isEqualTo(15);
            // the floors are the oldest sample of each bucket here, and rise with time
            for (int i = 1; i < s.size(); i++) {
                assertThat(s.bytes()[i]).isGreaterThan(s.bytes()[i - 1]);
                assertThat(s.millis()[i] - s.millis()[i - 1]).isEqualTo(levels.bucketMillis(level));
            }
        }
        assertThat(levels.series(3, t).confirmedSize()).isEqualTo(15);
    }

    @Test
    void aSampleOlderThanTheRingIsDropped() {
        FloorLevels levels = new FloorLevels(2 * MINUTE, 3);
        levels.record(START, 100, 1000, false);
        levels.record(START + 20 * MINUTE, 100, 1000, false);
        levels.record(START + 20 * MINUTE + 10, 100, 1000, false);
        levels.record(START + 2 * MINUTE, 1, 1000, false); // its slot now holds a newer bucket
        FloorLevels.Series s = levels.series(1, START + 30 * MINUTE);
        for (int i = 0; i < s.size(); i++) {
            assertThat(s.bytes()[i]).isEqualTo(100);
        }
    }

    private static final long MIB = 1L << 20;
    private static final long MAX = 1024 * MIB;

    /**
     * Teeth of {@code minutes} each, a collection every 10 s rising {@code mibPerMinute} from {@code bottom}; each
     * tooth ends with one collection that reclaimed long-lived space down to {@code lowest.applyAsLong(tooth)}.
     */
    private static long teeth(
            FloorLevels levels,
            long start,
            int count,
            int minutes,
            double mibPerMinute,
            long bottom,
            java.util.function.IntToLongFunction lowest) {
        long t = start;
        for (int tooth = 0; tooth < count; tooth++) {
            for (int s = 0; s < minutes * 60; s += 10) {
                levels.record(t, bottom + (long) (s / 60.0 * mibPerMinute * MIB), MAX, false);
                t += 10_000;
            }
            levels.record(t, lowest.applyAsLong(tooth), MAX, true);
            t += 10_000;
        }
        // the first collection after the run ends the tooth
        levels.record(t, bottom, MAX, false);
        return t;
    }

    @Test
    void aCollectionSomebodyRequestedEndsNoTooth() {
        FloorLevels requested = new FloorLevels(120_000, 15);
        FloorLevels chosen = new FloorLevels(120_000, 15);
        long t = START;
        for (int s = 0; s < 3600; s += 10) {
            long bytes = 300 * MIB + (long) (s / 60.0 * 2 * MIB);
            requested.record(t, bytes, MAX, false);
            chosen.record(t, bytes, MAX, false);
            t += 10_000;
        }
        requested.record(t, 300 * MIB, MAX, true, true);
        chosen.record(t, 300 * MIB, MAX, true, false);
        t += 10_000;
        requested.record(t, 300 * MIB, MAX, false);
        chosen.record(t, 300 * MIB, MAX, false);
        assertThat(requested.sawtooth(t).teeth()).isZero();
        assertThat(chosen.sawtooth(t).teeth()).isEqualTo(1);
    }

    @Test
    void aToothOfFewerThanTenCollectionsShowsNoRate() {
        // one minute at a collection every 10 s: 6 collections
        FloorLevels shortTooth = new FloorLevels(120_000, 15);
        long end = teeth(shortTooth, START, 1, 1, 2, 300 * MIB, tooth -> 300 * MIB);
        assertThat(shortTooth.sawtooth(end).teeth()).isZero();
        // two minutes: 12 collections
        FloorLevels longer = new FloorLevels(120_000, 15);
        long longerEnd = teeth(longer, START, 1, 2, 2, 300 * MIB, tooth -> 300 * MIB);
        assertThat(longer.sawtooth(longerEnd).teeth()).isEqualTo(1);
    }

    @Test
    void aToothBroughtDownCountsAtTheRateItRose() {
        FloorLevels levels = new FloorLevels(2 * MINUTE, 15);
        assertThat(levels.sawtooth(START).teeth()).isZero();
        long end = teeth(levels, START, 3, 60, 2, 300 * MIB, tooth -> 300 * MIB);
        FloorLevels.Sawtooth sawtooth = levels.sawtooth(end);
        assertThat(sawtooth.teeth()).isEqualTo(3);
        // an exact line: its upper bound is its slope, 2 MiB/min
        assertThat(sawtooth.rate()).isCloseTo(2.0 * MIB / 60, within(1.0));
    }

    @Test
    void aCycleThatLeavesLessThanG1sWasteAboveTheToothsStartStillShowsTheWholeRiseReclaimable() {
        FloorLevels levels = new FloorLevels(2 * MINUTE, 15);
        // each cycle ends 40 MiB above where the tooth started: within 5% of 1 GiB
        long end = teeth(levels, START, 1, 60, 2, 300 * MIB, tooth -> 340 * MIB);
        assertThat(levels.sawtooth(end).rate()).isCloseTo(2.0 * MIB / 60, within(1.0));
    }

    @Test
    void theRiseACycleLeavesInPlaceIsNotShownReclaimable() {
        FloorLevels levels = new FloorLevels(2 * MINUTE, 15);
        // the cycle ends 100 MiB above the tooth's start: 100 - 51.2 MiB of the rise stayed, over the hour it rose
        long end = teeth(levels, START, 1, 60, 2, 300 * MIB, tooth -> 400 * MIB);
        double stayed = (100 - 0.05 * 1024) * MIB / (3600 - 10);
        assertThat(levels.sawtooth(end).rate()).isCloseTo(2.0 * MIB / 60 - stayed, within(1.0));
        // a run that does not come below the tooth's top brought nothing down
        FloorLevels none = new FloorLevels(2 * MINUTE, 15);
        long noneEnd = teeth(none, START, 1, 60, 2, 300 * MIB, tooth -> 430 * MIB);
        assertThat(none.sawtooth(noneEnd).teeth()).isZero();
    }

    @Test
    void teethAreForgottenAfterTheCoarsestHorizon() {
        FloorLevels levels = new FloorLevels(2 * MINUTE, 15);
        long end = teeth(levels, START, 2, 60, 2, 300 * MIB, tooth -> 300 * MIB);
        assertThat(levels.sawtooth(end + 2 * 86_400_000L).teeth()).isEqualTo(2);
        assertThat(levels.sawtooth(end + 4 * 86_400_000L).teeth()).isZero();
        // a slower tooth in a later bucket does not lower the largest rate
        long later = teeth(levels, end + 86_400_000L, 1, 60, 1, 300 * MIB, tooth -> 300 * MIB);
        assertThat(levels.sawtooth(later).teeth()).isEqualTo(3);
        assertThat(levels.sawtooth(later).rate()).isCloseTo(2.0 * MIB / 60, within(1.0));
    }
}
