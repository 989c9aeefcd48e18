package io.heapwatch.diagnosis;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedObject;
import org.jspecify.annotations.Nullable;

/**
 * The chain of references that kept one sampled object alive when the recording was dumped, from the object to a GC
 * root, as the JVM wrote it into a {@code jdk.OldObjectSample} event when the recording's {@code cutoff} was above
 * zero ({@code HEAPWATCH_DIAGNOSIS_GC_ROOTS}).
 *
 * <p>Read from the event's {@code object} ({@code jdk.types.OldObject}: {@code type}, {@code referrer}) and
 * {@code root} ({@code jdk.types.OldObjectGcRoot}: {@code system}, {@code type}). Each {@code referrer}
 * ({@code jdk.types.Reference}) names the holding object ({@code object}), the holder's field ({@code field}:
 * {@code name}, {@code modifiers}) or that the holder is an array ({@code array}), and how many links the JVM left out
 * before it ({@code skip}). Only class names, field names and the kinds of links and root are read: never the
 * {@code description} fields, which can carry object contents (a string's characters, a thread's name), nor
 * addresses or array indexes.
 *
 * @param type the sampled object's class, arrays as {@code byte[]}
 * @param links who holds it, nearest first: each link is the object that holds the previous one (or the sampled
 *     object), the last one is the object the root holds; at most {@value #MAX_LINKS}
 * @param rootSystem the root's subsystem as the JVM names it ({@code Threads}, {@code Class Loader Data}, ...), empty
 *     when unknown
 * @param rootKind the root's kind ({@code Stack Variable}, {@code Global Object Handle}, ...), empty when unknown
 * @param samples how many samples of its entry share this path (1 for a path read from one event)
 */
public record GcRootPath(String type, List<Link> links, String rootSystem, String rootKind, int samples) {

    /** At most this many links are kept: the first {@value #HEAD} and the last ones, with the count left out. */
    static final int MAX_LINKS = 16;

    static final int HEAD = 10;
    /** A chain longer than this is not walked further (the JVM writes at most a few hundred links). */
    static final int MAX_WALK = 1024;

    static final String FIELD = "field";
    static final String STATIC_FIELD = "static field";
    static final String ARRAY_ELEMENT = "array element";
    static final String UNKNOWN = "unknown";

    /**
     * One holder.
     *
     * @param holder the holding object's class ({@code java.lang.Class} for a static field)
     * @param kind {@code field}, {@code static field}, {@code array element} or {@code unknown}: how the holder refers
     *     to the previous object
     * @param field the holder's field, empty for an array element
     * @param declaredBy for a static field, the class declaring it, inferred (the JVM names the class only in a
     *     description, which is not read): the one class among the entry's allocation frames and their enclosing
     *     classes that declares a static field of that name; empty when none or several do
     * @param skippedBefore links left out between the previous object and this holder, by the JVM or by the bound
     */
    public record Link(String holder, String kind, String field, String declaredBy, long skippedBefore) {

        /** Validates. */
        public Link {
            Objects.requireNonNull(holder, "holder");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(declaredBy, "declaredBy");
        }

        String text() {
            switch (kind) {
                case FIELD:
                    return holder + "." + field;
                case STATIC_FIELD:
                    return declaredBy.isEmpty()
                            ? "(class not named)." + field + " (static field)"
                            : declaredBy + "." + field + " (static field; class inferred)";
                case ARRAY_ELEMENT:
                    return holder + " (element)";
                default:
                    return holder;
            }
        }
    }

    /** Copies the links. */
    public GcRootPath {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(rootSystem, "rootSystem");
        Objects.requireNonNull(rootKind, "rootKind");
        links = List.copyOf(links);
    }

    /** The links left out in all, by the JVM or by the bound. */
    public long skipped() {
        long n = 0;
        for (Link l : links) {
            n += l.skippedBefore();
        }
        return n;
    }

    /**
     * One line, the object first: {@code byte[] <- Listener.buffer <- java.lang.Object[] (element) <-
     * java.util.ArrayList.elementData <- com.example.Bus.LISTENERS (static field) <- root: Class Loader Data}.
     */
    public String text() {
        StringBuilder b = new StringBuilder(type);
        for (Link l : links) {
            if (l.skippedBefore() > 0) {
                b.append(" <- \u2026 ").append(l.skippedBefore()).append(" skipped");
            }
            b.append(" <- ").append(l.text());
        }
        b.append(" <- root: ").append(rootSystem.isEmpty() ? "?" : rootSystem);
        if (!rootKind.isEmpty()) {
            b.append(" / ").append(rootKind);
        }
        return b.toString();
    }

    GcRootPath withSamples(int n) {
        return new GcRootPath(type, links, rootSystem, rootKind, n);
    }

    /**
     * The path of one event, {@code null} when the event has none (the search was off, ran out of time, or did not
     * reach the object).
     *
     * @throws RuntimeException when the event does not have the documented structure
     */
    static @Nullable GcRootPath read(RecordedEvent e) {
        RecordedObject root = e.hasField("root") ? e.getValue("root") : null;
        RecordedObject object = e.hasField("object") ? e.getValue("object") : null;
        if (root == null || object == null) {
            return null;
        }
        String type = typeOf(object);
        List<Link> all = new ArrayList<>();
        RecordedObject o = object;
        while (o != null && all.size() < MAX_WALK) {
            RecordedObject ref = o.hasField("referrer") ? o.getValue("referrer") : null;
            if (ref == null) {
                break;
            }
            RecordedObject holder = ref.hasField("object") ? ref.getValue("object") : null;
            RecordedObject field = ref.hasField("field") ? ref.getValue("field") : null;
            RecordedObject array = ref.hasField("array") ? ref.getValue("array") : null;
            String kind;
            String name = "";
            if (field != null) {
                name = string(field, "name");
                int modifiers = field.hasField("modifiers") ? field.getShort("modifiers") : 0;
                kind = (modifiers & Modifier.STATIC) != 0 ? STATIC_FIELD : FIELD;
            } else if (array != null) {
                kind = ARRAY_ELEMENT;
            } else {
                kind = UNKNOWN;
            }
            long skip = ref.hasField("skip") ? Math.max(0, ref.getLong("skip")) : 0;
            all.add(new Link(holder == null ? "?" : typeOf(holder), kind, name, "", skip));
            o = holder;
        }
        return new GcRootPath(type, bound(all), string(root, "system"), string(root, "type"), 1);
    }

    /** The first {@value #HEAD} links and the last ones, the left-out count added to the first kept after the gap. */
    static List<Link> bound(List<Link> all) {
        if (all.size() <= MAX_LINKS) {
            return all;
        }
        int tail = MAX_LINKS - HEAD;
        int from = all.size() - tail;
        long left = from - HEAD;
        for (int i = HEAD; i <= from; i++) {
            left += all.get(i).skippedBefore();
        }
        List<Link> kept = new ArrayList<>(all.subList(0, HEAD));
        Link first = all.get(from);
        kept.add(new Link(first.holder(), first.kind(), first.field(), first.declaredBy(), left));
        kept.addAll(all.subList(from + 1, all.size()));
        return kept;
    }

    /**
     * The path most of these samples share (ties: the first seen), with its count and the static fields' declaring
     * classes inferred from the classes of the samples' allocation frames and their enclosing classes; {@code null}
     * when no sample has a path. Never throws.
     */
    static @Nullable GcRootPath commonest(List<ObjectSample> samples) {
        Map<String, int[]> counts = new HashMap<>();
        GcRootPath best = null;
        int bestCount = 0;
        for (ObjectSample s : samples) {
            GcRootPath p = s.path();
            if (p == null) {
                continue;
            }
            int n = ++counts.computeIfAbsent(p.text(), k -> new int[1])[0];
            if (n > bestCount) {
                best = p;
                bestCount = n;
            }
        }
        if (best == null) {
            return null;
        }
        Set<String> frameClasses = new LinkedHashSet<>();
        String text = best.text();
        for (ObjectSample s : samples) {
            GcRootPath p = s.path();
            if (p != null && text.equals(p.text())) {
                for (String c : s.frameClasses()) {
                    frameClasses.add(c);
                    // a nested class's code often keeps what it allocates in its enclosing class's field
                    for (int i = c.indexOf('$'); i > 0; i = c.indexOf('$', i + 1)) {
                        frameClasses.add(c.substring(0, i));
                    }
                }
            }
            if (frameClasses.size() > MAX_CANDIDATES) {
                break;
            }
        }
        return best.withSamples(bestCount).withDeclaringClasses(frameClasses);
    }

    static final int MAX_CANDIDATES = 64;

    /**
     * Names the class of each static field by the one candidate class that declares a static field of that name.
     * Candidates are loaded without initialising them, by heapwatch's class loader or the thread's context loader;
     * one that cannot be loaded is skipped. Never throws.
     */
    GcRootPath withDeclaringClasses(Set<String> candidates) {
        List<Link> named = new ArrayList<>(links.size());
        boolean changed = false;
        for (Link l : links) {
            if (STATIC_FIELD.equals(l.kind())
                    && l.declaredBy().isEmpty()
                    && !l.field().isEmpty()) {
                String by = declaring(l.field(), candidates);
                if (!by.isEmpty()) {
                    l = new Link(l.holder(), l.kind(), l.field(), by, l.skippedBefore());
                    changed = true;
                }
            }
            named.add(l);
        }
        return changed ? new GcRootPath(type, named, rootSystem, rootKind, samples) : this;
    }

    private static String declaring(String field, Set<String> candidates) {
        String found = "";
        int i = 0;
        for (String c : candidates) {
            if (i++ >= MAX_CANDIDATES) {
                break;
            }
            Class<?> k = load(c);
            if (k == null || !declaresStatic(k, field)) {
                continue;
            }
            if (!found.isEmpty() && !found.equals(c)) {
                return ""; // ambiguous
            }
            found = c;
        }
        return found;
    }

    private static boolean declaresStatic(Class<?> k, String field) {
        try {
            Field f = k.getDeclaredField(field);
            return Modifier.isStatic(f.getModifiers());
        } catch (NoSuchFieldException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static @Nullable Class<?> load(String name) {
        ClassLoader[] loaders = {
            GcRootPath.class.getClassLoader(), Thread.currentThread().getContextClassLoader()
        };
        for (ClassLoader loader : loaders) {
            try {
                return Class.forName(name, false, loader);
            } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
                // try the next loader
            }
        }
        return null;
    }

    private static String typeOf(RecordedObject o) {
        RecordedClass c = o.hasField("type") ? o.getValue("type") : null;
        return c == null || c.getName() == null ? "?" : OldObjectEvidence.typeName(c.getName());
    }

    private static String string(RecordedObject o, String name) {
        if (!o.hasField(name)) {
            return "";
        }
        String s = o.getString(name);
        return s == null ? "" : s;
    }
}
