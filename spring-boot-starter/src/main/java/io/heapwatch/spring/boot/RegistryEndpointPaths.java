package io.heapwatch.spring.boot;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The request paths that can reach an Actuator endpoint which renders the meter registry, for example
 * {@code /actuator/prometheus} and {@code /actuator/metrics}, and a matcher that errs on the side of matching.
 *
 * <p>A request matches when its path, after the context path, begins with the segments of one of the paths: so
 * {@code /actuator/metrics/heapwatch.heap.used} matches {@code /actuator/metrics}. Segments are compared the way Spring
 * MVC could route them, and more loosely: percent-escapes are decoded ({@code %70rometheus}), matrix parameters are
 * dropped ({@code prometheus;a=b}), empty and {@code .} segments are skipped ({@code //actuator/prometheus/}), and ASCII
 * letters compare without case ({@code /ACTUATOR/Prometheus}). Both the raw request URI and the container's decoded,
 * normalized servlet path are checked, so {@code ..} segments resolved by the container are covered too. Matching
 * allocates nothing.
 */
final class RegistryEndpointPaths {

    /** No path: nothing matches. */
    static final RegistryEndpointPaths NONE = new RegistryEndpointPaths(List.of(), new byte[0][][]);

    private final List<String> paths;
    /** Per path, its segments as lower-case UTF-8 bytes. */
    private final byte[][][] targets;

    private RegistryEndpointPaths(List<String> paths, byte[][][] targets) {
        this.paths = paths;
        this.targets = targets;
    }

    /** Paths relative to the servlet context, for example {@code /actuator/prometheus}. */
    static RegistryEndpointPaths of(Collection<String> paths) {
        List<String> kept = new ArrayList<>();
        List<byte[][]> targets = new ArrayList<>();
        for (String path : paths) {
            if (!kept.contains(path)) {
                kept.add(path);
                targets.add(segments(path));
            }
        }
        return new RegistryEndpointPaths(List.copyOf(kept), targets.toArray(new byte[0][][]));
    }

    private static byte[][] segments(String path) {
        List<byte[]> segments = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty() && !segment.equals(".")) {
                segments.add(segment.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            }
        }
        return segments.toArray(new byte[0][]);
    }

    /** The paths, as given. */
    List<String> paths() {
        return paths;
    }

    boolean isEmpty() {
        return targets.length == 0;
    }

    /** Whether the request could reach one of the endpoints. */
    boolean matches(HttpServletRequest request) {
        if (targets.length == 0) {
            return false;
        }
        String uri = request.getRequestURI();
        String contextPath = request.getContextPath();
        if (uri != null) {
            int from = contextPath != null && uri.startsWith(contextPath) ? contextPath.length() : 0;
            if (matches(uri, from, null)) {
                return true;
            }
        }
        String servletPath = request.getServletPath();
        return matches(servletPath == null ? "" : servletPath, 0, request.getPathInfo());
    }

    /** Whether {@code first} from {@code from}, followed by {@code second}, begins with one of the paths. */
    boolean matches(String first, int from, @Nullable String second) {
        for (byte[][] target : targets) {
            int matched = matchSegments(first, from, target, 0);
            if (matched >= 0 && matched < target.length && second != null) {
                matched = matchSegments(second, 0, target, matched);
            }
            if (matched == target.length) {
                return true;
            }
        }
        return false;
    }

    /**
     * Compares the segments of {@code path} from {@code from} with {@code target}'s, starting at target segment
     * {@code next}: the number of target segments matched when all are or the path ends, or -1 at a mismatch.
     */
    private static int matchSegments(String path, int from, byte[][] target, int next) {
        int pos = from;
        int length = path.length();
        while (next < target.length) {
            while (pos < length && path.charAt(pos) == '/') {
                pos++;
            }
            if (pos >= length) {
                return next;
            }
            int end = path.indexOf('/', pos);
            if (end < 0) {
                end = length;
            }
            int contentEnd = path.indexOf(';', pos);
            if (contentEnd < 0 || contentEnd > end) {
                contentEnd = end;
            }
            boolean skipped = contentEnd == pos || (contentEnd == pos + 1 && path.charAt(pos) == '.');
            if (!skipped) {
                if (!segmentEquals(path, pos, contentEnd, target[next])) {
                    return -1;
                }
                next++;
            }
            pos = end;
        }
        return next;
    }

    /**
     * Whether {@code path[start, end)}, percent-decoded and with non-ASCII characters as UTF-8, equals
     * {@code expected} (lower-case), comparing ASCII letters without case.
     */
    private static boolean segmentEquals(String path, int start, int end, byte[] expected) {
        int k = 0;
        int i = start;
        while (i < end) {
            char c = path.charAt(i);
            if (c == '%' && i + 2 < end && hex(path.charAt(i + 1)) >= 0 && hex(path.charAt(i + 2)) >= 0) {
                int b = hex(path.charAt(i + 1)) * 16 + hex(path.charAt(i + 2));
                if (k >= expected.length || lower(b) != expected[k++]) {
                    return false;
                }
                i += 3;
                continue;
            }
            i++;
            int codePoint = c;
            if (Character.isHighSurrogate(c) && i < end && Character.isLowSurrogate(path.charAt(i))) {
                codePoint = Character.toCodePoint(c, path.charAt(i));
                i++;
            }
            int bytes = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (k + bytes > expected.length) {
                return false;
            }
            if (bytes == 1) {
                if (lower(codePoint) != expected[k++]) {
                    return false;
                }
                continue;
            }
            int lead = bytes == 2 ? 0xc0 : bytes == 3 ? 0xe0 : 0xf0;
            if ((byte) (lead | (codePoint >>> (6 * (bytes - 1)))) != expected[k++]) {
                return false;
            }
            for (int shift = 6 * (bytes - 2); shift >= 0; shift -= 6) {
                if ((byte) (0x80 | ((codePoint >>> shift) & 0x3f)) != expected[k++]) {
                    return false;
                }
            }
        }
        return k == expected.length;
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static byte lower(int b) {
        return (byte) (b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b);
    }
}
