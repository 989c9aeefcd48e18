package io.heapwatch.diagnosis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Ranks surviving samples by type, with each type's top allocation stacks and application frame. */
final class Ranking {

    private Ranking() {}

    /**
     * @param samples the surviving samples that count (already filtered to the window)
     * @param slope the live heap's floor slope in bytes per second, {@code NaN} when unknown
     */
    static List<LeakingType> rank(List<ObjectSample> samples, DiagnosisSettings settings, double slope) {
        return rank(samples, settings, slope, null);
    }

    /**
     * @param samples the surviving samples that count (already filtered to the window)
     * @param slope the live heap's floor slope in bytes per second, {@code NaN} when unknown
     * @param growth each type's retained growth between two class histograms, {@code null} without one; with it,
     *     entries rank by the growth their application frame explains instead of by their number of samples
     */
    static List<LeakingType> rank(
            List<ObjectSample> samples,
            DiagnosisSettings settings,
            double slope,
            @Nullable List<ClassHistogram.Growth> growth) {
        return rank(samples, settings, slope, growth, List.of());
    }

    /**
     * @param samples the surviving samples that count (already filtered to the window)
     * @param slope the live heap's floor slope in bytes per second, {@code NaN} when unknown
     * @param growth each type's retained growth between two class histograms, {@code null} without one; with it,
     *     entries rank by the growth their application frame explains instead of by their number of samples
     * @param sites the allocation sites of the window; with a growth, a type that grew while none of its surviving
     *     samples names an application frame has its growth split between the application frames that allocate
     *     it, in proportion to the bytes they allocated
     */
    static List<LeakingType> rank(
            List<ObjectSample> samples,
            DiagnosisSettings settings,
            double slope,
            @Nullable List<ClassHistogram.Growth> growth,
            List<AllocationSite> sites) {
        return rank(samples, settings, slope, growth, sites, Long.MIN_VALUE);
    }

    /**
     * Ranks as above, with an age tier when there is no growth.
     *
     * @param samples the surviving samples that count (already filtered to the window)
     * @param slope the live heap's floor slope in bytes per second, {@code NaN} when unknown
     * @param growth each type's retained growth, {@code null} without one (see above)
     * @param sites the allocation sites of the window (see above)
     * @param youngFrom without a growth, an entry none of whose samples was allocated before this time (epoch
     *     milliseconds) ranks after the entries that have one: what survives only while it is recent is a bounded
     *     cache's or a queue's, not a leak's; {@link Long#MIN_VALUE} for no such tier
     */
    static List<LeakingType> rank(
            List<ObjectSample> samples,
            DiagnosisSettings settings,
            double slope,
            @Nullable List<ClassHistogram.Growth> growth,
            List<AllocationSite> sites,
            long youngFrom) {
        // One entry per type and application frame: a byte[] allocated by the leaking method and one allocated by
        // a busy route are different findings, and a person acts on the pair.
        Map<String, List<ObjectSample>> byType = new HashMap<>();
        for (ObjectSample s : samples) {
            byType.computeIfAbsent(key(s.type(), applicationFrame(s, settings)), t -> new ArrayList<>())
                    .add(s);
        }
        Map<String, ClassHistogram.Growth> growthByType = new HashMap<>();
        if (growth != null) {
            for (ClassHistogram.Growth g : growth) {
                growthByType.put(g.type(), g);
            }
        }
        Map<String, Double> attributed = growth == null ? new HashMap<>() : attribute(byType, growthByType);
        Map<String, List<AllocationSite>> allocated =
                growth == null ? Map.of() : allocationEntries(byType, growthByType, sites, settings, attributed);
        Map<String, Double> byFrame = new HashMap<>();
        for (Map.Entry<String, Double> e : attributed.entrySet()) {
            byFrame.merge(frameOf(e.getKey()), e.getValue(), Double::sum);
        }
        Set<String> keys = new HashSet<>(byType.keySet());
        keys.addAll(allocated.keySet());
        // Samples allocated from application code rank first: library-internal survivors (the container's parser
        // caches, the HTTP client's buffers) are listed after every type the application allocates. Entries that
        // only allocation samples stand for come after every entry whose survivors name application code: who
        // allocates a type says less than what survives. With a histogram, an application frame ranks by the
        // retained growth attributed to all of its types (a leak grows its element, its holder and its table
        // together), then each entry by its own part.
        // Without a growth, an entry with a sample older than the young part of the span ranks before one whose
        // samples are all young: a bounded cache keeps only its recent entries alive, a leak keeps every age.
        Set<String> persistent = new HashSet<>();
        if (growth == null) {
            for (Map.Entry<String, List<ObjectSample>> e : byType.entrySet()) {
                if (e.getValue().stream().anyMatch(s -> s.allocationMillis() < youngFrom)) {
                    persistent.add(e.getKey());
                }
            }
        }
        List<String> entries = new ArrayList<>(keys);
        entries.sort(Comparator.<String>comparingInt(k -> k.endsWith("\u0000") ? 0 : allocated.containsKey(k) ? 1 : 2)
                .thenComparingInt(k -> persistent.contains(k) ? 1 : 0)
                .thenComparingDouble(k -> k.endsWith("\u0000") ? 0 : byFrame.getOrDefault(frameOf(k), 0.0))
                .thenComparingDouble(k -> attributed.getOrDefault(k, 0.0))
                .thenComparingInt(k -> byType.getOrDefault(k, List.of()).size())
                .reversed()
                .thenComparing(Comparator.naturalOrder()));
        List<LeakingType> types = new ArrayList<>();
        int total = samples.size();
        for (String k : entries) {
            if (types.size() >= settings.topTypes()) {
                break;
            }
            List<ObjectSample> of = byType.getOrDefault(k, List.of());
            String type = typeOf(k);
            double share = total == 0 ? 0 : (double) of.size() / total;
            long bytes = of.isEmpty() ? -1 : 0;
            for (ObjectSample s : of) {
                long b = s.estimatedBytes();
                if (b < 0) {
                    bytes = -1;
                    break;
                }
                bytes += b;
            }
            List<AllocationSite> from = allocated.get(k);
            boolean fromSites = from != null;
            List<AllocationStack> stacks = from != null ? siteStacks(from, settings) : stacks(of, settings);
            ClassHistogram.Growth g = growthByType.get(type);
            types.add(new LeakingType(
                    type,
                    of.size(),
                    share,
                    bytes,
                    Double.isNaN(slope) ? Double.NaN : share * Math.max(0, slope),
                    frameOf(k),
                    stacks,
                    growth == null ? -1 : g == null ? 0 : g.growthBytes(),
                    growth == null ? -1 : Math.round(attributed.getOrDefault(k, 0.0)),
                    fromSites ? LeakingType.FROM_ALLOCATIONS : LeakingType.FROM_SURVIVORS,
                    GcRootPath.commonest(of)));
        }
        return types;
    }

    /** The least share of a type's allocated bytes an application frame needs to get an entry from allocations. */
    static final double MIN_SITE_SHARE = 0.05;

    /**
     * The entries that allocation sites stand in for. A type that grew while none of its surviving samples names an
     * application frame (so the survivors cannot say whose code keeps it) has its growth split between the
     * application frames that allocated at least {@link #MIN_SITE_SHARE} of its bytes, in proportion to those bytes;
     * the rest stays with the type's library-only survivors, if any, which keep their own stacks. A type no
     * application frame allocates that much of keeps the survivors' split, and so does every array type: arrays back
     * strings, buffers and collections alike, and their allocated bytes are mostly short-lived buffers. Replaces those types' attributions in
     * {@code attributed}; returns the new entries (all with an application frame).
     */
    static Map<String, List<AllocationSite>> allocationEntries(
            Map<String, List<ObjectSample>> byType,
            Map<String, ClassHistogram.Growth> growth,
            List<AllocationSite> sites,
            DiagnosisSettings settings,
            Map<String, Double> attributed) {
        Set<String> framed = new HashSet<>();
        for (String k : byType.keySet()) {
            if (!k.endsWith("\u0000")) {
                framed.add(typeOf(k));
            }
        }
        Map<String, List<AllocationSite>> byEntry = new HashMap<>();
        Map<String, Long> weightByEntry = new HashMap<>();
        Map<String, Long> weightByType = new HashMap<>();
        for (AllocationSite site : sites) {
            ClassHistogram.Growth g = growth.get(site.type());
            if (g == null || g.growthBytes() <= 0 || framed.contains(site.type()) || isArray(site.type())) {
                continue;
            }
            weightByType.merge(site.type(), site.weightBytes(), Long::sum);
            String frame = site.applicationFrame(settings);
            if (!frame.isEmpty()) {
                String k = key(site.type(), frame);
                byEntry.computeIfAbsent(k, x -> new ArrayList<>()).add(site);
                weightByEntry.merge(k, site.weightBytes(), Long::sum);
            }
        }
        Map<String, List<AllocationSite>> entries = new HashMap<>();
        Map<String, Double> shares = new HashMap<>();
        Map<String, Double> explained = new HashMap<>();
        for (Map.Entry<String, List<AllocationSite>> e : byEntry.entrySet()) {
            String type = typeOf(e.getKey());
            long total = weightByType.getOrDefault(type, 0L);
            double share = total <= 0 ? 0 : (double) weightByEntry.getOrDefault(e.getKey(), 0L) / total;
            if (share >= MIN_SITE_SHARE) {
                entries.put(e.getKey(), e.getValue());
                shares.put(e.getKey(), share);
                explained.merge(type, share, Double::sum);
            }
        }
        attributed.keySet().removeIf(k -> explained.containsKey(typeOf(k)));
        for (Map.Entry<String, Double> e : shares.entrySet()) {
            attributed.put(
                    e.getKey(),
                    Objects.requireNonNull(growth.get(typeOf(e.getKey()))).growthBytes() * e.getValue());
        }
        for (Map.Entry<String, Double> t : explained.entrySet()) {
            String library = key(t.getKey(), "");
            if (byType.containsKey(library)) {
                attributed.put(
                        library,
                        Objects.requireNonNull(growth.get(t.getKey())).growthBytes() * Math.max(0, 1 - t.getValue()));
            }
        }
        return entries;
    }

    private static List<AllocationStack> siteStacks(List<AllocationSite> of, DiagnosisSettings settings) {
        List<AllocationSite> sorted = new ArrayList<>(of);
        sorted.sort(Comparator.comparingLong(AllocationSite::weightBytes).reversed());
        List<AllocationStack> stacks = new ArrayList<>();
        for (AllocationSite site : sorted) {
            if (stacks.size() >= settings.topStacks()) {
                break;
            }
            stacks.add(new AllocationStack(site.events(), site.applicationFrame(settings), site.frames()));
        }
        return stacks;
    }

    static boolean isArray(String type) {
        return type.endsWith("[]");
    }

    private static String typeOf(String key) {
        return key.substring(0, key.indexOf('\u0000'));
    }

    private static String key(String type, String frame) {
        return type + '\u0000' + frame;
    }

    private static String frameOf(String key) {
        return key.substring(key.indexOf('\u0000') + 1);
    }

    /**
     * Splits each type's retained growth between its entries (type and application frame). A class's instances all
     * have one size, so its growth splits by the entries' samples. An array type's entries differ in size and the
     * sampler favours large objects (it samples at allocation slow paths): a sample of size {@code m} is taken as
     * standing for a number of objects proportional to {@code m^-a}, with the one exponent {@code a} in [0, 3] that
     * makes the samples' implied mean size equal the histogram's (bytes grown over instances grown), and each
     * entry's part is its implied bytes. When no exponent reaches a mean that small, unsampled arrays dominate the
     * growth and the entries split it by their samples.
     */
    static Map<String, Double> attribute(
            Map<String, List<ObjectSample>> groups, Map<String, ClassHistogram.Growth> growth) {
        Map<String, List<String>> keysByType = new HashMap<>();
        for (Map.Entry<String, List<ObjectSample>> e : groups.entrySet()) {
            keysByType
                    .computeIfAbsent(e.getValue().get(0).type(), t -> new ArrayList<>())
                    .add(e.getKey());
        }
        Map<String, Double> attributed = new HashMap<>();
        for (Map.Entry<String, List<String>> t : keysByType.entrySet()) {
            ClassHistogram.Growth g = growth.get(t.getKey());
            if (g == null || g.growthBytes() <= 0) {
                continue;
            }
            List<String> keys = t.getValue();
            double[] count = new double[keys.size()];
            double[] mean = new double[keys.size()];
            boolean sized = g.growthInstances() > 0;
            for (int i = 0; i < keys.size(); i++) {
                List<ObjectSample> of = Objects.requireNonNull(groups.get(keys.get(i)));
                count[i] = of.size();
                double sum = 0;
                for (ObjectSample s : of) {
                    long b = s.estimatedBytes();
                    sized &= b > 0;
                    sum += Math.max(1, b);
                }
                mean[i] = sum / of.size();
            }
            double[] weight = count.clone();
            double target = sized ? (double) g.growthBytes() / g.growthInstances() : 0;
            // When even the strongest correction cannot bring the samples' mean size down to the histogram's, arrays
            // that no sample stands for make up most of the instances grown, and the mean says nothing about the
            // sampled entries: they keep the samples' split.
            if (sized && keys.size() > 1 && target >= impliedMean(count, mean, MAX_EXPONENT)) {
                double lo = 0;
                double hi = MAX_EXPONENT;
                for (int it = 0; it < 50; it++) {
                    double a = (lo + hi) / 2;
                    if (impliedMean(count, mean, a) > target) {
                        lo = a;
                    } else {
                        hi = a;
                    }
                }
                double a = (lo + hi) / 2;
                for (int i = 0; i < weight.length; i++) {
                    weight[i] = count[i] * Math.pow(mean[i], 1 - a);
                }
            }
            double sum = 0;
            for (double w : weight) {
                sum += w;
            }
            for (int i = 0; i < keys.size(); i++) {
                attributed.put(keys.get(i), g.growthBytes() * weight[i] / sum);
            }
        }
        return attributed;
    }

    /** The strongest size correction: a sample of size m stands for at most m^-3 objects. */
    static final double MAX_EXPONENT = 3;

    /** The mean size of the objects the samples stand for when a sample of size m stands for m^-a objects. */
    private static double impliedMean(double[] count, double[] mean, double a) {
        double bytes = 0;
        double objects = 0;
        for (int i = 0; i < count.length; i++) {
            bytes += count[i] * Math.pow(mean[i], 1 - a);
            objects += count[i] * Math.pow(mean[i], -a);
        }
        return bytes / objects;
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
