package io.heapwatch.diagnosis;

import java.util.List;

/**
 * The allocations of one type at one stack, summed over the {@code jdk.ObjectAllocationSample} events of the
 * recording: the JVM picks allocations at their slow paths, at most a fixed number per second, and weighs each by the
 * bytes the thread allocated since its previous pick. Who allocates a type, not whether it survives. No contents.
 *
 * @param type the class name, arrays as {@code byte[]}
 * @param weightBytes the summed weights of its events
 * @param events the number of events
 * @param frames the allocation stack, innermost first, as {@code class.method:line}
 * @param frameClasses the class of each frame
 */
record AllocationSite(String type, long weightBytes, int events, List<String> frames, List<String> frameClasses) {

    AllocationSite {
        frames = List.copyOf(frames);
        frameClasses = List.copyOf(frameClasses);
    }

    /** The application frame nearest the top of the stack, empty when none. */
    String applicationFrame(DiagnosisSettings settings) {
        for (int i = 0; i < frames.size(); i++) {
            if (settings.isApplication(frameClasses.get(i))) {
                return frames.get(i);
            }
        }
        return "";
    }
}
