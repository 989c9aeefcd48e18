package io.heapwatch.leak;

import org.jspecify.annotations.Nullable;

/**
 * The statistics of leak detection, in one place: a least-squares trend with a one-sided confidence bound on its
 * slope (Student's t), a streaming least-squares fit, a quantile regression line, quantiles of the normal and t
 * distributions, and attribution's tests: a route's correlation against chance (Fisher's z over Bartlett's effective
 * number of floors) and against the runner-up's. The standard normal's tail is in {@link StandardNormal}.
 *
 * <p>Written from the textbook definitions: the t distribution function for integer degrees of freedom in its
 * closed trigonometric form (Abramowitz and Stegun, 26.7.3 and 26.7.4), inverted by bisection, and Steiger's (1980)
 * test of two dependent correlations that share one variable.
 */
final class Statistics {

    private Statistics() {}

    /**
     * A least-squares line through {@code (x, y)}.
     *
     * @param slope the slope
     * @param standardError the standard error of the slope, {@code NaN} with fewer than three points
     * @param points the number of points
     * @param xSpan the largest x minus the smallest
     * @param fittedLast the line's value at the last x
     */
    record Trend(double slope, double standardError, int points, double xSpan, double fittedLast) {

        /** The slope's one-sided lower confidence bound at level {@code 1 - alpha}; {@code NaN} with too few points. */
        double lowerBound(double alpha) {
            if (points < 3 || !Double.isFinite(standardError)) {
                return Double.NaN;
            }
            return slope - tQuantile(1 - alpha, points - 2) * standardError;
        }

        /** The slope's one-sided upper confidence bound at level {@code 1 - alpha}; {@code NaN} with too few points. */
        double upperBound(double alpha) {
            if (points < 3 || !Double.isFinite(standardError)) {
                return Double.NaN;
            }
            return slope + tQuantile(1 - alpha, points - 2) * standardError;
        }
    }

    /**
     * A least-squares line fitted one point at a time in constant memory, with Welford's updates of the means and
     * co-moments (numerically stable for byte counts near 1e9).
     */
    static final class RunningTrend {
        private int n;
        private double firstX;
        private double lastX;
        private double meanX;
        private double meanY;
        private double cxx;
        private double cxy;
        private double cyy;

        void add(double x, double y) {
            if (n == 0) {
                firstX = x;
            }
            n++;
            double dx = x - meanX;
            double dy = y - meanY;
            meanX += dx / n;
            meanY += dy / n;
            cxx += dx * (x - meanX);
            cxy += dx * (y - meanY);
            cyy += dy * (y - meanY);
            lastX = x;
        }

        void clear() {
            n = 0;
            meanX = 0;
            meanY = 0;
            cxx = 0;
            cxy = 0;
            cyy = 0;
        }

        int points() {
            return n;
        }

        /** The line so far, as {@link #trend} would fit it. */
        Trend trend() {
            if (n < 2 || cxx == 0) {
                return new Trend(Double.NaN, Double.NaN, n, 0, Double.NaN);
            }
            double slope = cxy / cxx;
            double sse = Math.max(0, cyy - cxy * cxy / cxx);
            double se = n > 2 ? Math.sqrt(sse / (n - 2) / cxx) : Double.NaN;
            return new Trend(slope, se, n, lastX - firstX, meanY + slope * (lastX - meanX));
        }
    }

    /** Fits a least-squares line; {@code x} must not be constant. */
    static Trend trend(double[] x, double[] y, int n) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < n; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
        }
        if (n < 2 || sxx == 0) {
            return new Trend(Double.NaN, Double.NaN, n, 0, Double.NaN);
        }
        double slope = sxy / sxx;
        double intercept = my - slope * mx;
        double sse = 0;
        for (int i = 0; i < n; i++) {
            double r = y[i] - (intercept + slope * x[i]);
            sse += r * r;
        }
        double se = n > 2 ? Math.sqrt(sse / (n - 2) / sxx) : Double.NaN;
        return new Trend(slope, se, n, x[n - 1] - x[0], intercept + slope * x[n - 1]);
    }

    /** A line {@code y = intercept + slope x}. */
    record Line(double slope, double intercept) {

        double at(double x) {
            return intercept + slope * x;
        }
    }

    /**
     * The {@code tau} quantile regression line through {@code (x, y)} (Koenker and Bassett, 1978): the line that
     * minimises the sum of {@code tau r} over the points above it and {@code (1 - tau) |r|} over those below, for
     * residuals {@code r}. A minimising line passes through two of the points, so every line through two points with
     * distinct {@code x} is tried: exact, and {@code O(n^3)}, so callers bound {@code n}. Null when fewer
     * than two distinct {@code x}.
     */
    static @Nullable Line quantileLine(double[] x, double[] y, int n, double tau) {
        @Nullable Line best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (x[j] == x[i]) {
                    continue;
                }
                double slope = (y[j] - y[i]) / (x[j] - x[i]);
                double intercept = y[i] - slope * x[i];
                double loss = 0;
                for (int k = 0; k < n && loss < bestLoss; k++) {
                    double r = y[k] - intercept - slope * x[k];
                    loss += r >= 0 ? tau * r : (tau - 1) * r;
                }
                if (loss < bestLoss) {
                    bestLoss = loss;
                    best = new Line(slope, intercept);
                }
            }
        }
        return best;
    }

    /** The {@code p} quantile of the standard normal distribution, {@code 0 < p < 1}. */
    static double normalQuantile(double p) {
        double lo = -40;
        double hi = 40;
        for (int i = 0; i < 200 && hi - lo > 1e-12; i++) {
            double mid = (lo + hi) / 2;
            if (StandardNormal.cdf(mid) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /** The {@code p} quantile ({@code p >= 0.5}) of Student's t distribution with {@code df >= 1} degrees of freedom. */
    static double tQuantile(double p, int df) {
        double lo = 0;
        double hi = 1;
        while (tCdf(hi, df) < p) {
            hi *= 2;
            if (hi > 1e12) {
                return hi;
            }
        }
        for (int i = 0; i < 200 && hi - lo > 1e-10 * hi; i++) {
            double mid = (lo + hi) / 2;
            if (tCdf(mid, df) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /** P(T &lt;= t) for Student's t with {@code df} degrees of freedom, exact for integer {@code df}. */
    static double tCdf(double t, int df) {
        double theta = Math.atan(Math.abs(t) / Math.sqrt(df));
        double s = Math.sin(theta);
        double c2 = Math.cos(theta) * Math.cos(theta);
        double central;
        if (df % 2 == 1) {
            double sum = 0;
            if (df > 1) {
                double term = Math.cos(theta);
                sum = term;
                for (int k = 3; k <= df - 2; k += 2) {
                    term *= c2 * (k - 1) / k;
                    sum += term;
                }
            }
            central = 2 / Math.PI * (theta + s * sum);
        } else {
            double term = 1;
            double sum = 1;
            for (int k = 2; k <= df - 2; k += 2) {
                term *= c2 * (k - 1) / k;
                sum += term;
            }
            central = s * sum;
        }
        central = Math.min(1, Math.max(0, central));
        return t >= 0 ? 0.5 + central / 2 : 0.5 - central / 2;
    }

    /**
     * Steiger's z for whether variable 1 correlates with y more than variable 2 does, when both correlations are
     * measured on the same {@code n} rows: {@code (z1 - z2) sqrt(n - 3) / sqrt(2 - 2 s)}, with Fisher's {@code z}
     * and {@code s} the covariance term of the two correlations given {@code r12}.
     */
    static double steigerZ(double r1y, double r2y, double r12, double n) {
        double mean = (r1y + r2y) / 2;
        double m2 = mean * mean;
        double s = (r12 * (1 - 2 * m2) - 0.5 * m2 * (1 - 2 * m2 - r12 * r12)) / ((1 - m2) * (1 - m2));
        double denominator = Math.sqrt(Math.max(1e-12, 2 - 2 * s));
        return (fisherZ(r1y) - fisherZ(r2y)) * Math.sqrt(Math.max(0, n - 3)) / denominator;
    }

    static double fisherZ(double r) {
        double clamped = Math.max(-1 + 1e-12, Math.min(1 - 1e-12, r));
        return 0.5 * Math.log((1 + clamped) / (1 - clamped));
    }

    /**
     * The number of independent rows that {@code rows} autocorrelated rows are worth when two series are
     * correlated: {@code rows (1 - r1 r2) / (1 + r1 r2)} with {@code r1}, {@code r2} their lag-one
     * autocorrelations (Bartlett's approximation for two AR(1) series), at least 4.
     */
    static double effectiveRows(int rows, double[] a, double[] b) {
        double product = lagOneAutocorrelation(a) * lagOneAutocorrelation(b);
        if (!(product > 0)) {
            return rows;
        }
        return Math.max(4.0, rows * (1 - product) / (1 + product));
    }

    private static double lagOneAutocorrelation(double[] v) {
        double num = 0.0;
        for (int i = 1; i < v.length; i++) {
            num += v[i] * v[i - 1];
        }
        double den = dot(v, v);
        return den > 0 ? num / den : 0.0;
    }

    /**
     * The chance that the best of {@code routes} unrelated routes reaches partial correlation {@code r} over
     * {@code rows} effective floors: Fisher's z with {@code rows - 4} degrees of freedom, one-sided,
     * Bonferroni-corrected.
     */
    static double chance(double r, double rows, int routes) {
        double z = fisherZ(r) * Math.sqrt(Math.max(1.0, rows - 4));
        return Math.min(1.0, StandardNormal.upperTail(z) * routes);
    }

    /** The dot product of {@code a} and {@code b}. */
    static double dot(double[] a, double[] b) {
        double sum = 0.0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    /** Subtracts the mean of {@code v} from each of its values. */
    static void center(double[] v) {
        double mean = 0.0;
        for (double x : v) {
            mean += x;
        }
        mean /= v.length;
        for (int i = 0; i < v.length; i++) {
            v[i] -= mean;
        }
    }

    /** The residual of centred {@code v} after its least-squares fit on centred {@code time}. */
    static double[] detrend(double[] v, double[] time) {
        double slope = dot(v, time) / dot(time, time);
        double[] residual = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            residual[i] = v[i] - slope * time[i];
        }
        return residual;
    }
}
