package io.heapwatch.leak;

/**
 * Non-negative least squares, {@code min ||A x - b|| subject to x >= 0}, by the Lawson&ndash;Hanson active set
 * method. Meant for small dense problems (a few dozen rows and columns).
 */
public final class NonNegativeLeastSquares {

    private NonNegativeLeastSquares() {}

    /**
     * Solves the problem for {@code a} given as {@code a[row][column]} (every row the same length) and {@code b}
     * with one entry per row.
     *
     * @return the non-negative solution, one entry per column
     */
    public static double[] solve(double[][] a, double[] b) {
        int m = a.length;
        if (b.length != m) {
            throw new IllegalArgumentException("b has " + b.length + " entries for " + m + " rows");
        }
        int n = m == 0 ? 0 : a[0].length;
        double[] x = new double[n];
        if (n == 0) {
            return x;
        }
        boolean[] passive = new boolean[n];
        double tolerance = 10 * Math.ulp(1.0) * normOne(a, n) * Math.max(m, n);
        int maxIterations = 3 * n + 10;
        double[] w = gradient(a, b, x);
        for (int iteration = 0; iteration < maxIterations; iteration++) {
            int entering = -1;
            double best = tolerance;
            for (int j = 0; j < n; j++) {
                if (!passive[j] && w[j] > best) {
                    best = w[j];
                    entering = j;
                }
            }
            if (entering < 0 || passiveCount(passive) >= m) {
                break;
            }
            passive[entering] = true;
            while (true) {
                double[] z = solvePassive(a, b, passive);
                double alpha = Double.POSITIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    if (passive[j] && z[j] <= 0.0) {
                        double step = x[j] - z[j];
                        alpha = Math.min(alpha, step > 0.0 ? x[j] / step : 0.0);
                    }
                }
                if (alpha == Double.POSITIVE_INFINITY) {
                    System.arraycopy(z, 0, x, 0, n);
                    break;
                }
                for (int j = 0; j < n; j++) {
                    x[j] += alpha * (z[j] - x[j]);
                    if (passive[j] && x[j] <= tolerance) {
                        passive[j] = false;
                        x[j] = 0.0;
                    }
                }
            }
            w = gradient(a, b, x);
        }
        return x;
    }

    private static double[] solvePassive(double[][] a, double[] b, boolean[] passive) {
        int n = passive.length;
        int k = 0;
        int[] index = new int[n];
        for (int j = 0; j < n; j++) {
            if (passive[j]) {
                index[k++] = j;
            }
        }
        double[] z = new double[n];
        double[][] sub = new double[a.length][k];
        for (int i = 0; i < a.length; i++) {
            for (int c = 0; c < k; c++) {
                sub[i][c] = a[i][index[c]];
            }
        }
        double[] solution = HouseholderQr.of(sub, k).solve(b);
        for (int c = 0; c < k; c++) {
            z[index[c]] = solution[c];
        }
        return z;
    }

    private static int passiveCount(boolean[] passive) {
        int count = 0;
        for (boolean p : passive) {
            if (p) {
                count++;
            }
        }
        return count;
    }

    private static double[] gradient(double[][] a, double[] b, double[] x) {
        int n = x.length;
        double[] w = new double[n];
        for (int i = 0; i < a.length; i++) {
            double residual = b[i];
            for (int j = 0; j < n; j++) {
                residual -= a[i][j] * x[j];
            }
            for (int j = 0; j < n; j++) {
                w[j] += a[i][j] * residual;
            }
        }
        return w;
    }

    private static double normOne(double[][] a, int n) {
        double max = 0.0;
        for (int j = 0; j < n; j++) {
            double sum = 0.0;
            for (double[] row : a) {
                sum += Math.abs(row[j]);
            }
            max = Math.max(max, sum);
        }
        return max;
    }
}
