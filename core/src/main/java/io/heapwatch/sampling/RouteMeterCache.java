package io.heapwatch.sampling;

import io.heapwatch.leak.RouteVisitor;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-route, per-method meters, built on first use and cached. A lookup is one {@link ConcurrentHashMap#get} on the
 * route string (whose hash is cached) and one array read; it allocates nothing. At most {@code maxRoutes} distinct
 * routes are kept; further routes share the {@value #OTHER} route, and one warning is logged.
 */
final class RouteMeterCache {

    private static final Logger log = LoggerFactory.getLogger(RouteMeterCache.class);

    /** The route that routes past the cap fold into. */
    static final String OTHER = "OTHER";

    /** The HTTP methods that get their own tag value; any other method is tagged {@code OTHER}. */
    static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "OTHER"};

    private final MeterRegistry registry;
    private final Tags commonTags;
    private final int maxRoutes;
    private final ConcurrentHashMap<String, Route> routes = new ConcurrentHashMap<>();
    private final Route other;
    private volatile boolean capWarned;

    RouteMeterCache(MeterRegistry registry, Tags commonTags, int maxRoutes) {
        this.registry = registry;
        this.commonTags = commonTags;
        this.maxRoutes = maxRoutes;
        this.other = new Route(OTHER);
    }

    /** The meters for a route and method; builds them on first use. */
    RequestMeters get(String route, String method) {
        Route r = routes.get(route);
        if (r == null) {
            r = addRoute(route);
        }
        return r.forMethod(methodIndex(method));
    }

    private Route addRoute(String route) {
        synchronized (routes) {
            Route r = routes.get(route);
            if (r != null) {
                return r;
            }
            if (routes.size() >= maxRoutes) {
                if (!capWarned) {
                    capWarned = true;
                    log.warn(
                            "heapwatch: more than {} distinct routes; further routes are tagged uri=\"{}\"."
                                    + " Raise HEAPWATCH_MAX_ROUTES if these are real routes.",
                            maxRoutes,
                            OTHER);
                }
                return other;
            }
            r = new Route(route);
            routes.put(route, r);
            return r;
        }
    }

    static int methodIndex(String method) {
        switch (method) {
            case "GET":
                return 0;
            case "HEAD":
                return 1;
            case "POST":
                return 2;
            case "PUT":
                return 3;
            case "DELETE":
                return 4;
            case "PATCH":
                return 5;
            case "OPTIONS":
                return 6;
            case "TRACE":
                return 7;
            default:
                return 8;
        }
    }

    /** Number of distinct routes kept, not counting {@value #OTHER}. */
    int routeCount() {
        return routes.size();
    }

    /** Visits the cumulative sampled-request count of every route and method that has meters. */
    void forEach(RouteVisitor visitor) {
        for (Route r : routes.values()) {
            r.visit(visitor);
        }
        other.visit(visitor);
    }

    /** Removes every meter this cache registered. */
    void removeAll() {
        for (Route r : routes.values()) {
            r.remove();
        }
        other.remove();
        routes.clear();
    }

    private final class Route {
        private final String uri;
        private final AtomicReferenceArray<RequestMeters> byMethod = new AtomicReferenceArray<>(METHODS.length);

        Route(String uri) {
            this.uri = uri;
        }

        RequestMeters forMethod(int index) {
            RequestMeters m = byMethod.get(index);
            if (m != null) {
                return m;
            }
            RequestMeters created = new RequestMeters(registry, commonTags, uri, METHODS[index]);
            // Registration is idempotent in Micrometer, so a lost race yields the same meters.
            return byMethod.compareAndSet(index, null, created) ? created : byMethod.get(index);
        }

        void visit(RouteVisitor visitor) {
            for (int i = 0; i < METHODS.length; i++) {
                RequestMeters m = byMethod.get(i);
                if (m != null) {
                    visitor.route(uri, METHODS[i], m.sampled.count());
                }
            }
        }

        void remove() {
            for (int i = 0; i < METHODS.length; i++) {
                RequestMeters m = byMethod.get(i);
                if (m != null) {
                    for (Meter meter : m.meters()) {
                        registry.remove(meter);
                    }
                }
            }
        }
    }
}
