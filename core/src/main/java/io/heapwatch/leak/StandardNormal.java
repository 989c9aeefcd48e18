package io.heapwatch.leak;

/**
 * The standard normal distribution, for p-values of approximately normal test statistics.
 *
 * <p>Uses the Chebyshev-fitted complementary error function of Numerical Recipes ({@code erfcc}), whose
 * fractional error is below 1.2e-7 everywhere, which is ample for significance levels down to 1e-6.
 */
public final class StandardNormal {

    private StandardNormal() {}

    /** Returns P(Z &lt;= z). */
    public static double cdf(double z) {
        if (Double.isNaN(z)) {
            return Double.NaN;
        }
        return 0.5 * erfc(-z / Math.sqrt(2.0));
    }

    /** Returns P(Z &gt; z), computed directly so that small tail probabilities keep their precision. */
    public static double upperTail(double z) {
        if (Double.isNaN(z)) {
            return Double.NaN;
        }
        return 0.5 * erfc(z / Math.sqrt(2.0));
    }

    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double poly = -z * z
                - 1.26551223
                + t
                        * (1.00002368
                                + t
                                        * (0.37409196
                                                + t
                                                        * (0.09678418
                                                                + t
                                                                        * (-0.18628806
                                                                                + t
                                                                                        * (0.27886807
                                                                                                + t
                                                                                                        * (-1.13520398
                                                                                                                + t
                                                                                                                        * (1.48851587
                                                                                                                                + t
                                                                                                                                        * (-0.82215223
                                                                                                                                                + t
                                                                                                                                                        * 0.17087277))))))));
        double ans = t * Math.exp(poly);
        return x >= 0 ? ans : 2.0 - ans;
    }
}
