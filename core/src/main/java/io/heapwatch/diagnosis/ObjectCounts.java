package io.heapwatch.diagnosis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The {@code jdk.ObjectCountAfterGC} events of one dump of the recording: per collection that emitted them, the live
 * instances of each class and their shallow bytes. Class names, counts and sizes only.
 *
 * <p>The JVM counts the objects inside the pause of the collections that emit the event (under G1 the remark at the
 * end of each concurrent cycle and every full collection, never a young collection) and sends one event per class
 * whose instances hold at least {@code ObjectCountCutOffPercent} (0.5 %) of the live heap counted; the events are
 * streamed while the recording runs. Only the first and the latest collection that emitted events are kept, each
 * bounded to {@link #MAX_CLASSES} classes, so the memory of a reading is bounded whatever the recording holds.
 */
final class ObjectCounts {

    static final String EVENT = "jdk.ObjectCountAfterGC";

    /** The most classes kept per collection (the 0.5 % cutoff allows at most 200). */
    static final int MAX_CLASSES = 2000;

    /** One class in one collection. */
    record Count(String type, long instances, long bytes) {}

    /** One collection's counts, by type. */
    record Collection(long gcId, long atMillis, Map<String, Count> counts) {

        Collection {
            counts = Map.copyOf(counts);
        }
    }

    /**
     * The growth of one class between the first and the latest collection.
     *
     * @param absentAtFirst the class had no event at the first collection (below the cutoff, or not loaded): its
     *     growth counts from zero and is an upper bound
     */
    record Growth(
            String type, long instances, long bytes, long growthInstances, long growthBytes, boolean absentAtFirst) {}

    private final int collections;
    private final @Nullable Collection first;
    private final @Nullable Collection latest;

    ObjectCounts(int collections, @Nullable Collection first, @Nullable Collection latest) {
        this.collections = collections;
        this.first = first;
        this.latest = latest;
    }

    /** How many collections emitted events in the dump. */
    int collections() {
        return collections;
    }

    /** The earliest collection that emitted events, {@code null} when none did. */
    @Nullable
    Collection first() {
        return first;
    }

    /** The latest collection that emitted events, {@code null} when none did. */
    @Nullable
    Collection latest() {
        return latest;
    }

    /**
     * The classes whose bytes grew between the first and the latest collection, the largest byte growth first; empty
     * unless two collections emitted events. A class of the latest collection missing from the first counts from zero
     * ({@link Growth#absentAtFirst()}); a class missing from the latest fell below the cutoff and did not grow.
     */
    List<Growth> growth() {
        if (first == null || latest == null || first.gcId() == latest.gcId()) {
            return List.of();
        }
        List<Growth> growth = new ArrayList<>();
        for (Count c : latest.counts().values()) {
            Count b = first.counts().get(c.type());
            long instances = b == null ? 0 : b.instances();
            long bytes = b == null ? 0 : b.bytes();
            if (c.bytes() - bytes > 0) {
                growth.add(new Growth(
                        c.type(), c.instances(), c.bytes(), c.instances() - instances, c.bytes() - bytes, b == null));
            }
        }
        growth.sort(Comparator.comparingLong(Growth::growthBytes).reversed().thenComparing(Growth::type));
        return growth;
    }

    /** Collects the events of one reading, keeping the first and the latest collection only. */
    static final class Reader {

        /** One kept collection while reading. */
        private static final class Slot {
            long atMillis = Long.MIN_VALUE;
            final Map<String, Count> counts = new HashMap<>();
        }

        private final TreeMap<Long, Slot> byId = new TreeMap<>();
        private final Set<Long> ids = new HashSet<>();

        /** Adds one event: a class's count in the collection {@code gcId}, reported at {@code atMillis}. */
        void add(long gcId, long atMillis, String type, long instances, long bytes) {
            ids.add(gcId);
            if (!byId.isEmpty() && gcId > byId.firstKey() && gcId < byId.lastKey()) {
                return; // neither the first nor the latest
            }
            Slot slot = byId.computeIfAbsent(gcId, id -> new Slot());
            while (byId.size() > 2) {
                Long middle = byId.higherKey(byId.firstKey());
                if (middle == null) {
                    break;
                }
                byId.remove(middle);
            }
            slot.atMillis = Math.max(slot.atMillis, atMillis);
            Count old = slot.counts.get(type);
            if (old == null && slot.counts.size() >= MAX_CLASSES) {
                return;
            }
            // Two classes of one name in two class loaders are one type, as for the samples and the histogram.
            slot.counts.put(
                    type,
                    old == null
                            ? new Count(type, instances, bytes)
                            : new Count(type, old.instances() + instances, old.bytes() + bytes));
        }

        ObjectCounts result() {
            Map.Entry<Long, Slot> f = byId.firstEntry();
            Map.Entry<Long, Slot> l = byId.lastEntry();
            if (f == null || l == null) {
                return new ObjectCounts(0, null, null);
            }
            Collection first = new Collection(f.getKey(), f.getValue().atMillis, f.getValue().counts);
            Collection latest = f.getKey().equals(l.getKey())
                    ? first
                    : new Collection(l.getKey(), l.getValue().atMillis, l.getValue().counts);
            return new ObjectCounts(ids.size(), first, latest);
        }
    }
}
