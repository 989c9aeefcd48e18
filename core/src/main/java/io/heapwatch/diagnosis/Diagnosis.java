package io.heapwatch.diagnosis;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One diagnosis: the verdict with its evidence, the leaking types with their allocation stacks, how much of the
 * growth they explain, and the live heap's recent history. Immutable; {@link #toJson()} writes the documented
 * document (schema {@value #SCHEMA}, see {@code docs/diagnosis-schema.md}).
 *
 * @param id a sequence number, 1 for the first diagnosis of this process
 * @param takenAtMillis when it was taken (epoch milliseconds)
 * @param trigger {@code verdict} (a new leak verdict) or {@code request} (asked for)
 * @param durationMillis how long taking it took
 * @param container the {@code container} tag value
 * @param verdict the leak detector's verdict
 * @param evidence {@code on}, {@code off} or {@code failed}
 * @param evidenceDetail why the evidence is off or failed, or what it holds
 * @param samplesRead the samples read from the recording: those the sampler held at the diagnosis, and with periodic
 *     writes ({@link DiagnosisSettings#writeInterval()}) every object of the recording's writes, once
 * @param samplesUsed those allocated in the window that survived two collections (the ranked ones)
 * @param types the leaking types, largest share first
 * @param explainedFraction how much of the growth the listed types explain: with a retained growth
 *     ({@code explainedFrom} {@code histogram} or {@code object counts}) their measured growth rate over the floor
 *     slope; from samples alone, the share of the ranked samples they hold. {@code NaN} when unknown
 * @param explainedGrowthBytesPerSecond the listed types' growth rate: measured from the retained growth (their
 *     attributed bytes over the time between the two histograms or counting collections), or from samples alone
 *     {@code explainedFraction} times the floor slope. {@code NaN} when unknown
 * @param explainedFrom what the two values above come from: {@code histogram}, {@code object counts},
 *     {@code samples} (a share of samples, not a measured growth) or {@code none}
 * @param routeJoin how types and routes are joined
 * @param heap the live heap after each recent collection, oldest first
 * @param floors the lowest live heap of each sub-window, oldest first
 * @param histogram the class histogram's status, pause and growth ({@code off} unless
 *     {@code HEAPWATCH_DIAGNOSIS_HISTOGRAM} is on)
 * @param gcRoots the search for paths to GC roots: its status and what the dump cost ({@code off} unless
 *     {@code HEAPWATCH_DIAGNOSIS_GC_ROOTS} is on)
 * @param objectCounts the growth between two collections' {@code jdk.ObjectCountAfterGC}, {@code null} (and absent
 *     from the document) unless {@code HEAPWATCH_DIAGNOSIS_OBJECT_COUNT} is on
 */
public record Diagnosis(
        long id,
        long takenAtMillis,
        String trigger,
        long durationMillis,
        String container,
        Verdict verdict,
        String evidence,
        String evidenceDetail,
        int samplesRead,
        int samplesUsed,
        List<LeakingType> types,
        double explainedFraction,
        double explainedGrowthBytesPerSecond,
        String explainedFrom,
        String routeJoin,
        List<HeapPoint> heap,
        List<HeapPoint> floors,
        HistogramReport histogram,
        GcRootsReport gcRoots,
        @Nullable ObjectCountReport objectCounts) {

    /** The schema identifier written as {@code schema}. */
    public static final String SCHEMA = "heapwatch.diagnosis/1";

    /** Copies the lists. */
    public Diagnosis {
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(evidence, "evidence");
        Objects.requireNonNull(evidenceDetail, "evidenceDetail");
        Objects.requireNonNull(explainedFrom, "explainedFrom");
        Objects.requireNonNull(routeJoin, "routeJoin");
        Objects.requireNonNull(histogram, "histogram");
        Objects.requireNonNull(gcRoots, "gcRoots");
        types = List.copyOf(types);
        heap = List.copyOf(heap);
        floors = List.copyOf(floors);
    }

    /** The document as JSON. */
    public String toJson() {
        Json j = new Json().begin();
        j.name("schema").value(SCHEMA);
        j.name("id").value(id);
        j.name("takenAt").value(java.time.Instant.ofEpochMilli(takenAtMillis).toString());
        j.name("trigger").value(trigger);
        j.name("durationMillis").value(durationMillis);
        j.name("container").value(container);
        j.name("verdict").begin();
        j.name("available").value(verdict.available());
        j.name("suspected").value(verdict.suspected());
        j.name("state").value(verdict.state());
        j.name("reason").value(verdict.reason());
        j.name("growthBytesPerSecond").value(verdict.growthBytesPerSecond());
        j.name("growthLowerBound").value(verdict.growthLowerBound());
        j.name("secondsToExhaustion").value(verdict.secondsToExhaustion());
        j.name("floorsUsed").value(verdict.floorsUsed());
        j.name("windowSeconds").value(verdict.windowSeconds());
        j.name("attribution").value(verdict.attribution());
        j.name("routes").beginArray();
        for (Verdict.Route r : verdict.routes()) {
            j.begin();
            j.name("method").value(r.method());
            j.name("uri").value(r.uri());
            j.name("retainedBytesPerRequest").value(r.retainedBytesPerRequest());
            j.name("correlation").value(r.correlation());
            j.end();
        }
        j.endArray().end();
        j.name("evidence").begin();
        j.name("status").value(evidence);
        j.name("detail").value(evidenceDetail);
        j.name("samplesRead").value(samplesRead);
        j.name("samplesUsed").value(samplesUsed);
        j.end();
        j.name("types").beginArray();
        for (LeakingType t : types) {
            j.begin();
            j.name("type").value(t.type());
            j.name("samples").value(t.samples());
            j.name("share").value(t.share());
            j.name("sampledBytes").value(t.sampledBytes());
            j.name("estimatedGrowthBytesPerSecond").value(t.estimatedGrowthBytesPerSecond());
            j.name("applicationFrame").value(t.applicationFrame());
            j.name("histogramGrowthBytes").value(t.histogramGrowthBytes());
            j.name("attributedGrowthBytes").value(t.attributedGrowthBytes());
            j.name("stacksFrom").value(t.stacksFrom());
            path(j, t.pathToRoot());
            j.name("stacks").beginArray();
            for (AllocationStack s : t.stacks()) {
                j.begin();
                j.name("samples").value(s.samples());
                j.name("applicationFrame").value(s.applicationFrame());
                j.name("frames").beginArray();
                for (String f : s.frames()) {
                    j.value(f);
                }
                j.endArray().end();
            }
            j.endArray().end();
        }
        j.endArray();
        j.name("growth").begin();
        j.name("liveHeapBytesPerSecond").value(verdict.growthBytesPerSecond());
        j.name("explainedFraction").value(explainedFraction);
        j.name("explainedBytesPerSecond").value(explainedGrowthBytesPerSecond);
        j.name("explainedFrom").value(explainedFrom);
        j.end();
        histogram(j, histogram);
        if (objectCounts != null) {
            objectCounts(j, objectCounts);
        }
        j.name("gcRoots").begin();
        j.name("status").value(gcRoots.status());
        j.name("detail").value(gcRoots.detail());
        j.name("cutoffMillis").value(gcRoots.cutoffMillis());
        j.name("dumpMillis").value(gcRoots.dumpMillis());
        j.name("searchMillis").value(gcRoots.searchMillis());
        j.name("samplesWithPath").value(gcRoots.samplesWithPath());
        j.end();
        j.name("routeJoin").value(routeJoin);
        j.name("heap").beginArray();
        points(j, heap);
        j.endArray();
        j.name("floors").beginArray();
        points(j, floors);
        j.endArray();
        return j.end().toString();
    }

    private static void path(Json j, @Nullable GcRootPath p) {
        j.name("pathToRoot");
        if (p == null) {
            j.nullValue();
            return;
        }
        j.begin();
        j.name("samples").value(p.samples());
        j.name("links").beginArray();
        for (GcRootPath.Link l : p.links()) {
            j.begin();
            j.name("holder").value(l.holder());
            j.name("kind").value(l.kind());
            j.name("field").value(l.field());
            j.name("declaredBy").value(l.declaredBy());
            j.name("skippedBefore").value(l.skippedBefore());
            j.end();
        }
        j.endArray();
        j.name("root").begin();
        j.name("system").value(p.rootSystem());
        j.name("kind").value(p.rootKind());
        j.end();
        j.name("skipped").value(p.skipped());
        j.name("text").value(p.text());
        j.end();
    }

    private static void histogram(Json j, HistogramReport h) {
        j.name("histogram").begin();
        j.name("status").value(h.status());
        j.name("detail").value(h.detail());
        j.name("pauseMillis").value(h.pauseMillis());
        j.name("gcMillis").value(h.gcMillis());
        j.name("takenAt").value(instant(h.takenAtMillis()));
        j.name("baselineAt").value(instant(h.baselineAtMillis()));
        j.name("classes").beginArray();
        for (HistogramReport.HistogramClass c : h.classes()) {
            j.begin();
            j.name("type").value(c.type());
            j.name("instances").value(c.instances());
            j.name("bytes").value(c.bytes());
            j.name("growthInstances").value(c.growthInstances());
            j.name("growthBytes").value(c.growthBytes());
            j.name("samples").value(c.samples());
            j.name("applicationFrame").value(c.applicationFrame());
            j.end();
        }
        j.endArray().end();
    }

    private static void objectCounts(Json j, ObjectCountReport o) {
        j.name("objectCounts").begin();
        j.name("status").value(o.status());
        j.name("detail").value(o.detail());
        j.name("collections").value(o.collections());
        j.name("firstGcId").value(o.firstGcId());
        j.name("firstAt").value(instant(o.firstAtMillis()));
        j.name("latestGcId").value(o.latestGcId());
        j.name("latestAt").value(instant(o.latestAtMillis()));
        j.name("classes").beginArray();
        for (ObjectCountReport.ObjectCountClass c : o.classes()) {
            j.begin();
            j.name("type").value(c.type());
            j.name("instances").value(c.instances());
            j.name("bytes").value(c.bytes());
            j.name("growthInstances").value(c.growthInstances());
            j.name("growthBytes").value(c.growthBytes());
            j.name("absentAtFirst").value(c.absentAtFirst());
            j.end();
        }
        j.endArray().end();
    }

    /** An ISO-8601 instant, empty for -1. */
    private static String instant(long epochMillis) {
        return epochMillis < 0
                ? ""
                : java.time.Instant.ofEpochMilli(epochMillis).toString();
    }

    private static void points(Json j, List<HeapPoint> points) {
        for (HeapPoint p : points) {
            j.beginArray()
                    .value(p.epochMillis())
                    .value(p.liveBytes())
                    .value(p.maxBytes())
                    .endArray();
        }
    }
}
