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
        Statistics.center(level);
        Statistics.center(time);
        if (Statistics.dot(time, time) == 0.0) {
            return Attribution.refused("the floors carry no time span");
        }
        double[] levelDeviation = Statistics.detrend(level, time);
        List<Column> varying = new ArrayList<>();
        for (Column column : columns(millis, first, rows, traffic)) {
            Statistics.center(column.cumulative);
            double[] deviation = Statistics.detrend(column.cumulative, time);
            double norm = Math.sqrt(Statistics.dot(deviation, deviation));
            // a route at a perfectly steady rate is the trend itself: it cannot be told from growth over time
            if (norm > 1e-9 * Math.sqrt(Statistics.dot(column.cumulative, column.cumulative))) {
                column.deviation = deviation;
                column.deviationNorm = norm;
                varying.add(column);
            }
        }
        if (varying.isEmpty()) {
            return Attribution.refused("no route's request rate varies, so none can be told from growth over time");
        }
        double levelNorm = Math.sqrt(Statistics.dot(levelDeviation, levelDeviation));
        for (Column column : varying) {
            column.correlation = levelNorm > 0
                    ? Statistics.dot(column.deviation, levelDeviation) / (column.deviationNorm * levelNorm)
                    : 0.0;
        }
        varying.sort(Comparator.comparingDouble((Column c) -> c.correlation).reversed());
        Column best = varying.get(0);
        if (!(best.correlation > 0)) {
            return Attribution.refused("no route's traffic follows the floor's deviations from its trend");
        }
        double effectiveRows = Statistics.effectiveRows(rows, best.deviation, levelDeviation);
        double pValue = Statistics.chance(best.correlation, effectiveRows, varying.size());
        if (!(pValue < alpha)) {
            return Attribution.refused(format(
                    "route traffic follows the floor no better than chance (best partial r %.2f, p=%.3g over %d routes"
                            + " and %.1f effective floors >= %.3g)",
                    best.correlation, pValue, varying.size(), effectiveRows, alpha));
        }
        if (varying.size() > 1) {
            Column second = varying.get(1);
            double between =
                    Statistics.dot(best.deviation, second.deviation) / (best.deviationNorm * second.deviationNorm);
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
            double perRequest =
                    Statistics.dot(column.cumulative, level) / Statistics.dot(column.cumulative, column.cumulative);
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
