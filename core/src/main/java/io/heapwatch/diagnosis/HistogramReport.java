package io.heapwatch.diagnosis;

import java.util.List;
import java.util.Objects;

/**
 * The class-histogram part of a diagnosis ({@code HEAPWATCH_DIAGNOSIS_HISTOGRAM}): its status, the pause it cost and
 * the classes whose retained bytes grew most since the baseline histogram, joined with the samples of each class.
 * Class names, counts and sizes only.
 *
 * @param status {@code on}, {@code off} or {@code failed}
 * @param detail what it holds, why it is off, or what failed
 * @param pauseMillis how long the latest histogram took (its full collection and the class table), -1 when none was
 *     taken
 * @param gcMillis the collectors' reported time during it, -1 when unknown
 * @param takenAtMillis when the latest histogram was taken (epoch milliseconds), -1 when none
 * @param baselineAtMillis when the baseline was taken, -1 when none
 * @param classes the classes that grew most, largest byte growth first
 */
public record HistogramReport(
        String status,
        String detail,
        long pauseMillis,
        long gcMillis,
        long takenAtMillis,
        long baselineAtMillis,
        List<HistogramClass> classes) {

    /**
     * One class of the histogram and its growth since the baseline, with the samples of that class.
     *
     * @param type the class name, arrays as {@code byte[]}
     * @param instances its live instances in the latest histogram
     * @param bytes their shallow bytes
     * @param growthInstances instances gained since the baseline
     * @param growthBytes bytes gained since the baseline
     * @param samples the ranked allocation samples of this class; 0 means no allocation stack is known for it
     * @param applicationFrame the application frame of most of those samples, empty when none
     */
    public record HistogramClass(
            String type,
            long instances,
            long bytes,
            long growthInstances,
            long growthBytes,
            int samples,
            String applicationFrame) {

        /** Validates. */
        public HistogramClass {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(applicationFrame, "applicationFrame");
        }
    }

    /** Copies the classes. */
    public HistogramReport {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
        classes = List.copyOf(classes);
    }

    /** The report of a diagnosis without the histogram. */
    static HistogramReport off() {
        return new HistogramReport(
                "off",
                "HEAPWATCH_DIAGNOSIS_HISTOGRAM=false: no class histogram (it forces a full collection)",
                -1,
                -1,
                -1,
                -1,
                List.of());
    }
}
