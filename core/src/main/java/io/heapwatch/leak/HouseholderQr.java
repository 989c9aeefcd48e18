package io.heapwatch.leak;

/**
 * Householder QR decomposition of a small dense matrix with at least as many rows as columns, used to estimate how
 * well conditioned a design matrix is.
 */
final class HouseholderQr {

    private final double[] rDiagonal;
    private final int rows;
    private final int columns;

    private HouseholderQr(double[][] qr, double[] rDiagonal) {
        this.rDiagonal = rDiagonal;
        this.rows = qr.length;
        this.columns = rDiagonal.length;
    }

    /** Decomposes {@code a}, given as {@code a[row][column]}; {@code a} is not modified. */
    static HouseholderQr of(double[][] a, int columns) {
        int m = a.length;
        if (m < columns) {
            throw new IllegalArgumentException("need at least as many rows as columns: " + m + " < " + columns);
        }
        double[][] qr = new double[m][];
        for (int i = 0; i < m; i++) {
            qr[i] = a[i].clone();
        }
        double[] rDiagonal = new double[columns];
        for (int k = 0; k < columns; k++) {
            double norm = 0.0;
            for (int i = k; i < m; i++) {
                norm = Math.hypot(norm, qr[i][k]);
            }
            if (norm != 0.0) {
                if (qr[k][k] < 0) {
                    norm = -norm;
                }
                for (int i = k; i < m; i++) {
                    qr[i][k] /= norm;
                }
                qr[k][k] += 1.0;
                for (int j = k + 1; j < columns; j++) {
                    double s = 0.0;
                    for (int i = k; i < m; i++) {
                        s += qr[i][k] * qr[i][j];
                    }
                    s = -s / qr[k][k];
                    for (int i = k; i < m; i++) {
                        qr[i][j] += s * qr[i][k];
                    }
                }
            }
            rDiagonal[k] = -norm;
        }
        return new HouseholderQr(qr, rDiagonal);
    }

    /**
     * Returns {@code max|R_kk| / min|R_kk|}, a lower bound of the 2-norm condition number that grows without
     * limit as columns become linearly dependent; {@code +Inf} for an exactly rank-deficient matrix.
     */
    double conditionEstimate() {
        double max = 0.0;
        double min = Double.POSITIVE_INFINITY;
        for (double r : rDiagonal) {
            max = Math.max(max, Math.abs(r));
            min = Math.min(min, Math.abs(r));
        }
        if (columns == 0) {
            return 1.0;
        }
        return min <= negligiblePivot() ? Double.POSITIVE_INFINITY : max / min;
    }

    private double negligiblePivot() {
        double max = 0.0;
        for (double r : rDiagonal) {
            max = Math.max(max, Math.abs(r));
        }
        return Math.max(rows, columns) * Math.ulp(1.0) * max * 16;
    }
}
