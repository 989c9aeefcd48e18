package io.heapwatch.diagnosis;

import java.util.List;
import java.util.Objects;

/**
 * An allocation stack shared by some of a type's samples.
 *
 * @param samples how many of the type's samples were allocated here
 * @param applicationFrame the application frame nearest the top, empty when every frame is library code
 * @param frames the frames, innermost first, as {@code class.method:line}
 */
public record AllocationStack(int samples, String applicationFrame, List<String> frames) {

    /** Copies the frames. */
    public AllocationStack {
        Objects.requireNonNull(applicationFrame, "applicationFrame");
        frames = List.copyOf(frames);
    }
}
