package io.heapwatch.leak;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Ranks the routes whose traffic the growth of the retained heap's floor follows.
 *
 * <p>A leaking route leaves a fixed number of bytes per request, so the floor rises with the route's
 * <em>cumulative</em> request count: faster while the route is busy, slower while it is quiet. Every route's
 * cumulative count also rises with time, so what tells routes apart is how each one deviates from a steady rate.
 * The attributor removes the straight-line trend over time from the floors and from each route's cumulative count,
 * and ranks the routes by the correlation of what is left (the partial correlation given time). Each suspect's
 * estimate is the bytes per request the route would retain if it alone caused the growth.
 *
 * <p>Attribution is refused, rather than guessed, when the floors are too few for the test below to have a degree
 * of freedom, when no route's rate varies, when the best route's partial correlation is no better than chance over
 * the effective number of floors (Bonferroni over the routes), or when it is not significantly better than the
 * runner-up's (Steiger's test of two dependent correlations, which accounts for how alike the two routes' traffic
 * is: routes whose traffic moves together cannot be told apart, and the attribution says so). There is no fixed
 * minimum number of floors: attribution starts as soon as these tests pass.
 */
final class RouteAttributor {

    /** Rows needed: the intercept, the trend, two routes and one degree of freedom. */
    private static final int MIN_ROWS = 5;

    private final double alpha;
    private final int topRoutes;

    RouteAttributor(LeakDetectionSettings settings) {
        this.alpha = settings.attributionAlpha();
        this.topRoutes = settings.topRoutes();
    }

    /** Ranks the routes of {@code traffic} by how well their traffic explains the growth of the floors. */
    Attribution attribute(long[] millis, long[] bytes, int n, TrafficCounts traffic) {
        int first = n - 1;
        while (first > 0 && traffic.coveredBetween(millis[first - 1], millis[first])) {
            first--;
        }
        int rows = n - first;
        if (rows < MIN_ROWS) {
            return Attribution.refused("only " + rows + " floors with observed traffic between them, need " + MIN_ROWS);
        }
        long origin = millis[first];
        double[] level = new double[rows];
        double[] time = new double[rows];
        for (int k = 0; k < rows; k++) {
            level[k] = bytes[first + k];
            time[k] = (millis[first + k] - origin) / 1000.0;
        }
        center(level);
        center(time);
        if (dot(time, time) == 0.0) {
            return Attribution.refused("the floors carry no time span");
        }
        double[] levelDeviation = detrend(level, time);
        List<Column> varying = new ArrayList<>();
        for (Column column : columns(millis, first, rows, traffic)) {
            center(column.cumulative);
            double[] deviation = detrend(column.cumulative, time);
            double norm = Math.sqrt(dot(deviation, deviation));
            // a route at a perfectly steady rate is the trend itself: it cannot be told from growth over time
            if (norm > 1e-9 * Math.sqrt(dot(column.cumulative, column.cumulative))) {
                column.deviation = deviation;
                column.deviationNorm = norm;
                varying.add(column);
            }
        }
        if (varying.isEmpty()) {
            return Attribution.refused("no route's request rate varies, so none can be told from growth over time");
        }
        double levelNorm = Math.sqrt(dot(levelDeviation, levelDeviation));
        for (Column column : varying) {
            column.correlation =
                    levelNorm > 0 ? dot(column.deviation, levelDeviation) / (column.deviationNorm * levelNorm) : 0.0;
        }
        varying.sort(Comparator.comparingDouble((Column c) -> c.correlation).reversed());
        Column best = varying.get(0);
        if (!(best.correlation > 0)) {
            return Attribution.refused("no route's traffic follows the floor's deviations from its trend");
        }
        double effectiveRows = effectiveRows(rows, best.deviation, levelDeviation);
        double pValue = chance(best.correlation, effectiveRows, varying.size());
        if (!(pValue < alpha)) {
            return Attribution.refused(format(
                    "route traffic follows the floor no better than chance (best partial r %.2f, p=%.3g over %d routes"
                            + " and %.1f effective floors >= %.3g)",
                    best.correlation, pValue, varying.size(), effectiveRows, alpha));
        }
        if (varying.size() > 1) {
            Column second = varying.get(1);
            double between = dot(best.deviation, second.deviation) / (best.deviationNorm * second.deviationNorm);
            double z = Statistics.steigerZ(best.correlation, second.correlation, between, effectiveRows);
            double runnerUpP = StandardNormal.upperTail(z);
            if (!(runnerUpP < alpha)) {
                return Attribution.refused(format(
                        "ambiguous: %s %s (partial r %.2f) is not significantly ahead of %s %s (%.2f; their traffic"
                                + " correlates %.2f; Steiger p=%.3g >= %.3g)",
                        best.route.method(),
                        best.route.uri(),
                        best.correlation,
                        second.route.method(),
                        second.route.uri(),
                        second.correlation,
                        between,
                        runnerUpP,
                        alpha));
            }
        }
        List<RouteSuspect> suspects = new ArrayList<>();
        for (Column column : varying) {
            double perRequest = dot(column.cumulative, level) / dot(column.cumulative, column.cumulative);
            if (column.correlation > 0 && perRequest > 0 && suspects.size() < topRoutes) {
                suspects.add(new RouteSuspect(column.route, perRequest, column.total, column.correlation));
            }
        }
        return new Attribution(
                true,
                format(
                        "ranked %d routes by the partial correlation of their traffic with %d floors (best r %.2f, "
                                + "p=%.3g with %.1f effective floors, ahead of the runner-up)",
                        varying.size(), rows, best.correlation, pValue, effectiveRows),
                suspects);
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
        double z = Statistics.fisherZ(r) * Math.sqrt(Math.max(1.0, rows - 4));
        return Math.min(1.0, StandardNormal.upperTail(z) * routes);
    }

    /** Each route's cumulative requests from the first used floor to each floor. */
    private static List<Column> columns(long[] millis, int first, int rows, TrafficCounts traffic) {
        long origin = millis[first];
        List<Column> all = new ArrayList<>();
        List<RouteKey> routes = traffic.routes();
        for (int r = 0; r < routes.size(); r++) {
            double[] cumulative = new double[rows];
            for (int k = 1; k < rows; k++) {
                cumulative[k] = traffic.countBetween(r, origin, millis[first + k]);
            }
            if (cumulative[rows - 1] > 0) {
                all.add(new Column(routes.get(r), cumulative));
            }
        }
        return all;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0.0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static void center(double[] v) {
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
    private static double[] detrend(double[] v, double[] time) {
        double slope = dot(v, time) / dot(time, time);
        double[] residual = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            residual[i] = v[i] - slope * time[i];
        }
        return residual;
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }

    private static final class Column {
        final RouteKey route;
        final double[] cumulative;
        final double total;
        double[] deviation = new double[0];
        double deviationNorm;
        double correlation;

        Column(RouteKey route, double[] cumulative) {
            this.route = route;
            this.cumulative = cumulative;
            this.total = cumulative[cumulative.length - 1];
        }
    }
}
