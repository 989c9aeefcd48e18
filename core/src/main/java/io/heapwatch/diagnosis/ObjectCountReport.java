package io.heapwatch.diagnosis;

import java.util.List;
import java.util.Objects;

/**
 * The object-count part of a diagnosis ({@code HEAPWATCH_DIAGNOSIS_OBJECT_COUNT}): the classes whose live bytes grew
 * between the first and the latest collection that emitted {@code jdk.ObjectCountAfterGC} within the recording.
 * Class names, counts and sizes only.
 *
 * @param status {@code on}, {@code off} (asked for without the evidence recording) or {@code failed}
 * @param detail what it holds, why it is off, or what failed
 * @param collections how many collections emitted the event within the recording
 * @param firstGcId the JVM's id of the first such collection, -1 when none
 * @param firstAtMillis when the first one reported (epoch milliseconds), -1 when none
 * @param latestGcId the id of the latest such collection, -1 when none
 * @param latestAtMillis when the latest one reported, -1 when none
 * @param classes the classes that grew most, largest byte growth first
 */
public record ObjectCountReport(
        String status,
        String detail,
        int collections,
        long firstGcId,
        long firstAtMillis,
        long latestGcId,
        long latestAtMillis,
        List<ObjectCountClass> classes) {

    /**
     * One class and its growth between the two collections.
     *
     * @param type the class name, arrays as {@code byte[]}
     * @param instances its live instances at the latest collection
     * @param bytes their shallow bytes
     * @param growthInstances instances gained since the first collection
     * @param growthBytes bytes gained since the first collection
     * @param absentAtFirst the first collection sent no count for the class (it was below the cutoff or not loaded),
     *     so its growth counts from zero and is an upper bound
     */
    public record ObjectCountClass(
            String type, long instances, long bytes, long growthInstances, long growthBytes, boolean absentAtFirst) {

        /** Validates. */
        public ObjectCountClass {
            Objects.requireNonNull(type, "type");
        }
    }

    /** Copies the classes. */
    public ObjectCountReport {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
        classes = List.copyOf(classes);
    }

    /** A report without counts: off or failed, with why. */
    static ObjectCountReport without(String status, String detail) {
        return new ObjectCountReport(status, detail, 0, -1, -1, -1, -1, List.of());
    }
}
