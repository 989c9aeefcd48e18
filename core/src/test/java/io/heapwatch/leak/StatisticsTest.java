package io.heapwatch.leak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatisticsTest {

    @ParameterizedTest(name = "t quantile {0} with {1} df = {2}")
    @CsvSource({
        // published table values of Student's t
        "0.975, 1, 12.706",
        "0.975, 2, 4.303",
        "0.95, 10, 1.8125",
        "0.999, 5, 5.893",
        "0.999, 1, 318.309",
        "0.99, 30, 2.457",
    })
    void studentTQuantilesMatchTheTables(double p, int df, double expected) {
        assertThat(Statistics.tQuantile(p, df)).isCloseTo(expected, within(expected * 2e-4));
    }

    @Test
    void tCdfIsSymmetricAndMonotone() {
        assertThat(Statistics.tCdf(0, 7)).isCloseTo(0.5, within(1e-12));
        assertThat(Statistics.tCdf(-2, 7) + Statistics.tCdf(2, 7)).isCloseTo(1.0, within(1e-12));
        assertThat(Statistics.tCdf(3, 4)).isGreaterThan(Statistics.tCdf(2, 4));
    }

    @Test
    void normalQuantile() {
        assertThat(Statistics.normalQuantile(0.975)).isCloseTo(1.959964, within(1e-5));
        assertThat(Statistics.normalQuantile(0.5)).isCloseTo(0.0, within(1e-6));
    }

    @Test
    void trendOfAPerfectLineHasNoErrorAndOfANoisyOneHasTheTextbookError() {
        double[] x = {0, 1, 2, 3, 4};
        Statistics.Trend line = Statistics.trend(x, new double[] {1, 3, 5, 7, 9}, 5);
        assertThat(line.slope()).isCloseTo(2.0, within(1e-12));
        assertThat(line.standardError()).isCloseTo(0.0, within(1e-12));
        assertThat(line.lowerBound(0.01)).isCloseTo(2.0, within(1e-9));
        assertThat(line.xSpan()).isEqualTo(4.0);
        // residuals 0.2, -0.4, 0, 0.4, -0.2 around y = 2x + 1: SSE = 0.4, se = sqrt(0.4 / 3 / 10)
        Statistics.Trend noisy = Statistics.trend(x, new double[] {1.2, 2.6, 5, 7.4, 8.8}, 5);
        assertThat(noisy.slope()).isCloseTo(2.0, within(1e-12));
        assertThat(noisy.standardError()).isCloseTo(Math.sqrt(0.4 / 30), within(1e-12));
        double t = Statistics.tQuantile(0.95, 3);
        assertThat(noisy.lowerBound(0.05)).isCloseTo(2.0 - t * Math.sqrt(0.4 / 30), within(1e-9));
        assertThat(noisy.upperBound(0.05)).isCloseTo(2.0 + t * Math.sqrt(0.4 / 30), within(1e-9));
        assertThat(Statistics.trend(x, new double[] {1, 2, 3, 4, 5}, 2).lowerBound(0.05))
                .isNaN();
    }

    @Test
    void steigerZIsZeroForEqualCorrelationsAndShrinksAsTheTwoVariablesBecomeAlike() {
        assertThat(Statistics.steigerZ(0.6, 0.6, 0.3, 30)).isCloseTo(0.0, within(1e-12));
        double apart = Statistics.steigerZ(0.9, 0.5, 0.2, 30);
        double alike = Statistics.steigerZ(0.9, 0.5, 0.6, 30);
        assertThat(apart).isPositive();
        // the same gap is better evidence when the two routes' traffic is more alike (their errors cancel)
        assertThat(alike).isGreaterThan(apart);
        assertThat(Statistics.steigerZ(0.5, 0.9, 0.2, 30)).isCloseTo(-apart, within(1e-12));
        // Steiger (1980) with the covariance term at the mean correlation: mean 0.7, s = 0.0089 / 0.2601
        assertThat(apart).isCloseTo(3.4505487590, within(1e-8));
    }

    @Test
    void aRunningTrendFitsTheSameLineAsTheBatchFit() {
        java.util.Random random = new java.util.Random(3);
        int n = 500;
        double[] x = new double[n];
        double[] y = new double[n];
        Statistics.RunningTrend running = new Statistics.RunningTrend();
        assertThat(running.trend().slope()).isNaN();
        for (int i = 0; i < n; i++) {
            x[i] = i * 10.0 + random.nextDouble();
            y[i] = 3e8 + 1.4e4 * x[i] + 2e7 * random.nextDouble();
            running.add(x[i], y[i]);
        }
        Statistics.Trend batch = Statistics.trend(x, y, n);
        Statistics.Trend online = running.trend();
        assertThat(running.points()).isEqualTo(n);
        assertThat(online.points()).isEqualTo(n);
        assertThat(online.slope()).isCloseTo(batch.slope(), within(1e-6 * batch.slope()));
        assertThat(online.standardError()).isCloseTo(batch.standardError(), within(1e-6 * batch.standardError()));
        assertThat(online.xSpan()).isCloseTo(batch.xSpan(), within(1e-9));
        assertThat(online.fittedLast()).isCloseTo(batch.fittedLast(), within(1.0));
        running.clear();
        assertThat(running.points()).isZero();
        running.add(0, 5);
        running.add(1, 7);
        running.add(2, 9);
        assertThat(running.trend().slope()).isCloseTo(2.0, within(1e-12));
        assertThat(running.trend().xSpan()).isCloseTo(2.0, within(1e-12));
        assertThat(running.trend().fittedLast()).isCloseTo(9.0, within(1e-12));
    }

    @Test
    void quantileLineMinimisesTheCheckLoss() {
        // four points on y = x and one far above: the median line ignores the outlier, the mean would not
        double[] x = {0, 1, 2, 3, 4};
        double[] y = {0, 1, 2, 30, 4};
        Statistics.Line median = Statistics.quantileLine(x, y, 5, 0.5);
        assertThat(median).isNotNull();
        assertThat(median.slope()).isCloseTo(1.0, within(1e-12));
        assertThat(median.at(0)).isCloseTo(0.0, within(1e-12));
        // a high quantile follows the outlier: two points above y = x weigh more than three on it
        Statistics.Line high = Statistics.quantileLine(x, y, 5, 0.9);
        assertThat(high).isNotNull();
        assertThat(high.at(3)).isCloseTo(30.0, within(1e-9));
    }

    @Test
    void aLowQuantileLineFollowsTheFloorOfOneSidedNoise() {
        // y = 100 + 2x plus non-negative noise that is large early and small late: least squares is pulled flat
        int n = 40;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            double noise = i % 4 == 0 ? 0 : 60.0 * (n - i) / n;
            y[i] = 100 + 2 * x[i] + noise;
        }
        assertThat(Statistics.trend(x, y, n).slope()).isLessThan(1.5);
        Statistics.Line low = Statistics.quantileLine(x, y, n, 0.1);
        assertThat(low).isNotNull();
        assertThat(low.slope()).isCloseTo(2.0, within(1e-9));
        assertThat(low.at(0)).isCloseTo(100.0, within(1e-9));
    }

    @Test
    void aQuantileLineNeedsTwoDistinctX() {
        assertThat(Statistics.quantileLine(new double[] {1, 1}, new double[] {1, 2}, 2, 0.5))
                .isNull();
        assertThat(Statistics.quantileLine(new double[] {1}, new double[] {1}, 1, 0.5))
                .isNull();
    }

    @Test
    void effectiveFloorsFollowBartlettsCorrectionAndNeverFallBelowFour() {
        // lag-one autocorrelations 20/30 each: 20 rows are worth 20 (1 - 4/9) / (1 + 4/9)
        double[] rising = {1, 2, 3, 4};
        double[] falling = {4, 3, 2, 1};
        assertThat(Statistics.effectiveRows(20, rising, falling)).isCloseTo(7.6923076923, within(1e-9));
        assertThat(Statistics.effectiveRows(5, rising, falling)).isEqualTo(4.0);
        // autocorrelations of opposite signs (-3/4 and 2/3): no correction
        assertThat(Statistics.effectiveRows(20, new double[] {1, -1, 1, -1}, rising))
                .isEqualTo(20.0);
    }

    @Test
    void chanceIsFishersOneSidedTailBonferroniCorrectedAndAtMostOne() {
        // z = atanh(0.5) sqrt(20 - 4), three routes
        assertThat(Statistics.chance(0.5, 20, 3)).isCloseTo(0.0420066167, within(1e-8));
        assertThat(Statistics.chance(0.6, 10, 2)).isCloseTo(0.0895347719, within(1e-8));
        // fewer than five effective floors count as one degree of freedom
        assertThat(Statistics.chance(0.3, 4.5, 1)).isCloseTo(0.3784631509, within(1e-8));
        assertThat(Statistics.chance(0.3, 3, 3)).isEqualTo(1.0);
    }
}
