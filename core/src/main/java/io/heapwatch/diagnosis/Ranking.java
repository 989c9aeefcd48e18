package io.heapwatch.diagnosis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Ranks surviving samples by type, with each type's top allocation stacks and application frame. */
final class Ranking {

    private Ranking() {}

    /**
     * @param samples the surviving samples that count (already filtered to the window)
     * @param slope the live heap's floor slope in bytes per second, {@code NaN} when unknown
     */
    static List<LeakingType> rank(List<ObjectSample> samples, DiagnosisSettings settings, double slope) {
        // One entry per type and application frame: a byte[] allocated by the leaking method and one allocated by
        // a busy route are different findings, and a person acts on the pair.
        Map<String, List<ObjectSample>> byType = new HashMap<>();
        for (ObjectSample s : samples) {
            byType.computeIfAbsent(s.type() + '\u0000' + applicationFrame(s, settings), t -> new ArrayList<>())
                    .add(s);
        }
        // Samples allocated from application code rank first: library-internal survivors (the container's parser
        // caches, the HTTP client's buffers) are listed after every type the application allocates.
        List<Map.Entry<String, List<ObjectSample>>> entries = new ArrayList<>(byType.entrySet());
        entries.sort(Comparator.<Map.Entry<String, List<ObjectSample>>>comparingInt(
                        e -> e.getKey().endsWith("\u0000") ? 0 : 1)
                .thenComparingInt(e -> e.getValue().size())
                .reversed()
                .thenComparing(Map.Entry::getKey));
        List<LeakingType> types = new ArrayList<>();
        int total = samples.size();
        for (Map.Entry<String, List<ObjectSample>> e : entries) {
            if (types.size() >= settings.topTypes()) {
                break;
            }
            List<ObjectSample> of = e.getValue();
            double share = (double) of.size() / total;
            long bytes = 0;
            for (ObjectSample s : of) {
                long b = s.estimatedBytes();
                if (b < 0) {
                    bytes = -1;
                    break;
                }
                bytes += b;
            }
            List<AllocationStack> stacks = stacks(of, settings);
            types.add(new LeakingType(
                    of.get(0).type(),
                    of.size(),
                    share,
                    bytes,
                    Double.isNaN(slope) ? Double.NaN : share * Math.max(0, slope),
                    applicationFrame(of, settings),
                    stacks));
        }
        return types;
    }

    private static List<AllocationStack> stacks(List<ObjectSample> of, DiagnosisSettings settings) {
        Map<List<String>, int[]> counts = new LinkedHashMap<>();
        Map<List<String>, ObjectSample> example = new HashMap<>();
        for (ObjectSample s : of) {
            counts.computeIfAbsent(s.frames(), k -> new int[1])[0]++;
            example.putIfAbsent(s.frames(), s);
        }
        List<Map.Entry<List<String>, int[]>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(Comparator.<Map.Entry<List<String>, int[]>>comparingInt(e -> e.getValue()[0])
                .reversed());
        List<AllocationStack> stacks = new ArrayList<>();
        for (Map.Entry<List<String>, int[]> e : entries) {
            if (stacks.size() >= settings.topStacks()) {
                break;
            }
            stacks.add(new AllocationStack(
                    e.getValue()[0],
                    applicationFrame(Objects.requireNonNull(example.get(e.getKey())), settings),
                    e.getKey()));
        }
        return stacks;
    }

    /** The application frame nearest the top of one sample's stack, empty when none. */
    static String applicationFrame(ObjectSample s, DiagnosisSettings settings) {
        for (int i = 0; i < s.frames().size(); i++) {
            if (settings.isApplication(s.frameClasses().get(i))) {
                return s.frames().get(i);
            }
        }
        return "";
    }

    /** The most frequent application frame among the samples, empty when none has one. */
    static String applicationFrame(List<ObjectSample> of, DiagnosisSettings settings) {
        Map<String, Integer> counts = new HashMap<>();
        for (ObjectSample s : of) {
            String f = applicationFrame(s, settings);
            if (!f.isEmpty()) {
                counts.merge(f, 1, Integer::sum);
            }
        }
        String best = "";
        int bestCount = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (e.getValue() > bestCount
                    || (e.getValue() == bestCount && e.getKey().compareTo(best) < 0)) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        return best;
    }
}
