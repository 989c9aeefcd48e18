package io.heapwatch.leak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NonNegativeLeastSquaresTest {

    @Test
    void recoversAnExactNonNegativeSolution() {
        double[][] a = {{1, 0}, {0, 1}, {1, 1}};
        double[] x = NonNegativeLeastSquares.solve(a, new double[] {1, 2, 3});
        assertThat(x[0]).isCloseTo(1.0, within(1e-12));
        assertThat(x[1]).isCloseTo(2.0, within(1e-12));
    }

    @Test
    void clampsAComponentWhoseUnconstrainedValueIsNegative() {
        // unconstrained least squares gives x = (-1, 2); the constrained optimum is (0, 2)
        double[] x = NonNegativeLeastSquares.solve(new double[][] {{1, 0}, {0, 1}}, new double[] {-1, 2});
        assertThat(x).containsExactly(new double[] {0.0, 2.0}, within(1e-12));
    }

    @Test
    void knownTextbookProblem() {
        // min ||A x - b||, x >= 0 with A = [[1, 2], [3, 4], [5, 6]], b = [1, 1, 1]; the unconstrained solution
        // (-1, 1) is infeasible, the constrained one uses column 2 only: x2 = (2 + 4 + 6) / (4 + 16 + 36)
        double[] x = NonNegativeLeastSquares.solve(new double[][] {{1, 2}, {3, 4}, {5, 6}}, new double[] {1, 1, 1});
        assertThat(x[0]).isCloseTo(0.0, within(1e-12));
        assertThat(x[1]).isCloseTo(12.0 / 56.0, within(1e-12));
    }

    @Test
    void agreesWithExhaustiveActiveSetSearchOnRandomProblems() {
        Random random = new Random(42);
        for (int trial = 0; trial < 300; trial++) {
            int m = 4 + random.nextInt(8);
            int n = 1 + random.nextInt(Math.min(5, m));
            double[][] a = new double[m][n];
            double[] b = new double[m];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    a[i][j] = random.nextGaussian();
                }
                b[i] = random.nextGaussian();
            }
            double[] x = NonNegativeLeastSquares.solve(a, b);
            for (double v : x) {
                assertThat(v).isGreaterThanOrEqualTo(0.0);
            }
            assertThat(residual(a, x, b)).isCloseTo(bruteForceResidual(a, b), within(1e-9));
        }
    }

    private static double bruteForceResidual(double[][] a, double[] b) {
        int n = a[0].length;
        double best = residual(a, new double[n], b);
        for (int mask = 1; mask < (1 << n); mask++) {
            int k = Integer.bitCount(mask);
            double[][] sub = new double[a.length][k];
            for (int i = 0; i < a.length; i++) {
                int c = 0;
                for (int j = 0; j < n; j++) {
                    if ((mask & (1 << j)) != 0) {
                        sub[i][c++] = a[i][j];
                    }
                }
            }
            double[] s = HouseholderQr.of(sub, k).solve(b);
            double[] x = new double[n];
            boolean feasible = true;
            int c = 0;
            for (int j = 0; j < n; j++) {
                if ((mask & (1 << j)) != 0) {
                    x[j] = s[c++];
                    feasible &= x[j] >= 0;
                }
            }
            if (feasible) {
                best = Math.min(best, residual(a, x, b));
            }
        }
        return best;
    }

    private static double residual(double[][] a, double[] x, double[] b) {
        double sum = 0.0;
        for (int i = 0; i < a.length; i++) {
            double r = b[i];
            for (int j = 0; j < x.length; j++) {
                r -= a[i][j] * x[j];
            }
            sum += r * r;
        }
        return sum;
    }
}
