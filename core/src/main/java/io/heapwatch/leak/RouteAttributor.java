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
 * estimate is the bytes per request the route would retain if it alone caused the growth: the least-squares slope
 * of the floors on its cumulative count.
 *
 * <p>Working on levels rather than on the increments between floors keeps the floors' noise from being counted
 * twice, and a noise burst that lifts one floor moves one row instead of two. The floor is sampled by the first
 * collection after a request, so the traffic is not shifted: the signal includes the survivor spaces, where a
 * retained object shows at once.
 *
 * <p>Attribution is refused, rather than guessed, when there are too few floors with observed traffic, when no
 * route's rate varies, when the routes' deviations are too alike to separate (the condition number of their
 * column-scaled matrix), or when the best route's partial correlation is no better than chance over the effective
 * number of floors.
 */
public final class RouteAttributor {

    private static final int MIN_FLOORS = 5;

    /** Rows kept beyond the columns: the intercept, the trend and one degree of freedom. */
    private static final int SPARE_ROWS = 3;

    private final double maxConditionNumber;
    private final double alpha;
    private final int topRoutes;
    private final int minFloors;

    /** Creates an attributor with the attribution settings of {@code settings}. */
    public RouteAttributor(LeakDetectionSettings settings) {
        this.maxConditionNumber = settings.maxConditionNumber();
        this.alpha = settings.attributionAlpha();
        this.topRoutes = settings.topRoutes();
        this.minFloors = minFloors(settings.subWindows());
    }

    /**
     * The floors with observed traffic needed before routes are ranked: two thirds of the sub-windows, at least 5
     * (10 of the default 15). With fewer, the harness's leaking route was often ranked behind a route whose
     * traffic happened to vary like the floor's noise.
     */
    static int minFloors(int subWindows) {
        return Math.max(MIN_FLOORS, (2 * subWindows + 2) / 3);
    }

    /** Ranks the routes of {@code traffic} by how well their traffic explains the growth of {@code floors}. */
    public Attribution attribute(List<Floor> floors, TrafficCounts traffic) {
        int first = floors.size() - 1;
        while (first > 0
                && traffic.coveredBetween(
                        floors.get(first - 1).epochMillis(), floors.get(first).epochMillis())) {
            first--;
        }
        int rows = floors.size() - first;
        if (rows < minFloors) {
            return Attribution.refused(
                    "only " + rows + " floors with observed traffic between them, need " + minFloors);
        }
        long origin = floors.get(first).epochMillis();
        double[] level = new double[rows];
        double[] time = new double[rows];
        for (int k = 0; k < rows; k++) {
            Floor floor = floors.get(first + k);
            level[k] = floor.liveBytes();
            time[k] = (floor.epochMillis() - origin) / 1000.0;
        }
        center(level);
        center(time);
        if (dot(time, time) == 0.0) {
            return Attribution.refused("the floors carry no time span");
        }
        double[] levelDeviation = detrend(level, time);
        List<Column> varying = new ArrayList<>();
        for (Column column : columns(floors, first, rows, traffic)) {
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
        double condition = separation(varying, Math.min(topRoutes, rows - SPARE_ROWS), rows);
        if (!(condition <= maxConditionNumber)) {
            return new Attribution(
                    false,
                    format(
                            "traffic mix varies too little to separate routes (condition number %.3g > %.3g)",
                            condition, maxConditionNumber),
                    List.of(),
                    condition,
                    Double.NaN);
        }
        double best = varying.get(0).correlation;
        double fit = best > 0 ? best * best : 0.0;
        if (!(best > 0)) {
            return new Attribution(
                    false,
                    "no route's traffic follows the floor's deviations from its trend",
                    List.of(),
                    condition,
                    fit);
        }
        double effectiveRows = effectiveRows(rows, varying.get(0).deviation, levelDeviation);
        double pValue = chance(best, effectiveRows, varying.size());
        if (!(pValue < alpha)) {
            return new Attribution(
                    false,
                    format(
                            "route traffic follows the floor no better than chance (best partial R^2 %.2f, p=%.3g over "
                                    + "%d routes and %.1f effective floors >= %.3g)",
                            fit, pValue, varying.size(), effectiveRows, alpha),
                    List.of(),
                    condition,
                    fit);
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
                        "ranked %d routes by the partial correlation of their traffic with %d floors (best partial "
                                + "R^2 %.2f, p=%.3g with %.1f effective floors, condition number %.3g)",
                        varying.size(), rows, fit, pValue, effectiveRows, condition),
                suspects,
                condition,
                fit);
    }

    /**
     * The number of independent rows that {@code rows} autocorrelated rows are worth when two series are
     * correlated: {@code rows (1 - r1 r2) / (1 + r1 r2)} with {@code r1}, {@code r2} their lag-one
     * autocorrelations (Bartlett's approximation for two AR(1) series), at least 4. Cumulative counts and floors
     * that wander are strongly autocorrelated, and two such series correlate by chance far more often than
     * independent rows would; without this, a route polled on a fixed schedule, whose cumulative count only
     * jitters around the trend, was ranked first by chance.
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
     * {@code rows} effective floors: Fisher's z with {@code rows - 4} degrees of freedom (intercept, trend and the
     * route), one-sided, Bonferroni-corrected.
     */
    static double chance(double r, double rows, int routes) {
        double clamped = Math.min(r, 1 - 1e-12);
        double z = 0.5 * Math.log((1 + clamped) / (1 - clamped)) * Math.sqrt(Math.max(1.0, rows - 4));
        return Math.min(1.0, StandardNormal.upperTail(z) * routes);
    }

    /** Each route's cumulative requests from the first used floor to each floor. */
    private static List<Column> columns(List<Floor> floors, int first, int rows, TrafficCounts traffic) {
        long origin = floors.get(first).epochMillis();
        List<Column> all = new ArrayList<>();
        List<RouteKey> routes = traffic.routes();
        for (int r = 0; r < routes.size(); r++) {
            double[] cumulative = new double[rows];
            for (int k = 1; k < rows; k++) {
                cumulative[k] =
                        traffic.countBetween(r, origin, floors.get(first + k).epochMillis());
            }
            if (cumulative[rows - 1] > 0) {
                all.add(new Column(routes.get(r), cumulative));
            }
        }
        return all;
    }

    /**
     * The condition estimate of the unit-scaled deviations of the {@code limit} best-ranked routes: large when
     * the leading suspects' traffic rises and falls together, so that the floor cannot tell them apart.
     */
    private static double separation(List<Column> ranked, int limit, int rows) {
        int n = Math.min(ranked.size(), limit);
        if (n < 2) {
            return 1.0;
        }
        double[][] design = new double[rows][n];
        for (int j = 0; j < n; j++) {
            Column column = ranked.get(j);
            for (int k = 0; k < rows; k++) {
                design[k][j] = column.deviation[k] / column.deviationNorm;
            }
        }
        return HouseholderQr.of(design, n).conditionEstimate();
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
