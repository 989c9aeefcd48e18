package io.heapwatch.diagnosis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One class histogram as the {@code gcClassHistogram} diagnostic command prints it after a full collection: per
 * class, its live instances and their shallow bytes. Class names only, never contents. Keeps at most
 * {@code maxClasses} classes, the largest by bytes, so its memory is bounded whatever the number of loaded classes.
 *
 * <p>The command's lines are {@code "   1:         17157        1181320  [B (java.base@17.0.15)"}: rank, instances,
 * bytes, the JVM class name and, for classes of a named module, the module in parentheses (the same on JDK 17 and
 * 25). Array names are converted to the samples' form ({@code [B} to {@code byte[]}).
 */
final class ClassHistogram {

    /** The most classes one histogram keeps. */
    static final int MAX_CLASSES = 2000;

    private static final Pattern ROW = Pattern.compile("\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)(\\s+\\(.*\\))?\\s*");

    /** One class: its live instances and their shallow bytes. */
    record Row(String type, long instances, long bytes) {}

    /** The growth of one class between two histograms (negative when it shrank). */
    record Growth(String type, long instances, long bytes, long growthInstances, long growthBytes) {}

    private final long takenAtMillis;
    private final Map<String, Row> rows;

    private ClassHistogram(long takenAtMillis, Map<String, Row> rows) {
        this.takenAtMillis = takenAtMillis;
        this.rows = rows;
    }

    /**
     * Parses the command's output, keeping the {@code maxClasses} largest classes by bytes.
     *
     * @throws IllegalArgumentException when the text holds no class line
     */
    static ClassHistogram parse(String text, long takenAtMillis, int maxClasses) {
        List<Row> all = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            Matcher m = ROW.matcher(line);
            if (!m.matches()) {
                continue;
            }
            try {
                all.add(new Row(
                        OldObjectEvidence.typeName(m.group(3)),
                        Long.parseLong(m.group(1)),
                        Long.parseLong(m.group(2))));
            } catch (NumberFormatException e) {
                // a count beyond a long: not a histogram line this parser understands
            }
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException(
                    "no class line in the histogram output (" + text.length() + " characters)");
        }
        all.sort(Comparator.comparingLong(Row::bytes).reversed().thenComparing(Row::type));
        Map<String, Row> rows = new LinkedHashMap<>();
        for (Row r : all) {
            if (rows.size() >= maxClasses) {
                break;
            }
            // Two classes of one name in two class loaders are one type for the ranking, as for the samples.
            rows.merge(r.type(), r, (a, b) -> new Row(a.type(), a.instances() + b.instances(), a.bytes() + b.bytes()));
        }
        return new ClassHistogram(takenAtMillis, rows);
    }

    long takenAtMillis() {
        return takenAtMillis;
    }

    /** The kept classes, largest first. */
    List<Row> rows() {
        return List.copyOf(rows.values());
    }

    /**
     * Each kept class's growth since {@code base}, the largest byte growth first. A class missing from {@code base}
     * (not loaded then, or below its kept classes) counts from zero.
     */
    List<Growth> growthSince(ClassHistogram base) {
        List<Growth> growth = new ArrayList<>();
        for (Row r : rows.values()) {
            Row b = base.rows.get(r.type());
            long instances = b == null ? 0 : b.instances();
            long bytes = b == null ? 0 : b.bytes();
            growth.add(new Growth(r.type(), r.instances(), r.bytes(), r.instances() - instances, r.bytes() - bytes));
        }
        growth.sort(Comparator.comparingLong(Growth::growthBytes).reversed().thenComparing(Growth::type));
        return growth;
    }
}
