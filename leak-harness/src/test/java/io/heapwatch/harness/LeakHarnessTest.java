package io.heapwatch.harness;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LeakHarnessTest {

    private static final long SUB_WINDOW = 6_000;
    private static final long BOUNDARY = 1_796_160_000_000L;

    @Test
    void launchesAtOnceWhenTheStartUpFitsInTheRestOfTheSubWindow() {
        assertThat(LeakHarness.waitForStartUp(BOUNDARY, SUB_WINDOW)).isZero();
        assertThat(LeakHarness.waitForStartUp(BOUNDARY + 1_000, SUB_WINDOW)).isZero();
    }

    @Test
    void waitsForJustAfterTheNextBoundaryWhenTooLittleOfTheSubWindowIsLeft() {
        assertThat(LeakHarness.waitForStartUp(BOUNDARY + 1_001, SUB_WINDOW)).isEqualTo(5_019);
        assertThat(LeakHarness.waitForStartUp(BOUNDARY + 5_999, SUB_WINDOW)).isEqualTo(21);
    }

    @Test
    void rarelyWaitsAtProductionTimingWhereSubWindowsLastTwoMinutes() {
        assertThat(LeakHarness.waitForStartUp(BOUNDARY + 100_000, 120_000)).isZero();
        assertThat(LeakHarness.waitForStartUp(BOUNDARY + 116_000, 120_000)).isEqualTo(4_020);
    }
}
