package io.heapwatch.leak;

import static org.assertj.core.api.Assertions.assertThat;

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
}
