package io.heapwatch.harness;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A load scenario with a known truth.
 *
 * @param name short name used in tables and file names
 * @param description one line for the report
 * @param kind what the detector should say
 * @param routes the request streams
 * @param leakBytesPerSecond the configured retained bytes per second (0 when nothing leaks)
 * @param leakUri the route template of the leaking route, or empty
 * @param fillRoute the label of the route that fills a bounded cache, or empty
 * @param fillRequests the number of requests that fill the cache
 * @param env extra environment for the demo JVM
 */
record Scenario(
        String name,
        String description,
        Kind kind,
        List<RouteLoad> routes,
        double leakBytesPerSecond,
        String leakUri,
        String fillRoute,
        long fillRequests,
        Map<String, String> env) {

    enum Kind {
        /** Nothing is retained: any leak verdict is false. */
        NO_LEAK,
        /** A route retains bytes forever: should be flagged and attributed. */
        LEAK,
        /** A bounded cache fills then plateaus: a verdict after the plateau is false. */
        CACHE_WARM_UP
    }

    static final String LEAK_URI = "/api/leak";
    /** The label of the leaking route's requests. */
    static final String LEAK_LABEL = "leak";

    static final int CACHE_ENTRIES = 2000;
    /** The compression at which the cache fill takes 75 misses/s; at other compressions it keeps its real duration. */
    private static final int FILL_COMPRESSION = 20;

    static final int SMALL_CACHE_KEYS = 64;
    /** MiB of garbage per call of the background garbage route (12 calls/s on average, 60 MiB/s: a young GC every ~2.5 s). */
    static final int BACKGROUND_GARBAGE_MB = 5;

    static List<String> names() {
        return List.of("steady", "leak", "cache-warm-up", "garbage-heavy", "leak-noisy");
    }

    static Scenario named(String name, long seed, int seconds) {
        switch (name) {
            case "steady":
                return steady(seed, seconds);
            case "leak":
                return leak(seed, seconds);
            case "cache-warm-up":
                return cacheWarmUp(seed, seconds);
            case "garbage-heavy":
                return garbageHeavy(seed, seconds);
            case "leak-noisy":
                return leakNoisy(seed, seconds);
            default:
                throw new IllegalArgumentException("unknown scenario '" + name + "', expected one of " + names());
        }
    }

    private static RouteLoad items(double rate, double[] levels, long seed, int seconds) {
        return new RouteLoad("items", Variation.varying(rate, levels, seed, seconds), n -> "/api/items/" + (n % 500));
    }

    private static RouteLoad garbage(int mb, double rate, double[] levels, long seed, int seconds) {
        return new RouteLoad("garbage", Variation.varying(rate, levels, seed, seconds), n -> "/api/garbage?mb=" + mb);
    }

    private static RouteLoad smallCache(double rate, double[] levels, long seed, int seconds) {
        return new RouteLoad(
                "cache",
                Variation.varying(rate, levels, seed, seconds),
                n -> "/api/cache?key=k" + (n % SMALL_CACHE_KEYS));
    }

    private static RouteLoad async(double rate, double[] levels, long seed, int seconds) {
        return new RouteLoad("async", Variation.varying(rate, levels, seed, seconds), n -> "/api/async?ms=5");
    }

    private static RouteLoad leakRoute(double[] levels, long seed, int seconds) {
        return new RouteLoad(
                LEAK_LABEL,
                Variation.varying(Scaling.LEAK_CALLS_PER_SECOND, levels, seed, seconds),
                n -> LEAK_URI + "?kb=" + Scaling.LEAK_KIB_PER_CALL);
    }

    /** Mixed routes, about 60 MiB/s of garbage, nothing retained beyond a 64-entry cache. */
    static Scenario steady(long seed, int seconds) {
        return new Scenario(
                "steady",
                "mixed routes (items 30/s, cache of 64 keys 10/s, garbage 5 MiB × 12/s), no leak",
                Kind.NO_LEAK,
                List.of(
                        items(30, Variation.MILD, seed + 1, seconds),
                        smallCache(10, Variation.MILD, seed + 2, seconds),
                        garbage(BACKGROUND_GARBAGE_MB, 12, Variation.MILD, seed + 3, seconds)),
                0,
                "",
                "",
                0,
                Map.of());
    }

    /** The reference leak: 16 KiB per call at 5.33 calls/s on average, mixed with normal routes. */
    static Scenario leak(long seed, int seconds) {
        return new Scenario(
                "leak",
                String.format(
                        Locale.ROOT,
                        "leak route 16 KiB × %.2f/s = %.0f B/s, plus items 15/s and garbage 5 MiB × 12/s",
                        Scaling.LEAK_CALLS_PER_SECOND,
                        Scaling.LEAK_BYTES_PER_SECOND),
                Kind.LEAK,
                List.of(
                        items(15, Variation.MILD, seed + 1, seconds),
                        garbage(BACKGROUND_GARBAGE_MB, 12, Variation.MILD, seed + 3, seconds),
                        leakRoute(Variation.MILD, seed + 4, seconds)),
                Scaling.LEAK_BYTES_PER_SECOND,
                LEAK_URI,
                "",
                0,
                Map.of());
    }

    /**
     * A bounded LRU of 2,000 × 16 KiB (31.25 MiB, 12% of the heap) filled in about 9 real minutes (at the default 20×
     * compression, 75 misses/s for about 27 s; at 1×, 3.75 misses/s for about 9 minutes), then only hits on the same
     * keys.
     */
    static Scenario cacheWarmUp(long seed, int seconds) {
        double stretch = (double) FILL_COMPRESSION / Scaling.COMPRESSION;
        double fillRate = 75 / stretch;
        double fillUntil = 28 * stretch;
        RouteLoad fill = new RouteLoad(
                "cache-fill",
                t -> t < fillUntil ? fillRate : 20,
                n -> "/api/cache?key=c"
                        + (n < CACHE_ENTRIES ? n : ThreadLocalRandom.current().nextInt(CACHE_ENTRIES)));
        return new Scenario(
                "cache-warm-up",
                String.format(
                        Locale.ROOT,
                        "bounded LRU 2,000 × 16 KiB = 31.25 MiB filled at %.4g/s (~%.0f s), then hits; items 15/s,"
                                + " garbage 5 MiB × 12/s",
                        fillRate,
                        CACHE_ENTRIES / fillRate),
                Kind.CACHE_WARM_UP,
                List.of(
                        items(15, Variation.MILD, seed + 1, seconds),
                        garbage(BACKGROUND_GARBAGE_MB, 12, Variation.MILD, seed + 3, seconds),
                        fill),
                0,
                "",
                "cache-fill",
                CACHE_ENTRIES,
                Map.of("DEMO_CACHE_ENTRIES", Integer.toString(CACHE_ENTRIES)));
    }

    /** About 120 MiB/s of short-lived garbage and nothing retained. */
    static Scenario garbageHeavy(long seed, int seconds) {
        return new Scenario(
                "garbage-heavy",
                "garbage 12 MiB × 10/s = 120 MiB/s, items 10/s, nothing retained",
                Kind.NO_LEAK,
                List.of(
                        items(10, Variation.MILD, seed + 1, seconds),
                        garbage(12, 10, Variation.MILD, seed + 3, seconds)),
                0,
                "",
                "",
                0,
                Map.of());
    }

    /** The reference leak on a route that carries 10% of the requests, every route's rate varying widely. */
    static Scenario leakNoisy(long seed, int seconds) {
        return new Scenario(
                "leak-noisy",
                String.format(
                        Locale.ROOT,
                        "leak route (16 KiB × %.2f/s on average, 10%% of requests) among items 20/s, cache 12/s,"
                                + " garbage 6 MiB × 10/s, async 6/s; every rate varies 0.25–1.75× per sub-window",
                        Scaling.LEAK_CALLS_PER_SECOND),
                Kind.LEAK,
                List.of(
                        items(20, Variation.WIDE, seed + 1, seconds),
                        smallCache(12, Variation.WIDE, seed + 2, seconds),
                        garbage(6, 10, Variation.WIDE, seed + 3, seconds),
                        async(6, Variation.WIDE, seed + 5, seconds),
                        leakRoute(Variation.WIDE, seed + 4, seconds)),
                Scaling.LEAK_BYTES_PER_SECOND,
                LEAK_URI,
                "",
                0,
                Map.of());
    }
}
