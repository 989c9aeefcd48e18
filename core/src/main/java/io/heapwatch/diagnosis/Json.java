package io.heapwatch.diagnosis;

import java.util.Locale;

/** A minimal JSON writer: strings escaped per RFC 8259, non-finite numbers written as {@code null}. */
final class Json {

    private final StringBuilder out = new StringBuilder(4096);
    private boolean first = true;

    Json begin() {
        comma();
        out.append('{');
        first = true;
        return this;
    }

    Json end() {
        out.append('}');
        first = false;
        return this;
    }

    Json beginArray() {
        comma();
        out.append('[');
        first = true;
        return this;
    }

    Json endArray() {
        out.append(']');
        first = false;
        return this;
    }

    Json name(String name) {
        comma();
        string(name);
        out.append(':');
        first = true;
        return this;
    }

    Json value(String s) {
        comma();
        string(s);
        return this;
    }

    Json nullValue() {
        comma();
        out.append("null");
        return this;
    }

    Json value(long n) {
        comma();
        out.append(n);
        return this;
    }

    Json value(boolean b) {
        comma();
        out.append(b);
        return this;
    }

    Json value(double d) {
        comma();
        if (Double.isFinite(d)) {
            out.append(number(d));
        } else {
            out.append("null");
        }
        return this;
    }

    /**
     * Six significant digits, with the zeros that follow a decimal point dropped: 409070.0 is {@code 409070} and
     * 1.5E7 is {@code 1.50000e+07} shortened to {@code 1.5e+07}. Zeros before the point or the exponent are digits.
     */
    static String number(double d) {
        String s = String.format(Locale.ROOT, "%.6g", d);
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        String exponent = e < 0 ? "" : s.substring(e);
        if (mantissa.indexOf('.') >= 0) {
            int end = mantissa.length();
            while (mantissa.charAt(end - 1) == '0') {
                end--;
            }
            if (mantissa.charAt(end - 1) == '.') {
                end--;
            }
            mantissa = mantissa.substring(0, end);
        }
        return mantissa + exponent;
    }

    private void comma() {
        if (!first) {
            out.append(',');
        }
        first = false;
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
