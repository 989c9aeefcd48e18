package io.heapwatch.leak;

import java.util.Arrays;

/**
 * The Mann&ndash;Kendall trend test of a series observed in time order.
 *
 * <p>S counts concordant minus discordant pairs. Its variance under the no-trend hypothesis is
 * {@code [n(n-1)(2n+5) - sum over tie groups t(t-1)(2t+5)] / 18}. Z applies a continuity correction of one
 * ({@code (S-1)/sd} for S &gt; 0, {@code (S+1)/sd} for S &lt; 0, 0 otherwise) and p-values use the normal
 * approximation, which is reasonable from about 8 to 10 points and conservative enough below for the
 * significance levels heapwatch uses.
 *
 * @param s the S statistic
 * @param variance the tie-corrected variance of S under the null hypothesis
 * @param z the continuity-corrected standard score of S ({@code 0} when the variance is zero)
 */
public record MannKendall(long s, double variance, double z) {

    /** Runs the test on {@code series}, taken to be in time order. */
    public static MannKendall test(double[] series) {
        int n = series.length;
        long s = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                s += series[j] > series[i] ? 1 : series[j] < series[i] ? -1 : 0;
            }
        }
        double variance = (n * (n - 1.0) * (2.0 * n + 5.0) - tieCorrection(series)) / 18.0;
        double z;
        if (variance <= 0.0 || s == 0) {
            z = 0.0;
        } else {
            double sd = Math.sqrt(variance);
            z = s > 0 ? (s - 1) / sd : (s + 1) / sd;
        }
        return new MannKendall(s, variance, z);
    }

    private static double tieCorrection(double[] series) {
        double[] sorted = series.clone();
        Arrays.sort(sorted);
        double correction = 0.0;
        int i = 0;
        while (i < sorted.length) {
            int j = i;
            while (j + 1 < sorted.length && sorted[j + 1] == sorted[i]) {
                j++;
            }
            double t = j - i + 1;
            if (t > 1) {
                correction += t * (t - 1) * (2 * t + 5);
            }
            i = j + 1;
        }
        return correction;
    }

    /** One-sided p-value against the alternative of an increasing trend. */
    public double pValueIncreasing() {
        return StandardNormal.upperTail(z);
    }

    /** One-sided p-value against the alternative of a decreasing trend. */
    public double pValueDecreasing() {
        return StandardNormal.cdf(z);
    }

    /** Two-sided p-value against the alternative of any monotonic trend. */
    public double pValueTwoSided() {
        return Math.min(1.0, 2.0 * StandardNormal.upperTail(Math.abs(z)));
    }
}
