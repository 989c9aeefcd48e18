package io.heapwatch.leak;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the retained heap after each GC, on every horizon from minutes to days, and publishes the verdict as
 * gauges.
 *
 * <p>The GC-notification listener calls {@link #onLiveHeap(long, long, long, boolean)}, which only updates the
 * floors of three horizons (by default 30 minutes, 6 hours and 3 days, 15 floors each) in constant memory. Analysis
 * runs on a single daemon thread named {@code heapwatch-leak-analyzer}, started by the first {@link #bindTo} or by
 * {@link #start()}, every {@link LeakDetectionSettings#evaluationInterval()}, aligned just after floor boundaries.
 * A detector made by {@link #manual} has no thread; its owner calls {@link #evaluate()}.
 *
 * <p>The verdict has three states ({@link LeakAssessment.State}): no evidence; a rise of the floors of all
 * collections that no collection reclaiming long-lived space confirms (its time to exhaustion is a lower bound); a
 * rise of the live-set points themselves. Gauges, all tagged with the constructor's tags (the {@code container}
 * tag):
 * <ul>
 *   <li>{@code heapwatch.leak.state} with tag {@code state} = {@code none}, {@code unconfirmed}, {@code confirmed}:
 *       1 for the current state, 0 for the others;</li>
 *   <li>{@code heapwatch.leak.suspected}: 1 when a leak is confirmed, else 0;</li>
 *   <li>{@code heapwatch.live.heap.growth.bytes.per.second} and
 *       {@code heapwatch.live.heap.growth.lower.bound.bytes.per.second}: the growth rate of the floors behind the
 *       verdict and its lower confidence bound, NaN until a horizon has three floors;</li>
 *   <li>{@code heapwatch.leak.time.to.exhaustion.seconds}: +Inf with no evidence, a lower bound when
 *       unconfirmed;</li>
 *   <li>{@code heapwatch.live.set.bytes}: the latest live-set point, -1 until a collection reclaimed long-lived
 *       space;</li>
 *   <li>{@code heapwatch.leak.route.retained.bytes.per.request} and {@code heapwatch.leak.route.correlation} with
 *       tags {@code uri} and {@code method}, for the current suspects only; a route that drops out has its gauges
 *       removed.</li>
 * </ul>
 * {@link #close()} stops the thread and removes every gauge from every registry it was bound to.
 */
public final class LeakDetector implements MeterBinder, AutoCloseable {

    static final String SUSPECTED = "heapwatch.leak.suspected";
    static final String STATE = "heapwatch.leak.state";
    static final String LIVE_SET = "heapwatch.live.set.bytes";
    static final String GROWTH = "heapwatch.live.heap.growth.bytes.per.second";
    static final String GROWTH_LOWER_BOUND = "heapwatch.live.heap.growth.lower.bound.bytes.per.second";
    static final String TIME_TO_EXHAUSTION = "heapwatch.leak.time.to.exhaustion.seconds";
    static final String ROUTE_RETAINED = "heapwatch.leak.route.retained.bytes.per.request";
    static final String ROUTE_CORRELATION = "heapwatch.leak.route.correlation";
    static final String THREAD_NAME = "heapwatch-leak-analyzer";

    private static final Logger LOG = LoggerFactory.getLogger(LeakDetector.class);

    private final LeakDetectionSettings settings;
    private final Tags tags;
    private final RouteTraffic traffic;
    private final Clock clock;
    private final boolean scheduled;
    private final FloorLevels levels;
    private final RouteTrafficWindow[] trafficWindows;
    private final LeakAnalyzer analyzer;
    private final List<MeterRegistry> registries = new ArrayList<>();
    private final List<Meter> globalMeters = new ArrayList<>();
    private final Map<RouteKey, RouteGauge> routeGauges = new HashMap<>();
    private volatile LeakAssessment assessment;
    private volatile boolean closed;
    private @Nullable ScheduledExecutorService executor;
    private boolean failureLogged;
    private @Nullable RouteKey loggedTopSuspect;

    /**
     * Creates a detector using the system clock and its own analyzer thread.
     *
     * @param settings the detection settings
     * @param tags the tags of every meter, normally {@code container=<CONTAINER_NAME>}
     * @param traffic the cumulative per-route request counts, or {@link RouteTraffic#NONE}
     */
    public LeakDetector(LeakDetectionSettings settings, Iterable<Tag> tags, RouteTraffic traffic) {
        this(settings, tags, traffic, Clock.systemUTC(), true);
    }

    private LeakDetector(
            LeakDetectionSettings settings, Iterable<Tag> tags, RouteTraffic traffic, Clock clock, boolean scheduled) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
        this.traffic = Objects.requireNonNull(traffic, "traffic");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scheduled = scheduled;
        this.levels = new FloorLevels(settings.subWindow().toMillis(), settings.subWindows());
        this.trafficWindows = new RouteTrafficWindow[levels.levels()];
        for (int level = 0; level < trafficWindows.length; level++) {
            trafficWindows[level] = new RouteTrafficWindow(
                    levels.bucketMillis(level), settings.subWindows(), settings.maxTrackedRoutes());
        }
        this.analyzer = new LeakAnalyzer(settings);
        this.assessment = LeakAssessment.initial(settings.window());
    }

    /**
     * Creates a detector without a thread, reading time from {@code clock}; its owner calls {@link #evaluate()}
     * (tests, simulations, or a host that schedules its own work).
     */
    public static LeakDetector manual(
            LeakDetectionSettings settings, Iterable<Tag> tags, RouteTraffic traffic, Clock clock) {
        return new LeakDetector(settings, tags, traffic, clock, false);
    }

    /**
     * Records the retained heap (old generation plus survivors) after a GC that is not known to have reclaimed
     * long-lived space. Cheap and thread-safe: meant for the GC-notification thread.
     *
     * @param epochMillis when the GC ended
     * @param liveBytes the used bytes after the GC
     * @param maxBytes their maximum, or -1 when undefined
     */
    public void onLiveHeap(long epochMillis, long liveBytes, long maxBytes) {
        onLiveHeap(epochMillis, liveBytes, maxBytes, false);
    }

    /**
     * Records the retained heap after a GC, saying whether the collection reclaimed long-lived space (then the
     * sample is a point of the live set).
     */
    public void onLiveHeap(long epochMillis, long liveBytes, long maxBytes, boolean reclaimedLongLived) {
        onLiveHeap(epochMillis, liveBytes, maxBytes, reclaimedLongLived, false);
    }

    /**
     * Records the retained heap after a GC, saying whether the collection reclaimed long-lived space and whether it
     * was requested (a requested collection is a point of the live set, but says nothing of the collector's own
     * sawtooth).
     */
    public void onLiveHeap(
            long epochMillis, long liveBytes, long maxBytes, boolean reclaimedLongLived, boolean requested) {
        if (!closed && liveBytes >= 0) {
            levels.record(epochMillis, liveBytes, maxBytes, reclaimedLongLived, requested);
        }
    }

    /** The latest assessment. */
    public LeakAssessment assessment() {
        return assessment;
    }

    /** Starts the analyzer thread unless already started, closed, or made by {@link #manual}. */
    public synchronized void start() {
        if (!scheduled || closed || executor != null) {
            return;
        }
        ScheduledExecutorService service = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, THREAD_NAME);
            thread.setDaemon(true);
            return thread;
        });
        long sub = levels.bucketMillis(0);
        long now = clock.millis();
        long initialDelay = sub - Math.floorMod(now, sub) + Math.max(1, sub / 100);
        service.scheduleAtFixedRate(
                this::evaluateSafely,
                initialDelay,
                settings.evaluationInterval().toMillis(),
                TimeUnit.MILLISECONDS);
        executor = service;
    }

    /**
     * Snapshots the route traffic, analyses the window, updates the gauges and logs a changed verdict or leading suspect route. Called by
     * the analyzer thread; callable directly, never from the request path.
     */
    public synchronized LeakAssessment evaluate() {
        if (closed) {
            return assessment;
        }
        long now = clock.millis();
        TrafficCounts[] counts = new TrafficCounts[trafficWindows.length];
        for (int level = 0; level < trafficWindows.length; level++) {
            trafficWindows[level].sample(now, traffic);
            counts[level] = trafficWindows[level].counts(now);
        }
        LeakAssessment previous = assessment;
        LeakAssessment current = analyzer.assess(levels, now, counts);
        assessment = current;
        updateRouteGauges(current);
        logChange(previous, current);
        return current;
    }

    private void evaluateSafely() {
        try {
            evaluate();
        } catch (RuntimeException e) {
            if (!failureLogged) {
                failureLogged = true;
                LOG.warn("heapwatch leak analysis failed; will keep trying", e);
            }
        }
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        if (closed || registries.contains(registry)) {
            return;
        }
        registries.add(registry);
        for (LeakAssessment.State state : LeakAssessment.State.values()) {
            globalMeters.add(Gauge.builder(STATE, this, d -> d.assessment.state() == state ? 1.0 : 0.0)
                    .tags(tags.and("state", state.label()))
                    .description("1 for the current leak verdict (none, unconfirmed: after-GC floors rise but no"
                            + " collection that reclaimed long-lived space confirms it, confirmed: the live set"
                            + " rises), 0 for the others")
                    .register(registry));
        }
        globalMeters.add(Gauge.builder(SUSPECTED, this, d -> d.assessment.suspected() ? 1.0 : 0.0)
                .tags(tags)
                .description("1 when a leak is confirmed: the live set after collections that reclaimed long-lived"
                        + " space rises toward the maximum heap, else 0")
                .register(registry));
        globalMeters.add(Gauge.builder(GROWTH, this, d -> d.assessment.growthBytesPerSecond())
                .tags(tags)
                .description("Least-squares growth rate of the after-GC floors behind the verdict, bytes per second")
                .register(registry));
        globalMeters.add(Gauge.builder(GROWTH_LOWER_BOUND, this, d -> d.assessment.growthLowerBound())
                .tags(tags)
                .description("Lower confidence bound of that growth rate, bytes per second")
                .register(registry));
        globalMeters.add(Gauge.builder(TIME_TO_EXHAUSTION, this, d -> d.assessment.secondsToExhaustion())
                .tags(tags)
                .description("Seconds until the floor reaches the maximum heap; +Inf with no evidence, a lower bound"
                        + " while unconfirmed")
                .register(registry));
        globalMeters.add(Gauge.builder(LIVE_SET, this, d -> d.assessment.liveSetBytes())
                .tags(tags)
                .baseUnit("bytes")
                .description("Latest live-set point: the retained heap after the latest collection that reclaimed"
                        + " long-lived space; -1 before one")
                .register(registry));
        for (Map.Entry<RouteKey, RouteGauge> entry : routeGauges.entrySet()) {
            entry.getValue().meters.addAll(registerRoute(registry, entry.getKey(), entry.getValue()));
        }
        start();
    }

    private void updateRouteGauges(LeakAssessment current) {
        Map<RouteKey, RouteSuspect> top = new HashMap<>();
        if (current.state() != LeakAssessment.State.NO_EVIDENCE && current.routesAttributed()) {
            for (RouteSuspect suspect : current.suspects()) {
                top.put(suspect.route(), suspect);
            }
        }
        Set<RouteKey> stale = new HashSet<>(routeGauges.keySet());
        stale.removeAll(top.keySet());
        for (RouteKey route : stale) {
            RouteGauge gauge = routeGauges.remove(route);
            if (gauge == null) {
                continue;
            }
            for (MeterRegistry registry : registries) {
                for (Meter meter : gauge.meters) {
                    registry.remove(meter);
                }
            }
        }
        for (Map.Entry<RouteKey, RouteSuspect> entry : top.entrySet()) {
            RouteGauge gauge = routeGauges.get(entry.getKey());
            if (gauge == null) {
                gauge = new RouteGauge();
                routeGauges.put(entry.getKey(), gauge);
                for (MeterRegistry registry : registries) {
                    gauge.meters.addAll(registerRoute(registry, entry.getKey(), gauge));
                }
            }
            gauge.value = entry.getValue().retainedBytesPerRequest();
            gauge.correlation = entry.getValue().correlation();
        }
    }

    private List<Meter> registerRoute(MeterRegistry registry, RouteKey route, RouteGauge gauge) {
        Tags routeTags = tags.and("uri", route.uri(), "method", route.method());
        Meter retained = Gauge.builder(ROUTE_RETAINED, gauge, g -> g.value)
                .tags(routeTags)
                .description("Bytes each request on the route would leave on the retained heap if it alone caused the "
                        + "growth (top suspects)")
                .strongReference(true)
                .register(registry);
        Meter correlation = Gauge.builder(ROUTE_CORRELATION, gauge, g -> g.correlation)
                .tags(routeTags)
                .description("Partial correlation, given time, of the retained heap's floors with the route's "
                        + "cumulative requests; suspects are ranked by it")
                .strongReference(true)
                .register(registry);
        return List.of(retained, correlation);
    }

    private void logChange(LeakAssessment previous, LeakAssessment current) {
        RouteKey top = topSuspect(current);
        if (current.state() != previous.state()) {
            loggedTopSuspect = top;
            if (current.state() == LeakAssessment.State.NO_EVIDENCE) {
                LOG.info(
                        "heapwatch: leak verdict {} -> none {}: {}",
                        previous.state().label(),
                        tags,
                        current.reason());
            } else {
                LOG.warn(
                        "heapwatch: {} {}: {}; routes: {}",
                        current.suspected() ? "memory leak confirmed" : "after-GC floor rising, leak not confirmed",
                        tags,
                        current.reason(),
                        describe(current));
            }
        } else if (current.state() != LeakAssessment.State.NO_EVIDENCE
                && top != null
                && !top.equals(loggedTopSuspect)) {
            loggedTopSuspect = top;
            LOG.warn("heapwatch: memory leak suspect routes {}: {}", tags, describe(current));
        }
    }

    private static @Nullable RouteKey topSuspect(LeakAssessment assessment) {
        if (assessment.state() == LeakAssessment.State.NO_EVIDENCE
                || !assessment.routesAttributed()
                || assessment.suspects().isEmpty()) {
            return null;
        }
        return assessment.suspects().get(0).route();
    }

    private static String describe(LeakAssessment assessment) {
        if (!assessment.routesAttributed()) {
            return "not attributable (" + assessment.routeReason() + ")";
        }
        return assessment.suspects().stream()
                        .map(s -> s.route().method() + " " + s.route().uri() + " ~"
                                + format("%.0f", s.retainedBytesPerRequest()) + " B/request (partial correlation "
                                + format("%.2f", s.correlation()) + ")")
                        .collect(Collectors.joining(", "))
                + "; " + assessment.routeReason();
    }

    private static String format(String pattern, double value) {
        return String.format(Locale.ROOT, pattern, value);
    }

    /** Stops the analyzer thread and removes this detector's meters from every registry. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
        for (MeterRegistry registry : registries) {
            for (Meter meter : globalMeters) {
                registry.remove(meter);
            }
            for (RouteGauge gauge : routeGauges.values()) {
                for (Meter meter : gauge.meters) {
                    registry.remove(meter);
                }
            }
        }
        globalMeters.clear();
        routeGauges.clear();
        registries.clear();
    }

    /** Whether the analyzer thread is running. */
    synchronized boolean running() {
        return executor != null && !executor.isShutdown();
    }

    FloorLevels levels() {
        return levels;
    }

    private static final class RouteGauge {
        final List<Meter> meters = new ArrayList<>();
        volatile double value;
        volatile double correlation;
    }
}
