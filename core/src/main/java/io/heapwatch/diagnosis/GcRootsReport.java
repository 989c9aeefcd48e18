package io.heapwatch.diagnosis;

import java.util.Objects;

/**
 * The path-to-GC-roots part of a diagnosis ({@code HEAPWATCH_DIAGNOSIS_GC_ROOTS}): its status and what the dump with
 * the search cost.
 *
 * @param status {@code on}, {@code off} or {@code failed}
 * @param detail what it holds, why it is off, or what failed
 * @param cutoffMillis the search's time limit (the recording's {@code cutoff}), 0 when off
 * @param dumpMillis how long the recording's dump took (wall time around {@code Recording.dump}, the search
 *     included), -1 when no dump was taken
 * @param searchMillis how long the JVM searched, from the events' duration, -1 when unknown
 * @param samplesWithPath the surviving samples whose event carries a path to a GC root
 */
public record GcRootsReport(
        String status, String detail, long cutoffMillis, long dumpMillis, long searchMillis, int samplesWithPath) {

    /** Validates. */
    public GcRootsReport {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
    }
}
