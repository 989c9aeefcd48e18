package io.heapwatch.diagnosis;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the leak diagnosis. Immutable.
 *
 * @param evidence whether the {@code jdk.OldObjectSample} recording runs (the evidence that names types and stacks);
 *     without it a diagnosis holds the verdict, the heap history and the route suspects only
 * @param minInterval the least time between two diagnoses (the rate limit); a request for a fresh one within it gets
 *     the latest
 * @param maxAge how old the latest diagnosis may be before a request takes a fresh one
 * @param pollInterval how often the leak verdict is checked, so that a new verdict is diagnosed
 * @param writeInterval how often, with the evidence on, the sampler's current samples are written into the recording
 *     (a dump of the recording to a file deleted at once), so that a diagnosis reads every sample seen alive within
 *     the window, not only those the sampler still holds when it is taken; {@link Duration#ZERO} for none. No
 *     writes run while {@code gcRoots} is on: each dump would search paths to GC roots at a safepoint
 * @param maxRecordingBytes the most bytes the recording may keep on disk
 * @param topTypes how many types a diagnosis lists
 * @param topStacks how many allocation stacks each type lists
 * @param applicationPackages class-name prefixes of application code; when empty, the application frame is the first
 *     frame outside {@link #FRAMEWORK_PACKAGES}
 * @param histogram whether a diagnosis also takes a class histogram ({@code gcClassHistogram} of the
 *     {@code DiagnosticCommand} MBean, a full collection) and ranks types by their retained growth since a baseline
 *     histogram; at most one histogram per {@code minInterval}
 * @param gcRoots whether each dump of the recording also searches paths to GC roots (for at most
 *     {@link #GC_ROOTS_CUTOFF}, at a safepoint) so that each listed type shows the chain that holds it; needs the
 *     evidence
 * @param objectCount whether the evidence recording also records {@code jdk.ObjectCountAfterGC} (the JVM counts the
 *     live instances of each class inside the pauses of the collections that emit it: under G1 the remark of each
 *     concurrent cycle and full collections) so that a diagnosis compares the first and the latest counts it holds;
 *     needs the evidence
 */
public record DiagnosisSettings(
        boolean evidence,
        Duration minInterval,
        Duration maxAge,
        Duration pollInterval,
        Duration writeInterval,
        long maxRecordingBytes,
        int topTypes,
        int topStacks,
        List<String> applicationPackages,
        boolean histogram,
        boolean gcRoots,
        boolean objectCount) {

    /**
     * The longest the JVM searches paths to GC roots per dump (the recording's {@code cutoff}) when {@link #gcRoots}
     * is on; the application is stopped meanwhile.
     */
    public static final Duration GC_ROOTS_CUTOFF = Duration.ofSeconds(1);

    /** The default {@link #writeInterval}. */
    public static final Duration DEFAULT_WRITE_INTERVAL = Duration.ofMinutes(1);

    /** Frames of these packages are never the application frame unless listed in the application packages. */
    public static final List<String> FRAMEWORK_PACKAGES = List.of(
            "java.",
            "javax.",
            "jakarta.",
            "jdk.",
            "sun.",
            "com.sun.",
            "org.eclipse.jetty.",
            "org.apache.catalina.",
            "org.apache.coyote.",
            "org.apache.tomcat.",
            "org.springframework.",
            "io.micrometer.",
            "io.heapwatch.config.",
            "io.heapwatch.diagnosis.",
            "io.heapwatch.endpoint.",
            "io.heapwatch.gc.",
            "io.heapwatch.leak.",
            "io.heapwatch.sampling.",
            "io.heapwatch.servlet.",
            "io.heapwatch.spring.");

    /** Validates. */
    public DiagnosisSettings {
        Objects.requireNonNull(minInterval, "minInterval");
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(writeInterval, "writeInterval");
        applicationPackages = List.copyOf(applicationPackages);
        if (minInterval.isNegative() || maxAge.isNegative() || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("diagnosis intervals must be positive");
        }
        if (writeInterval.isNegative() || (!writeInterval.isZero() && writeInterval.toMillis() < 10)) {
            throw new IllegalArgumentException("writeInterval must be zero or at least 10 ms");
        }
        if (maxRecordingBytes < 1024 * 1024) {
            throw new IllegalArgumentException("maxRecordingBytes must be at least 1 MiB");
        }
        if (topTypes < 1 || topTypes > 100 || topStacks < 1 || topStacks > 20) {
            throw new IllegalArgumentException("topTypes must be in [1, 100] and topStacks in [1, 20]");
        }
    }

    /**
     * Evidence, histogram, paths to GC roots and object counts off, at most one diagnosis every 30 s, fresh after
     * 60 s, the verdict polled every 2 s, the samples written every minute while the evidence is on.
     */
    public static DiagnosisSettings defaults() {
        return new DiagnosisSettings(
                false,
                Duration.ofSeconds(30),
                Duration.ofSeconds(60),
                Duration.ofSeconds(2),
                DEFAULT_WRITE_INTERVAL,
                16L * 1024 * 1024,
                10,
                3,
                List.of(),
                false,
                false,
                false);
    }

    /** A copy with the evidence recording on or off. */
    public DiagnosisSettings withEvidence(boolean on) {
        return copy(on, minInterval, writeInterval, applicationPackages, histogram, gcRoots, objectCount);
    }

    /** A copy with another rate limit. */
    public DiagnosisSettings withMinInterval(Duration interval) {
        return copy(evidence, interval, writeInterval, applicationPackages, histogram, gcRoots, objectCount);
    }

    /** A copy with other application packages. */
    public DiagnosisSettings withApplicationPackages(List<String> packages) {
        return copy(evidence, minInterval, writeInterval, packages, histogram, gcRoots, objectCount);
    }

    /** A copy with the class histogram on or off. */
    public DiagnosisSettings withHistogram(boolean on) {
        return copy(evidence, minInterval, writeInterval, applicationPackages, on, gcRoots, objectCount);
    }

    /** A copy with the search for paths to GC roots on or off. */
    public DiagnosisSettings withGcRoots(boolean on) {
        return copy(evidence, minInterval, writeInterval, applicationPackages, histogram, on, objectCount);
    }

    /** A copy with another interval between writes of the samples ({@link Duration#ZERO} for none). */
    public DiagnosisSettings withWriteInterval(Duration interval) {
        return copy(evidence, minInterval, interval, applicationPackages, histogram, gcRoots, objectCount);
    }

    /** A copy with the object counts after GC on or off. */
    public DiagnosisSettings withObjectCount(boolean on) {
        return copy(evidence, minInterval, writeInterval, applicationPackages, histogram, gcRoots, on);
    }

    private DiagnosisSettings copy(
            boolean ev,
            Duration interval,
            Duration write,
            List<String> packages,
            boolean hist,
            boolean roots,
            boolean counts) {
        return new DiagnosisSettings(
                ev,
                interval,
                maxAge,
                pollInterval,
                write,
                maxRecordingBytes,
                topTypes,
                topStacks,
                packages,
                hist,
                roots,
                counts);
    }

    /** Whether a frame of this class is application code. */
    boolean isApplication(String className) {
        for (String p : applicationPackages) {
            if (className.startsWith(p)) {
                return true;
            }
        }
        if (!applicationPackages.isEmpty()) {
            return false;
        }
        for (String p : FRAMEWORK_PACKAGES) {
            if (className.startsWith(p)) {
                return false;
            }
        }
        return true;
    }
}
