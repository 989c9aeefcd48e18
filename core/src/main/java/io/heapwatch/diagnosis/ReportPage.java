package io.heapwatch.diagnosis;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Renders a {@link Diagnosis} as one HTML page: inline CSS and SVG, no scripts; every value escaped. */
final class ReportPage {

    private static final int W = 760;
    private static final int H = 240;
    private static final int PAD = 48;

    private ReportPage() {}

    static String render(Diagnosis d, String jsonPath) {
        Verdict v = d.verdict();
        StringBuilder h = new StringBuilder(16384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>heapwatch report: ")
                .append(esc(d.container()))
                .append("</title><style>")
                .append("body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#1d2733;"
                        + "max-width:1000px}h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;"
                        + "border-bottom:1px solid #d8dee6;padding-bottom:4px}.meta{color:#5b6776}"
                        + ".verdict{padding:12px 16px;border-radius:6px;margin:16px 0;font-size:16px}"
                        + ".leak{background:#fde8e8;border:1px solid #e3a0a0}.ok{background:#e7f5ea;"
                        + "border:1px solid #9fd0aa}table{border-collapse:collapse;width:100%}"
                        + "th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e5e9ef;vertical-align:top}"
                        + "td.n{text-align:right;font-variant-numeric:tabular-nums}code,pre{font:12px/1.4 ui-monospace,"
                        + "Menlo,Consolas,monospace}pre{background:#f4f6f8;padding:8px;overflow-x:auto;margin:4px 0}"
                        + "dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px}dt{color:#5b6776}"
                        + "dd{margin:0}.note{color:#5b6776;font-size:13px}svg text{font:11px sans-serif;fill:#5b6776}"
                        + "tr.path code{overflow-wrap:anywhere}")
                .append("</style></head><body>\n");
        h.append("<h1>heapwatch report</h1><div class=\"meta\">container <b>")
                .append(esc(d.container()))
                .append("</b> &middot; diagnosis #")
                .append(d.id())
                .append(" taken ")
                .append(esc(Instant.ofEpochMilli(d.takenAtMillis()).toString()))
                .append(" (")
                .append(esc(d.trigger()))
                .append(", ")
                .append(d.durationMillis())
                .append(" ms) &middot; <a href=\"")
                .append(esc(jsonPath))
                .append("\">JSON</a></div>\n");

        verdict(h, v);
        chart(h, d);
        routes(h, v);
        types(h, d);
        histogram(h, d.histogram());
        ObjectCountReport counts = d.objectCounts();
        if (counts != null) {
            objectCounts(h, counts);
        }

        h.append("<h2>When this page is not enough</h2><p class=\"note\">Fallback by hand on the host: "
                + "<code>jcmd &lt;pid&gt; GC.class_histogram</code> (forces a full collection; what"
                + " <code>HEAPWATCH_DIAGNOSIS_HISTOGRAM</code> takes for you) and "
                + "<code>jcmd &lt;pid&gt; JFR.dump name=heapwatch-old-object-samples filename=leak.jfr</code> then "
                + "<code>jfr print --events jdk.OldObjectSample leak.jfr</code>. This page shows class names, counts,"
                + " sizes and stack frames only: never object contents.</p>\n");
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void verdict(StringBuilder h, Verdict v) {
        h.append("<h2>Verdict</h2>");
        if (!v.available()) {
            h.append("<div class=\"verdict ok\">").append(esc(v.reason())).append("</div>");
            return;
        }
        h.append("<div class=\"verdict ")
                .append(
                        switch (v.state()) {
                            case "confirmed" -> "leak\"><b>Leak confirmed.</b> ";
                            case "unconfirmed" -> "leak\"><b>Rising, not confirmed.</b> ";
                            default -> "ok\"><b>No evidence of a leak.</b> ";
                        })
                .append(esc(v.reason()))
                .append("</div><dl>");
        dt(h, "live heap floor slope", rate(v.growthBytesPerSecond()));
        dt(h, "growth rate, lower confidence bound", rate(v.growthLowerBound()));
        dt(
                h,
                "time to exhaustion",
                ("unconfirmed".equals(v.state()) ? "at least " : "") + duration(v.secondsToExhaustion()));
        dt(h, "floors analysed", v.floorsUsed() + " over a horizon of " + duration(v.windowSeconds()));
        h.append("</dl>\n");
    }

    private static void chart(StringBuilder h, Diagnosis d) {
        h.append("<h2>Live heap after GC</h2>");
        List<HeapPoint> heap = d.heap();
        if (heap.isEmpty()) {
            h.append("<p class=\"note\">No collection seen yet.</p>");
            return;
        }
        long t0 = heap.get(0).epochMillis();
        long t1 = Math.max(t0 + 1, heap.get(heap.size() - 1).epochMillis());
        long lo = Long.MAX_VALUE;
        long hi = 0;
        for (HeapPoint p : heap) {
            lo = Math.min(lo, p.liveBytes());
            hi = Math.max(hi, p.liveBytes());
        }
        lo = Math.max(0, lo - (hi - lo) / 10);
        hi = Math.max(lo + 1, hi + (hi - lo) / 10);
        h.append("<svg role=\"img\" aria-label=\"live heap after GC\" width=\"")
                .append(W)
                .append("\" height=\"")
                .append(H)
                .append("\" viewBox=\"0 0 ")
                .append(W)
                .append(' ')
                .append(H)
                .append("\" xmlns=\"http://www.w3.org/2000/svg\">");
        h.append("<rect x=\"")
                .append(PAD)
                .append("\" y=\"8\" width=\"")
                .append(W - PAD - 8)
                .append("\" height=\"")
                .append(H - PAD)
                .append("\" fill=\"#fbfcfd\" stroke=\"#d8dee6\"/>");
        for (int i = 0; i <= 4; i++) {
            long bytes = lo + (hi - lo) * i / 4;
            double y = y(bytes, lo, hi);
            h.append("<text x=\"2\" y=\"")
                    .append(fmt("%.1f", y + 4))
                    .append("\">")
                    .append(esc(mib(bytes)))
                    .append("</text>");
        }
        h.append("<text x=\"")
                .append(PAD)
                .append("\" y=\"")
                .append(H - 20)
                .append("\">")
                .append(esc(Instant.ofEpochMilli(t0).toString()))
                .append("</text>");
        h.append("<text x=\"")
                .append(W - 200)
                .append("\" y=\"")
                .append(H - 20)
                .append("\">")
                .append(esc(Instant.ofEpochMilli(t1).toString()))
                .append("</text>");
        h.append("<polyline fill=\"none\" stroke=\"#7a9cc6\" stroke-width=\"1.2\" points=\"");
        for (HeapPoint p : heap) {
            h.append(fmt("%.1f", x(p.epochMillis(), t0, t1)))
                    .append(',')
                    .append(fmt("%.1f", y(p.liveBytes(), lo, hi)))
                    .append(' ');
        }
        h.append("\"/>");
        for (HeapPoint p : d.floors()) {
            if (p.epochMillis() < t0) {
                continue;
            }
            h.append("<circle r=\"3.5\" fill=\"#c0392b\" cx=\"")
                    .append(fmt("%.1f", x(p.epochMillis(), t0, t1)))
                    .append("\" cy=\"")
                    .append(fmt("%.1f", y(p.liveBytes(), lo, hi)))
                    .append("\"/>");
        }
        h.append("<text x=\"")
                .append(PAD + 8)
                .append("\" y=\"")
                .append(H - 4)
                .append("\">line: live heap after each GC &#183; red dots: sub-window floors</text>");
        h.append("</svg>");
        HeapPoint last = heap.get(heap.size() - 1);
        h.append("<p class=\"note\">")
                .append(heap.size())
                .append(" collections, ")
                .append(d.floors().size())
                .append(" floors; latest live heap ")
                .append(esc(mib(last.liveBytes())));
        if (last.maxBytes() > 0) {
            h.append(" of ").append(esc(mib(last.maxBytes())));
        }
        h.append(".</p>\n");
    }

    private static void routes(StringBuilder h, Verdict v) {
        h.append("<h2>Route suspects</h2>");
        if (v.routes().isEmpty()) {
            h.append("<p class=\"note\">None: ").append(esc(v.attribution())).append("</p>\n");
            return;
        }
        h.append("<table><tr><th>method</th><th>route</th><th>retained per request</th><th>correlation</th></tr>");
        for (Verdict.Route r : v.routes()) {
            h.append("<tr><td>")
                    .append(esc(r.method()))
                    .append("</td><td><code>")
                    .append(esc(r.uri()))
                    .append("</code></td><td class=\"n\">")
                    .append(esc(bytes(r.retainedBytesPerRequest())))
                    .append("</td><td class=\"n\">")
                    .append(fmt("%.2f", r.correlation()))
                    .append("</td></tr>");
        }
        h.append("</table><p class=\"note\">").append(esc(v.attribution())).append("</p>\n");
    }

    private static void types(StringBuilder h, Diagnosis d) {
        h.append("<h2>Leaking types</h2><p class=\"note\">Evidence ")
                .append(esc(d.evidence()))
                .append(": ")
                .append(esc(d.evidenceDetail()))
                .append("</p>");
        h.append("<p class=\"note\">Paths to GC roots ")
                .append(esc(d.gcRoots().status()))
                .append(": ")
                .append(esc(d.gcRoots().detail()))
                .append(". Class and field names only, never object contents.</p>");
        if (d.types().isEmpty()) {
            h.append("<p>No type named.</p>\n");
            return;
        }
        String from = d.explainedFrom();
        if (from.equals("histogram") || from.equals("object counts")) {
            h.append("<p>The types listed retained <b>")
                    .append(esc(rate(d.explainedGrowthBytesPerSecond())))
                    .append("</b>, measured by the ")
                    .append(from.equals("histogram") ? "class histograms" : "object counts")
                    .append(" (their attributed growth)");
            if (Double.isFinite(d.explainedFraction())) {
                h.append(": <b>")
                        .append(fmt("%.0f%%", d.explainedFraction() * 100))
                        .append("</b> of the ")
                        .append(esc(rate(d.verdict().growthBytesPerSecond())))
                        .append(" floor slope");
            }
        } else if (from.equals("none")) {
            h.append("<p>Nothing measures how much of the growth the types listed explain");
        } else {
            h.append("<p>The types listed hold <b>")
                    .append(fmt("%.0f%%", d.explainedFraction() * 100))
                    .append("</b> of the surviving samples (a share of samples, not a measured growth)");
            if (Double.isFinite(d.explainedGrowthBytesPerSecond())) {
                h.append(", about <b>")
                        .append(esc(rate(d.explainedGrowthBytesPerSecond())))
                        .append("</b> of the ")
                        .append(esc(rate(d.verdict().growthBytesPerSecond())))
                        .append(" floor slope");
            }
        }
        h.append(".</p><table><tr><th>#</th><th>type</th><th>share</th><th>samples</th><th>est. growth</th>"
                + "<th>retained growth (histogram or object counts)</th><th>application frame</th></tr>");
        int rank = 1;
        for (LeakingType t : d.types()) {
            h.append("<tr><td class=\"n\">")
                    .append(rank++)
                    .append("</td><td><code>")
                    .append(esc(t.type()))
                    .append("</code></td><td class=\"n\">")
                    .append(fmt("%.0f%%", t.share() * 100))
                    .append("</td><td class=\"n\">")
                    .append(t.samples())
                    .append("</td><td class=\"n\">")
                    .append(esc(rate(t.estimatedGrowthBytesPerSecond())))
                    .append("</td><td class=\"n\">")
                    .append(esc(t.attributedGrowthBytes() < 0 ? "n/a" : bytes(t.attributedGrowthBytes())))
                    .append("</td><td><code>")
                    .append(esc(t.applicationFrame().isEmpty() ? "(library code only)" : t.applicationFrame()))
                    .append("</code>")
                    .append(
                            LeakingType.FROM_ALLOCATIONS.equals(t.stacksFrom())
                                    ? " <span class=\"note\">(where it is allocated: no surviving sample)</span>"
                                    : "")
                    .append("</td></tr>");
            GcRootPath p = t.pathToRoot();
            if (p != null) {
                h.append(
                                "<tr class=\"path\"><td></td><td colspan=\"6\"><span class=\"note\">held by (path to a GC root of ")
                        .append(p.samples())
                        .append(p.samples() == 1 ? " sample" : " samples")
                        .append(")</span><br><code>")
                        .append(esc(p.text()))
                        .append("</code></td></tr>");
            }
        }
        h.append("</table>");
        for (LeakingType t : d.types()) {
            h.append("<details><summary>allocation stacks of <code>")
                    .append(esc(t.type()))
                    .append("</code></summary>");
            for (AllocationStack s : t.stacks()) {
                h.append("<p class=\"note\">")
                        .append(s.samples())
                        .append(
                                LeakingType.FROM_ALLOCATIONS.equals(t.stacksFrom())
                                        ? " allocation samples (not survivors)"
                                        : " samples")
                        .append("; application frame <code>")
                        .append(esc(s.applicationFrame().isEmpty() ? "none" : s.applicationFrame()))
                        .append("</code></p><pre>");
                for (String f : s.frames()) {
                    h.append(esc(f)).append('\n');
                }
                h.append("</pre>");
            }
            h.append("</details>");
        }
        h.append("<p class=\"note\">Routes: ").append(esc(d.routeJoin())).append("</p>\n");
    }

    private static void histogram(StringBuilder h, HistogramReport r) {
        h.append("<h2>Class histogram</h2><p class=\"note\">Histogram ")
                .append(esc(r.status()))
                .append(": ")
                .append(esc(r.detail()));
        if (r.pauseMillis() >= 0) {
            h.append(". Its full collection paused the application for about <b>")
                    .append(r.pauseMillis())
                    .append(" ms</b>");
            if (r.gcMillis() >= 0) {
                h.append(" (collectors report ").append(r.gcMillis()).append(" ms)");
            }
        }
        h.append(".</p>");
        if (r.classes().isEmpty()) {
            if (r.baselineAtMillis() >= 0 && r.takenAtMillis() > r.baselineAtMillis()) {
                h.append("<p>No class grew since the baseline histogram.</p>\n");
            }
            return;
        }
        h.append("<table><tr><th>type</th><th>growth</th><th>instances gained</th><th>retained now</th>"
                + "<th>samples</th><th>application frame</th></tr>");
        for (HistogramReport.HistogramClass c : r.classes()) {
            h.append("<tr><td><code>")
                    .append(esc(c.type()))
                    .append("</code></td><td class=\"n\">")
                    .append(esc(bytes(c.growthBytes())))
                    .append("</td><td class=\"n\">")
                    .append(c.growthInstances())
                    .append("</td><td class=\"n\">")
                    .append(esc(bytes(c.bytes())))
                    .append("</td><td class=\"n\">")
                    .append(c.samples())
                    .append("</td><td><code>")
                    .append(esc(
                            c.samples() == 0
                                    ? "(no allocation sample of this type)"
                                    : c.applicationFrame().isEmpty() ? "(library code only)" : c.applicationFrame()))
                    .append("</code></td></tr>");
        }
        h.append("</table>\n");
    }

    private static void objectCounts(StringBuilder h, ObjectCountReport r) {
        h.append("<h2>Object counts after GC</h2><p class=\"note\">Object counts ")
                .append(esc(r.status()))
                .append(": ")
                .append(esc(r.detail()));
        if (r.firstAtMillis() >= 0 && r.latestGcId() != r.firstGcId()) {
            h.append(". From collection ")
                    .append(r.firstGcId())
                    .append(" at ")
                    .append(esc(Instant.ofEpochMilli(r.firstAtMillis()).toString()))
                    .append(" to collection ")
                    .append(r.latestGcId())
                    .append(" at ")
                    .append(esc(Instant.ofEpochMilli(r.latestAtMillis()).toString()));
        }
        h.append(". Class names, counts and sizes only.</p>");
        if (r.classes().isEmpty()) {
            if (r.collections() >= 2) {
                h.append("<p>No counted class grew between the two collections.</p>\n");
            }
            return;
        }
        h.append("<table><tr><th>type</th><th>growth</th><th>instances gained</th><th>live now</th></tr>");
        for (ObjectCountReport.ObjectCountClass c : r.classes()) {
            h.append("<tr><td><code>")
                    .append(esc(c.type()))
                    .append("</code></td><td class=\"n\">")
                    .append(esc((c.absentAtFirst() ? "\u2264 " : "") + bytes(c.growthBytes())))
                    .append("</td><td class=\"n\">")
                    .append(c.growthInstances())
                    .append("</td><td class=\"n\">")
                    .append(esc(bytes(c.bytes())))
                    .append("</td></tr>");
        }
        h.append("</table>");
        if (r.classes().stream().anyMatch(ObjectCountReport.ObjectCountClass::absentAtFirst)) {
            h.append("<p class=\"note\">\u2264: the first collection sent no count for the class (below 0.5% of"
                    + " the used heap), so its growth is counted from zero.</p>");
        }
        h.append('\n');
    }

    private static void dt(StringBuilder h, String term, String value) {
        h.append("<dt>")
                .append(esc(term))
                .append("</dt><dd>")
                .append(esc(value))
                .append("</dd>");
    }

    private static double x(long t, long t0, long t1) {
        return PAD + (W - PAD - 8) * (double) (t - t0) / (t1 - t0);
    }

    private static double y(long bytes, long lo, long hi) {
        return 8 + (H - PAD) * (1 - (double) (bytes - lo) / (hi - lo));
    }

    static String mib(long bytes) {
        return fmt("%.1f MiB", bytes / 1048576.0);
    }

    static String bytes(double b) {
        if (!Double.isFinite(b)) {
            return "n/a";
        }
        return Math.abs(b) >= 1048576
                ? fmt("%.1f MiB", b / 1048576)
                : Math.abs(b) >= 1024 ? fmt("%.1f KiB", b / 1024) : fmt("%.0f B", b);
    }

    static String rate(double bytesPerSecond) {
        return Double.isFinite(bytesPerSecond) ? bytes(bytesPerSecond * 60) + "/min" : "n/a";
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "not in sight";
        }
        if (seconds < 120) {
            return fmt("%.0f s", seconds);
        }
        if (seconds < 7200) {
            return fmt("%.0f min", seconds / 60);
        }
        return seconds < 172800 ? fmt("%.1f h", seconds / 3600) : fmt("%.1f days", seconds / 86400);
    }

    private static String fmt(String pattern, double value) {
        return String.format(Locale.ROOT, pattern, value);
    }

    /** Escapes text for HTML content and double-quoted attributes. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<':
                    b.append("&lt;");
                    break;
                case '>':
                    b.append("&gt;");
                    break;
                case '&':
                    b.append("&amp;");
                    break;
                case '"':
                    b.append("&quot;");
                    break;
                case '\'':
                    b.append("&#39;");
                    break;
                default:
                    b.append(c);
            }
        }
        return b.toString();
    }
}
