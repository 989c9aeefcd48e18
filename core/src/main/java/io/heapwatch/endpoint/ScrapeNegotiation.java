package io.heapwatch.endpoint;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What a scrape asks for: the exposition format (from {@code Accept}, honouring quality values, so that {@code q=0}
 * refuses a format) and whether the body may be gzipped (from {@code Accept-Encoding}). The formats and their writers
 * are the Prometheus client's ({@link ExpositionFormats}); this class only ranks the media ranges of the request and
 * asks the client which writer serves each one.
 */
final class ScrapeNegotiation {

    private ScrapeNegotiation() {}

    /**
     * The writer for the acceptable media range of highest quality that one of the writers serves; the Prometheus
     * text format when there is no {@code Accept} header or none of its ranges is served. Ranges of equal quality keep
     * the request's order. Uses only what the client has offered since 1.3 (Spring Boot 3.5 manages 1.3.x), so metric
     * names are escaped as the writers do by default; Micrometer's names need no escaping.
     */
    static ExpositionFormatWriter choose(ExpositionFormats formats, @Nullable Enumeration<String> acceptHeaders) {
        for (MediaRange range : sorted(acceptHeaders)) {
            if (range.quality <= 0.0) {
                break;
            }
            ExpositionFormatWriter writer = formats.findWriter(range.text);
            if (!writer.isAvailable()) {
                continue;
            }
            if (writer.accepts(range.text) || (range.wildcard() && writer == formats.getPrometheusTextFormatWriter())) {
                return writer;
            }
        }
        return formats.getPrometheusTextFormatWriter();
    }

    /** Whether {@code Accept-Encoding} lists {@code gzip} with a quality above zero. */
    static boolean gzip(@Nullable Enumeration<String> acceptEncodingHeaders) {
        if (acceptEncodingHeaders == null) {
            return false;
        }
        while (acceptEncodingHeaders.hasMoreElements()) {
            for (String coding : acceptEncodingHeaders.nextElement().split(",")) {
                MediaRange c = MediaRange.parse(coding);
                if (c != null && c.type.equals("gzip") && c.quality > 0.0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<MediaRange> sorted(@Nullable Enumeration<String> headers) {
        if (headers == null) {
            return List.of();
        }
        List<MediaRange> ranges = new ArrayList<>();
        while (headers.hasMoreElements()) {
            for (String part : headers.nextElement().split(",")) {
                MediaRange r = MediaRange.parse(part);
                if (r != null) {
                    ranges.add(r);
                }
            }
        }
        // Stable: ranges of equal quality keep the order the client gave them.
        ranges.sort(Collections.reverseOrder((a, b) -> Double.compare(a.quality, b.quality)));
        return ranges;
    }

    /** One element of {@code Accept} or {@code Accept-Encoding}: its type (lower case), quality and full text. */
    private static final class MediaRange {
        final String type;
        final double quality;
        final String text;

        private MediaRange(String type, double quality, String text) {
            this.type = type;
            this.quality = quality;
            this.text = text;
        }

        boolean wildcard() {
            return type.equals("*/*") || type.equals("text/*");
        }

        static @Nullable MediaRange parse(String element) {
            String[] params = element.split(";");
            String type = params[0].trim().toLowerCase(Locale.ROOT);
            if (type.isEmpty()) {
                return null;
            }
            double q = 1.0;
            for (int i = 1; i < params.length; i++) {
                String p = params[i].trim();
                if (p.length() > 1 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
                    try {
                        q = Double.parseDouble(p.substring(2).trim());
                    } catch (NumberFormatException e) {
                        q = 0.0;
                    }
                    if (!(q >= 0.0 && q <= 1.0)) {
                        q = 0.0;
                    }
                }
            }
            return new MediaRange(type, q, element.trim());
        }
    }
}
