package io.heapwatch.diagnosis;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One sampled allocation that was still alive when the recording was dumped: its class, array length, times and
 * allocation stack. No contents.
 *
 * @param type the class name, arrays as {@code byte[]}
 * @param arrayElements the array length, or -1 for an object that is not an array
 * @param allocationMillis when it was allocated (epoch milliseconds)
 * @param ageMillis how long it had been alive when the samples were written
 * @param heapUsedAtAllocation the heap used when it was allocated, -1 when unknown
 * @param thread the allocating thread's name, empty when unknown
 * @param frames the allocation stack, innermost first, as {@code class.method:line}
 * @param frameClasses the class of each frame
 * @param path the chain that held it when the recording was dumped, {@code null} without one (the search off, out of
 *     time, or the object not reached)
 */
record ObjectSample(
        String type,
        long arrayElements,
        long allocationMillis,
        long ageMillis,
        long heapUsedAtAllocation,
        String thread,
        List<String> frames,
        List<String> frameClasses,
        @Nullable GcRootPath path) {

    ObjectSample {
        frames = List.copyOf(frames);
        frameClasses = List.copyOf(frameClasses);
    }

    /** A sample without a path to a GC root. */
    ObjectSample(
            String type,
            long arrayElements,
            long allocationMillis,
            long ageMillis,
            long heapUsedAtAllocation,
            String thread,
            List<String> frames,
            List<String> frameClasses) {
        this(
                type,
                arrayElements,
                allocationMillis,
                ageMillis,
                heapUsedAtAllocation,
                thread,
                frames,
                frameClasses,
                null);
    }

    /**
     * The estimated shallow size: exact for arrays (element size times length plus a 16-byte header, with compressed
     * references), -1 for other objects, whose size the samples do not carry on JDK 17.
     */
    long estimatedBytes() {
        if (arrayElements < 0 || !type.endsWith("[]")) {
            return -1;
        }
        String element = type.substring(0, type.length() - 2);
        int size;
        switch (element) {
            case "byte":
            case "boolean":
                size = 1;
                break;
            case "char":
            case "short":
                size = 2;
                break;
            case "int":
            case "float":
                size = 4;
                break;
            case "long":
            case "double":
                size = 8;
                break;
            default:
                size = 4;
        }
        long bytes = 16 + arrayElements * size;
        return (bytes + 7) & ~7L;
    }
}
