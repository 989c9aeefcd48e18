package io.heapwatch.leak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

class StandardNormalTest {

    private static final MathContext DIGITS = new MathContext(120);

    private static final BigDecimal PI = new BigDecimal(
            "3.14159265358979323846264338327950288419716939937510582097494459230781640628620899862803482534211706798214808651");

    /** 1 - erf(x) from erf's Maclaurin series, summed in 120 digits, which leave ample digits after cancellation. */
    private static double referenceErfc(double x) {
        BigDecimal bx = new BigDecimal(x);
        BigDecimal square = bx.multiply(bx, DIGITS);
        BigDecimal power = bx; // (-1)^n x^(2n+1) / n!
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal smallest = BigDecimal.ONE.movePointLeft(110);
        for (int n = 0; ; n++) {
            BigDecimal term = power.divide(BigDecimal.valueOf(2L * n + 1), DIGITS);
            sum = sum.add(term, DIGITS);
            if (n > 0 && term.abs().compareTo(smallest) < 0) {
                break;
            }
            power = power.multiply(square, DIGITS).divide(BigDecimal.valueOf(-(n + 1L)), DIGITS);
        }
        BigDecimal erf = sum.multiply(BigDecimal.valueOf(2)).divide(PI.sqrt(DIGITS), DIGITS);
        return BigDecimal.ONE.subtract(erf, DIGITS).doubleValue();
    }

    @Test
    void erfcKeepsItsRelativePrecisionAgainstAHighPrecisionSeries() {
        for (int i = -300; i <= 800; i++) {
            double x = i / 100.0 + 0.003; // off the grid, so both expansions and their hand-over are covered
            double expected = referenceErfc(x);
            assertThat(StandardNormal.erfc(x)).as("erfc(%s)", x).isCloseTo(expected, within(2e-14 * expected));
        }
    }

    @Test
    void erfcAtTheHandOverAgreesFromBothSides() {
        double limit = StandardNormal.SERIES_LIMIT;
        double below = StandardNormal.erfc(Math.nextDown(limit));
        double at = StandardNormal.erfc(limit);
        assertThat(at).isCloseTo(referenceErfc(limit), within(2e-14 * at));
        assertThat(below).isCloseTo(at, within(2e-14 * at));
    }

    @Test
    void tailProbabilitiesMatchTabulatedValues() {
        // P(Z > z): 1.959963984540054 and 3.090232306167814 are the 97.5% and 99.9% quantiles.
        assertThat(StandardNormal.upperTail(1.959963984540054)).isCloseTo(0.025, within(5e-16));
        assertThat(StandardNormal.upperTail(3.090232306167814)).isCloseTo(0.001, within(2e-17));
        assertThat(StandardNormal.upperTail(5.0)).isCloseTo(2.8665157187919391e-7, within(1e-20));
        assertThat(StandardNormal.upperTail(10.0)).isCloseTo(7.6198530241605261e-24, within(1e-36));
        assertThat(StandardNormal.upperTail(20.0)).isCloseTo(2.7536241186062337e-89, within(1e-101));
        assertThat(StandardNormal.cdf(-2.326347874040841)).isCloseTo(0.01, within(2e-16));
        assertThat(StandardNormal.cdf(0.0)).isEqualTo(0.5);
    }

    @Test
    void edgesAreExact() {
        assertThat(StandardNormal.erfc(0.0)).isEqualTo(1.0);
        assertThat(StandardNormal.erfc(Double.POSITIVE_INFINITY)).isEqualTo(0.0);
        assertThat(StandardNormal.erfc(Double.NEGATIVE_INFINITY)).isEqualTo(2.0);
        assertThat(StandardNormal.erfc(30.0)).isEqualTo(0.0);
        assertThat(StandardNormal.erfc(Double.NaN)).isNaN();
        assertThat(StandardNormal.upperTail(Double.NaN)).isNaN();
        assertThat(StandardNormal.cdf(Double.NaN)).isNaN();
        assertThat(StandardNormal.cdf(40.0)).isEqualTo(1.0);
        assertThat(StandardNormal.upperTail(-40.0)).isEqualTo(1.0);
    }
}
