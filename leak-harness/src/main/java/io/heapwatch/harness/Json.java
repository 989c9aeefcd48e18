package io.heapwatch.harness;

import java.util.Locale;

/** Just enough JSON writing for the results file. */
final class Json {

    private Json() {}

    static String str(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** Non-finite numbers become strings ("NaN", "Infinity") so the file stays valid JSON. */
    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "\"" + v + "\"";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
