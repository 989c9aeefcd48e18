package io.heapwatch.diagnosis;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A type, with the application frame that allocated it, whose sampled allocations survive. Entries with an
 * application frame rank first; then by retained growth when there is one, otherwise entries with a sample older
 * than the youngest quarter of the observed span before those whose samples are all younger, then by samples. The
 * same type allocated by two application frames is two entries.
 *
 * <p>The sampler picks allocations in proportion to the bytes allocated, so a type's share of the surviving samples
 * estimates its share of the surviving bytes.
 *
 * @param type the class name ({@code byte[]}, {@code java.lang.String}, ...)
 * @param samples its surviving samples allocated in the analysed window
 * @param share its fraction of all surviving samples allocated in the window
 * @param sampledBytes the shallow bytes of its sampled objects when they are arrays, -1 otherwise
 * @param estimatedGrowthBytesPerSecond {@code share} times the live heap's floor slope: the growth this type would
 *     explain; {@code NaN} without a slope
 * @param applicationFrame the application frame nearest the top of its stacks, empty when every frame is library
 *     code
 * @param stacks its top allocation stacks, most samples first
 * @param histogramGrowthBytes the growth of the whole type's retained bytes between the baseline and the latest class
 *     histogram or, without a histogram growth, between the first and the latest object counts after GC
 *     ({@code HEAPWATCH_DIAGNOSIS_OBJECT_COUNT}); -1 without either
 * @param attributedGrowthBytes the part of that growth attributed to this entry's application frame (in proportion
 *     to its samples, corrected for the sampler's size bias for arrays, or to the bytes its frame allocated when the
 *     entry comes from allocation samples), -1 without a histogram growth
 * @param stacksFrom {@value #FROM_SURVIVORS} when the entry and its stacks come from surviving samples,
 *     {@value #FROM_ALLOCATIONS} when they come from allocation samples (a type the histogram saw grow and no
 *     surviving sample placed in application code): who allocates it, not proof that those objects are kept
 * @param pathToRoot the path to a GC root most of its samples share ({@code HEAPWATCH_DIAGNOSIS_GC_ROOTS}),
 *     {@code null} when none of its samples has one
 */
public record LeakingType(
        String type,
        int samples,
        double share,
        long sampledBytes,
        double estimatedGrowthBytesPerSecond,
        String applicationFrame,
        List<AllocationStack> stacks,
        long histogramGrowthBytes,
        long attributedGrowthBytes,
        String stacksFrom,
        @Nullable GcRootPath pathToRoot) {

    /** The entry comes from surviving samples. */
    public static final String FROM_SURVIVORS = "survivors";
    /** The entry comes from allocation samples. */
    public static final String FROM_ALLOCATIONS = "allocations";

    /** Copies the stacks. */
    public LeakingType {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(applicationFrame, "applicationFrame");
        Objects.requireNonNull(stacksFrom, "stacksFrom");
        stacks = List.copyOf(stacks);
    }
}
