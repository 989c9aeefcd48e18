package io.heapwatch.leak;

import java.util.Arrays;

/**
 * The Theil&ndash;Sen estimator: the median of the slopes of all pairs of points with distinct x.
 *
 * <p>Robust to up to about 29% outliers, unlike least squares. O(n&sup2;) time and memory, intended for the few
 * dozen floors of a leak window.
 */
public final class TheilSen {

    private TheilSen() {}

    /**
     * Returns the median pairwise slope of {@code (x[i], y[i])}, or {@code NaN} when fewer than two points have
     * distinct x.
     */
    public static double slope(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("x and y differ in length: " + x.length + " vs " + y.length);
        }
        int n = x.length;
        double[] slopes = new double[n * (n - 1) / 2];
        int count = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double dx = x[j] - x[i];
                if (dx != 0.0) {
                    slopes[count++] = (y[j] - y[i]) / dx;
                }
            }
        }
        if (count == 0) {
            return Double.NaN;
        }
        return median(Arrays.copyOf(slopes, count));
    }

    /** Returns the median of {@code values} (sorting it in place), or {@code NaN} when empty. */
    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(values);
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2.0;
    }
}
