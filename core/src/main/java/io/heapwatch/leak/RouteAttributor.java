package io.heapwatch.leak;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Attributes the growth of the live heap's floor to routes: each increment between consecutive floors is fitted,
 * by non-negative least squares, as a sum over routes of (requests between the two floors) &times; (bytes
 * retained per request).
 *
 * <p>A retained object shows in the signal only at the first collection after its request, and on a collector
 * without survivor spaces (generational ZGC) only once it is promoted, so increments can trail the traffic that
 * caused them. The fit is therefore repeated with the traffic shifted 0, 0.5, 1, &hellip; {@code subWindows / 2}
 * sub-windows earlier than the increments, and the lag with the best adjusted R&sup2; is kept. The refusal rules
 * below apply to that fit.
 *
 * <p>The fit is refused, rather than guessed, when there are too few increments, when the column-scaled traffic
 * matrix is ill-conditioned (the routes' traffic moves in proportion, so their effects cannot be separated), or
 * when traffic explains too little of the variation of the increments.
 */
public final class RouteAttributor {

    private static final int MIN_ROWS = 4;
    private static final int SPARE_ROWS = 2;

    private final double maxConditionNumber;
    private final double minFit;
    private final int topRoutes;
    private final int maxLag;
    private final long subWindowMillis;

    /** Creates an attributor with the attribution settings of {@code settings}. */
    public RouteAttributor(LeakDetectionSettings settings) {
        this.maxConditionNumber = settings.maxConditionNumber();
        this.minFit = settings.minAttributionFit();
        this.topRoutes = settings.topRoutes();
        this.maxLag = maxLag(settings.subWindows());
        this.subWindowMillis = settings.subWindow().toMillis();
    }

    /**
     * The largest lag, in sub-windows, tried between traffic and floor growth: {@code subWindows / 2}.
     */
    static int maxLag(int subWindows) {
        return subWindows / 2;
    }

    /** Attributes the growth between consecutive {@code floors} to the routes of {@code traffic}. */
    public Attribution attribute(List<Floor> floors, TrafficCounts traffic) {
        Fit best = null;
        Attribution firstRefusal = null;
        for (int halves = 0; halves <= 2 * maxLag; halves++) {
            Object outcome = fit(floors, traffic, halves / 2.0, halves * subWindowMillis / 2);
            if (outcome instanceof Fit fit) {
                if (best == null || fit.adjustedFit > best.adjustedFit) {
                    best = fit;
                }
            } else if (firstRefusal == null) {
                firstRefusal = (Attribution) outcome;
            }
        }
        if (best == null) {
            return firstRefusal;
        }
        if (!(best.fit >= minFit)) {
            return new Attribution(
                    false,
                    String.format(
                            Locale.ROOT,
                            "route traffic explains too little of the floor growth (R^2 %.2f < %.2f at the best lag, %.1f "
                                    + "sub-windows)",
                            best.fit,
                            minFit,
                            best.lag),
                    List.of(),
                    best.condition,
                    best.fit);
        }
        List<RouteSuspect> suspects = new ArrayList<>();
        for (int j = 0; j < best.columns.size(); j++) {
            double perRequest = best.scaled[j] / best.columns.get(j).norm;
            if (perRequest > 0) {
                suspects.add(new RouteSuspect(best.columns.get(j).route, perRequest, best.columns.get(j).total));
            }
        }
        if (suspects.isEmpty()) {
            return new Attribution(
                    false, "no route's traffic explains the floor growth", List.of(), best.condition, best.fit);
        }
        suspects.sort(Comparator.comparingDouble(RouteSuspect::retainedBytesPerRequest)
                .reversed());
        List<RouteSuspect> top = suspects.subList(0, Math.min(topRoutes, suspects.size()));
        return new Attribution(
                true,
                String.format(
                        Locale.ROOT,
                        "fitted %d floor increments over %d routes with traffic %.1f sub-windows earlier (condition number "
                                + "%.3g, R^2 %.2f)",
                        best.rows,
                        best.columns.size(),
                        best.lag,
                        best.condition,
                        best.fit),
                top,
                best.condition,
                best.fit);
    }

    /**
     * Fits the increments between consecutive floors against the traffic {@code lagMillis} earlier; returns a
     * {@link Fit}, or an {@link Attribution} refusal.
     */
    private Object fit(List<Floor> floors, TrafficCounts traffic, double lag, long lagMillis) {
        List<long[]> spans = new ArrayList<>();
        List<Double> incrementList = new ArrayList<>();
        for (int i = 1; i < floors.size(); i++) {
            Floor from = floors.get(i - 1);
            Floor to = floors.get(i);
            long fromMillis = from.epochMillis() - lagMillis;
            long toMillis = to.epochMillis() - lagMillis;
            if (traffic.coveredBetween(fromMillis, toMillis)) {
                spans.add(new long[] {fromMillis, toMillis});
                incrementList.add((double) (to.liveBytes() - from.liveBytes()));
            }
        }
        int rows = spans.size();
        if (rows < MIN_ROWS) {
            return Attribution.refused("only " + rows + " floor increments with observed traffic, need " + MIN_ROWS);
        }
        List<Column> columns = columns(spans, traffic, rows - SPARE_ROWS);
        if (columns.isEmpty()) {
            return Attribution.refused("no route traffic during the window");
        }
        int n = columns.size();
        double[][] design = new double[rows][n];
        double[] increments = new double[rows];
        for (int i = 0; i < rows; i++) {
            increments[i] = incrementList.get(i);
            for (int j = 0; j < n; j++) {
                design[i][j] = columns.get(j).requests[i] / columns.get(j).norm;
            }
        }
        double condition = HouseholderQr.of(design, n).conditionEstimate();
        if (!(condition <= maxConditionNumber)) {
            return new Attribution(
                    false,
                    String.format(
                            Locale.ROOT,
                            "traffic mix varies too little to separate routes (condition number %.3g > %.3g)",
                            condition,
                            maxConditionNumber),
                    List.of(),
                    condition,
                    Double.NaN);
        }
        double[] scaled = NonNegativeLeastSquares.solve(design, increments);
        double fit = coefficientOfDetermination(design, scaled, increments);
        double adjusted = rows - n - 1 > 0 ? 1.0 - (1.0 - fit) * (rows - 1) / (rows - n - 1) : fit;
        return new Fit(lag, rows, columns, scaled, condition, fit, adjusted);
    }

    private record Fit(
            double lag,
            int rows,
            List<Column> columns,
            double[] scaled,
            double condition,
            double fit,
            double adjustedFit) {}

    private static List<Column> columns(List<long[]> spans, TrafficCounts traffic, int maxColumns) {
        List<Column> all = new ArrayList<>();
        List<RouteKey> routes = traffic.routes();
        for (int r = 0; r < routes.size(); r++) {
            double[] requests = new double[spans.size()];
            for (int i = 0; i < spans.size(); i++) {
                requests[i] = traffic.countBetween(r, spans.get(i)[0], spans.get(i)[1]);
            }
            Column column = new Column(routes.get(r), requests);
            if (column.norm > 0) {
                all.add(column);
            }
        }
        if (all.size() <= maxColumns) {
            return all;
        }
        all.sort(Comparator.comparingDouble((Column c) -> c.total).reversed());
        List<Column> kept = new ArrayList<>();
        double[] pooled = new double[spans.size()];
        for (Column column : all) {
            if (kept.size() < maxColumns - 1 && !column.route.equals(RouteKey.OTHER)) {
                kept.add(column);
            } else {
                for (int i = 0; i < pooled.length; i++) {
                    pooled[i] += column.requests[i];
                }
            }
        }
        kept.add(new Column(RouteKey.OTHER, pooled));
        return kept;
    }

    private static double coefficientOfDetermination(double[][] a, double[] x, double[] b) {
        double mean = 0.0;
        for (double v : b) {
            mean += v;
        }
        mean /= b.length;
        double residual = 0.0;
        double total = 0.0;
        for (int i = 0; i < b.length; i++) {
            double fitted = 0.0;
            for (int j = 0; j < x.length; j++) {
                fitted += a[i][j] * x[j];
            }
            residual += (b[i] - fitted) * (b[i] - fitted);
            total += (b[i] - mean) * (b[i] - mean);
        }
        if (total == 0.0) {
            return residual == 0.0 ? 1.0 : 0.0;
        }
        return 1.0 - residual / total;
    }

    private static final class Column {
        final RouteKey route;
        final double[] requests;
        final double total;
        final double norm;

        Column(RouteKey route, double[] requests) {
            this.route = route;
            this.requests = requests;
            double sum = 0.0;
            double squares = 0.0;
            for (double v : requests) {
                sum += v;
                squares += v * v;
            }
            this.total = sum;
            this.norm = Math.sqrt(squares);
        }
    }
}
