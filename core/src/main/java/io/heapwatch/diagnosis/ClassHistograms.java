package io.heapwatch.diagnosis;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import javax.management.ObjectName;
import org.jspecify.annotations.Nullable;

/**
 * Takes class histograms for the diagnoses, at most one per {@code minIntervalMillis}, and keeps three: the
 * baseline, the next baseline and the latest. Growth is the latest minus the baseline; both follow a full collection, so the difference is the
 * retained growth per class. The baseline is the first histogram (taken when diagnoses start). The first histogram
 * taken at least one leak window after the baseline is kept as the next baseline, and replaces it once the baseline
 * is older than two windows and the candidate at least one: from the first window on, the growth spans at least one
 * window, and two when histograms are taken often.
 *
 * <p>A fault (no {@code DiagnosticCommand} MBean, an output that does not parse) never propagates: the result says
 * {@code failed} with the reason, and the attempt counts for the rate limit.
 */
final class ClassHistograms {

    /** The text of one histogram. */
    @FunctionalInterface
    interface Source {
        String histogram() throws Exception;
    }

    /** What one attempt produced. */
    record Result(
            String status,
            String detail,
            @Nullable ClassHistogram latest,
            @Nullable ClassHistogram baseline,
            List<ClassHistogram.Growth> growth,
            long pauseMillis,
            long gcMillis) {}

    static final String MBEAN = "com.sun.management:type=DiagnosticCommand";

    private final Source source;
    private final long minIntervalMillis;
    private final long windowMillis;
    private final int maxClasses;
    private @Nullable ClassHistogram baseline;
    private @Nullable ClassHistogram latest;
    private @Nullable ClassHistogram candidate;
    private long lastAttemptMillis;
    private boolean attempted;
    private long lastPauseMillis = -1;
    private long lastGcMillis = -1;

    ClassHistograms(Source source, long minIntervalMillis, long windowMillis, int maxClasses) {
        this.source = source;
        this.minIntervalMillis = minIntervalMillis;
        this.windowMillis = windowMillis;
        this.maxClasses = maxClasses;
    }

    /** The platform MBean's {@code gcClassHistogram} operation: a full collection, then the class table. */
    static String fromPlatformMBean() throws Exception {
        Object text = ManagementFactory.getPlatformMBeanServer()
                .invoke(new ObjectName(MBEAN), "gcClassHistogram", new Object[] {new String[0]}, new String[] {
                    String[].class.getName()
                });
        if (!(text instanceof String)) {
            throw new IllegalStateException("gcClassHistogram returned " + text);
        }
        return (String) text;
    }

    /**
     * Takes a histogram unless one was attempted within the interval (then the kept ones answer), and returns the
     * growth since the baseline.
     */
    synchronized Result take(long nowMillis) {
        if (attempted && nowMillis - lastAttemptMillis < minIntervalMillis) {
            ClassHistogram l = latest;
            String detail;
            if (l == null) {
                detail = "no histogram yet: the last attempt failed and the rate limit holds the next back";
            } else if (l == baseline) {
                detail = "only the baseline so far, taken " + (nowMillis - l.takenAtMillis()) / 1000
                        + " s ago: growth is shown from the next histogram (one per rate-limit interval)";
            } else {
                detail = "the histogram taken " + (nowMillis - l.takenAtMillis()) / 1000
                        + " s ago is reused (one histogram per rate-limit interval)";
            }
            return result(l == null ? "failed" : "on", detail);
        }
        attempted = true;
        lastAttemptMillis = nowMillis;
        long gc0 = collectionMillis();
        long t0 = System.nanoTime();
        ClassHistogram h;
        try {
            String text = source.histogram();
            lastPauseMillis = (System.nanoTime() - t0) / 1_000_000;
            long gc1 = collectionMillis();
            lastGcMillis = gc0 < 0 || gc1 < 0 ? -1 : gc1 - gc0;
            h = ClassHistogram.parse(text, nowMillis, maxClasses);
        } catch (Exception | LinkageError | OutOfMemoryError e) {
            lastPauseMillis = (System.nanoTime() - t0) / 1_000_000;
            lastGcMillis = -1;
            return result("failed", "the class histogram failed: " + e);
        }
        ClassHistogram base = baseline;
        latest = h;
        if (base == null) {
            baseline = h;
            return result("on", "baseline taken now: growth is shown from the next histogram");
        }
        ClassHistogram next = candidate;
        if (next != null
                && nowMillis - base.takenAtMillis() > 2 * windowMillis
                && nowMillis - next.takenAtMillis() >= windowMillis) {
            base = next;
            next = null;
        }
        if (next == null && h.takenAtMillis() - base.takenAtMillis() >= windowMillis) {
            next = h;
        }
        candidate = next;
        baseline = base;
        return result("on", "gcClassHistogram after a full collection, growth since the baseline");
    }

    private Result result(String status, String detail) {
        ClassHistogram l = latest;
        ClassHistogram b = baseline;
        List<ClassHistogram.Growth> growth = l == null || b == null || l == b ? List.of() : l.growthSince(b);
        return new Result(status, detail, l, b, growth, lastPauseMillis, lastGcMillis);
    }

    /** The summed collection time of all collectors, -1 when a collector does not report it. */
    private static long collectionMillis() {
        long sum = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            long t = gc.getCollectionTime();
            if (t < 0) {
                return -1;
            }
            sum += t;
        }
        return sum;
    }
}
