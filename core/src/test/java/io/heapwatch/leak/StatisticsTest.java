package io.heapwatch.leak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StatisticsTest {

    @Test
    void normalCdfMatchesTabulatedQuantiles() {
        assertThat(StandardNormal.cdf(0)).isCloseTo(0.5, within(1e-7));
        assertThat(StandardNormal.cdf(1.959963985)).isCloseTo(0.975, within(1e-7));
        assertThat(StandardNormal.cdf(-2.326347874)).isCloseTo(0.01, within(1e-8));
        assertThat(StandardNormal.upperTail(3.090232306)).isCloseTo(0.001, within(1e-9));
        assertThat(StandardNormal.upperTail(-1.0) + StandardNormal.upperTail(1.0))
                .isCloseTo(1.0, within(1e-7));
    }

    @Test
    void theilSenSlopeIsTheMedianOfPairwiseSlopes() {
        // pairwise slopes 2, 0.5, 4/3, -1, 1, 3 -> sorted -1, 0.5, 1, 4/3, 2, 3 -> median (1 + 4/3) / 2
        double slope = TheilSen.slope(new double[] {0, 1, 2, 3}, new double[] {1, 3, 2, 5});
        assertThat(slope).isCloseTo(7.0 / 6.0, within(1e-12));
    }

    @Test
    void theilSenIgnoresAnOutlierThatWouldTiltLeastSquares() {
        double[] x = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        double[] y = {0, 2, 4, 6, 8, 10, 12, 14, 16, -500};
        assertThat(TheilSen.slope(x, y)).isCloseTo(2.0, within(1e-12));
    }

    @Test
    void theilSenIsNaNWithoutTwoDistinctAbscissae() {
        assertThat(TheilSen.slope(new double[] {1, 1}, new double[] {0, 5})).isNaN();
        assertThat(TheilSen.slope(new double[0], new double[0])).isNaN();
    }

    @Test
    void mannKendallMatchesHandComputedStatisticWithoutTies() {
        MannKendall test = MannKendall.test(new double[] {1, 3, 2, 5});
        assertThat(test.s()).isEqualTo(4);
        assertThat(test.variance()).isCloseTo(156.0 / 18.0, within(1e-12));
        assertThat(test.z()).isCloseTo(3 / Math.sqrt(156.0 / 18.0), within(1e-12));
        assertThat(test.pValueIncreasing()).isCloseTo(0.1540898, within(1e-6));
        assertThat(test.pValueTwoSided()).isCloseTo(0.3081795, within(1e-6));
        assertThat(test.pValueDecreasing()).isCloseTo(1 - 0.1540898, within(1e-6));
    }

    @Test
    void mannKendallCorrectsTheVarianceForTies() {
        // tie groups of 2 and 3: (6*5*17 - 2*1*9 - 3*2*11) / 18
        MannKendall test = MannKendall.test(new double[] {1, 2, 2, 3, 3, 3});
        assertThat(test.s()).isEqualTo(11);
        assertThat(test.variance()).isCloseTo((510.0 - 18 - 66) / 18, within(1e-12));
        assertThat(test.pValueIncreasing()).isCloseTo(0.0199122, within(1e-6));
    }

    @Test
    void mannKendallOfAConstantSeriesHasNoTrend() {
        MannKendall test = MannKendall.test(new double[] {7, 7, 7, 7, 7});
        assertThat(test.s()).isZero();
        assertThat(test.z()).isZero();
        assertThat(test.pValueTwoSided()).isCloseTo(1.0, within(1e-7));
    }

    @Test
    void mannKendallOfADecreasingSeriesIsNegative() {
        MannKendall test = MannKendall.test(new double[] {9, 8, 7, 6, 5, 4, 3, 2});
        assertThat(test.s()).isEqualTo(-28);
        assertThat(test.pValueDecreasing()).isLessThan(0.001);
        assertThat(test.pValueIncreasing()).isGreaterThan(0.999);
    }

    @Test
    void conditionEstimateIsOneForOrthonormalColumnsAndInfiniteForDependentOnes() {
        double[][] orthonormal = {{1, 0}, {0, 1}, {0, 0}};
        double[][] dependent = {{1, 2}, {2, 4}, {3, 6}};
        double[][] nearlyDependent = {{1, 1}, {1, 1.001}, {1, 0.999}};

        assertThat(HouseholderQr.of(orthonormal, 2).conditionEstimate()).isCloseTo(1.0, within(1e-12));
        assertThat(HouseholderQr.of(dependent, 2).conditionEstimate()).isInfinite();
        assertThat(HouseholderQr.of(nearlyDependent, 2).conditionEstimate()).isGreaterThan(1000);
    }

    @Test
    void chanceOfAPartialCorrelationFollowsFishersZWithBonferroni() {
        // z = atanh(0.6) * sqrt(15 - 4) = 2.2989; one-sided upper tail 0.010755
        assertThat(RouteAttributor.chance(0.6, 15, 1)).isCloseTo(0.010755, within(1e-5));
        assertThat(RouteAttributor.chance(0.6, 15, 3)).isCloseTo(3 * 0.010755, within(3e-5));
        assertThat(RouteAttributor.chance(0.0, 15, 3)).isEqualTo(1.0);
        assertThat(RouteAttributor.chance(1.0, 15, 3)).isLessThan(1e-9);
    }

    @Test
    void autocorrelatedSeriesAreWorthFewerRows() {
        double[] alternating = {1, -1, 1, -1, 1, -1, 1, -1, 1, -1};
        double[] ramp = {-4.5, -3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 4.5};

        // one series with negative autocorrelation: no reduction
        assertThat(RouteAttributor.effectiveRows(10, alternating, ramp)).isEqualTo(10.0);
        // two smooth series, lag-one autocorrelation 57.75 / 82.5 = 0.7 each: worth (1 - 0.49) / (1 + 0.49)
        assertThat(RouteAttributor.effectiveRows(30, ramp, ramp)).isCloseTo(30 * 0.51 / 1.49, within(1e-9));
        // never fewer than 4
        assertThat(RouteAttributor.effectiveRows(10, ramp, ramp)).isEqualTo(4.0);
    }
}
