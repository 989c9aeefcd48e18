/**
 * Naming what leaks: the type, where it was allocated and the route.
 *
 * <p>{@link io.heapwatch.diagnosis.LeakDiagnostics} keeps a JDK Flight Recorder recording with only
 * {@code jdk.OldObjectSample} enabled (with stack traces, without paths to GC roots). The JVM keeps a bounded
 * sample of allocations that are still alive; their events are written only when the recording is dumped or stopped,
 * so a diagnosis dumps the recording to a private temporary file, reads it with {@code jdk.jfr.consumer} and deletes
 * it. The samples are ranked by type, each with its top allocation stacks and the application frame nearest the top,
 * and set against the leak detector's verdict, floor slope and route suspects. Only class names, counts, sizes and
 * stack frames are read: never object contents, field values or heap dumps.
 *
 * <p>{@link io.heapwatch.diagnosis.DiagnosisServlet} serves the latest {@link io.heapwatch.diagnosis.Diagnosis} as
 * JSON and {@link io.heapwatch.diagnosis.ReportServlet} as a self-contained HTML page, both behind the metrics basic
 * authentication.
 */
@org.jspecify.annotations.NullMarked
package io.heapwatch.diagnosis;
