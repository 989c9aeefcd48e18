package io.heapwatch.diagnosis;

import io.heapwatch.gc.GcEventTracker;
import io.heapwatch.leak.LeakDetector;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes diagnoses: on a new leak verdict (checked every {@link DiagnosisSettings#pollInterval()}) and on request,
 * at most one every {@link DiagnosisSettings#minInterval()}. Each new diagnosis is logged in one line.
 *
 * <pre>{@code
 * LeakDiagnostics diagnostics = new LeakDiagnostics(settings, tracker, detector, "app", window, subWindow);
 * diagnostics.start();
 * Diagnosis d = diagnostics.diagnosis(); // the latest, or a fresh one when none is recent
 * }</pre>
 *
 * {@link #close()} stops the thread, closes the recording and deletes its temporary directory.
 */
public final class LeakDiagnostics implements AutoCloseable {

    static final String THREAD_NAME = "heapwatch-diagnosis";
    static final String ROUTE_JOIN = "not per sample: the sampled allocations carry their thread, and servlet threads"
            + " are pooled, so a type is not joined to the request that allocated it. The routes are the leak"
            + " detector's suspects (their traffic follows the floor); the application frame names the code.";

    /**
     * The youngest part of the observed span. A group whose samples were all allocated in it ranks after the groups
     * with an older sample: a bounded cache or a queue keeps only recent allocations alive, while a leak keeps its
     * survivors of every age (when the heap churns, the JVM's sampler often keeps recent survivors rather than old
     * ones, so a leak's samples can be mostly young too, and are still counted). With a retained growth (a class
     * histogram or object counts) the young samples are left out instead: they would split a type's growth with a
     * bounded cache.
     */
    static final double YOUNG_FRACTION = 0.25;

    private static final Logger log = LoggerFactory.getLogger(LeakDiagnostics.class);

    private final DiagnosisSettings settings;
    private final GcEventTracker tracker;
    private final DetectorView detector;
    private final String container;
    private final Duration window;
    private final Duration subWindow;
    private final Clock clock;
    private final HeapHistory history = new HeapHistory();
    private final ReentrantLock taking = new ReentrantLock();
    private volatile @Nullable Diagnosis latest;
    private volatile long lastStartMillis = Long.MIN_VALUE / 2;
    private long sequence;
    private boolean pendingVerdict;
    private boolean lastSuspected;
    private @Nullable OldObjectEvidence evidence;
    private long evidenceStartMillis;
    private String evidenceStatus;
    private String evidenceDetail;
    private @Nullable ScheduledExecutorService executor;
    private boolean closed;
    private long writes;
    private long writeNanos;
    private final @Nullable ClassHistograms histograms;

    /**
     * @param settings the settings
     * @param tracker the GC tracker whose after-GC live heap is kept for the history
     * @param detector the leak detector, or {@code null} when leak detection is off
     * @param container the {@code container} tag value
     * @param window the leak detector's window (samples allocated before it are not ranked)
     * @param subWindow its sub-window (the floors' width)
     */
    public LeakDiagnostics(
            DiagnosisSettings settings,
            GcEventTracker tracker,
            @Nullable LeakDetector detector,
            String container,
            Duration window,
            Duration subWindow) {
        this(
                settings,
                tracker,
                detector,
                container,
                window,
                subWindow,
                Clock.systemUTC(),
                ClassHistograms::fromPlatformMBean);
    }

    LeakDiagnostics(
            DiagnosisSettings settings,
            GcEventTracker tracker,
            @Nullable LeakDetector detector,
            String container,
            Duration window,
            Duration subWindow,
            Clock clock,
            ClassHistograms.Source histogramSource) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.tracker = Objects.requireNonNull(tracker, "tracker");
        this.detector = new DetectorView(detector);
        this.container = Objects.requireNonNull(container, "container");
        this.window = Objects.requireNonNull(window, "window");
        this.subWindow = Objects.requireNonNull(subWindow, "subWindow");
        this.clock = clock;
        this.evidenceStatus = "off";
        this.evidenceDetail = "HEAPWATCH_DIAGNOSIS=false: no allocation samples are recorded";
        this.histograms = settings.histogram()
                ? new ClassHistograms(
                        histogramSource,
                        settings.minInterval().toMillis(),
                        window.toMillis(),
                        ClassHistogram.MAX_CLASSES)
                : null;
    }

    /** Starts the recording (when the evidence is on) and the verdict-watching thread. Idempotent. */
    public synchronized void start() {
        if (closed || executor != null) {
            return;
        }
        tracker.addListener(history);
        if (settings.evidence()) {
            try {
                evidence = OldObjectEvidence.start(
                        settings.maxRecordingBytes(),
                        window.plus(subWindow),
                        settings.histogram(),
                        settings.gcRoots() ? DiagnosisSettings.GC_ROOTS_CUTOFF : Duration.ZERO,
                        settings.objectCount());
                evidenceStartMillis = clock.millis();
                evidenceStatus = "on";
                evidenceDetail = (settings.gcRoots()
                                ? "jdk.OldObjectSample with stack traces and paths to GC roots (cutoff "
                                        + DiagnosisSettings.GC_ROOTS_CUTOFF.toMillis() + " ms)"
                                : "jdk.OldObjectSample with stack traces, no paths to GC roots")
                        + (settings.histogram()
                                ? "; jdk.ObjectAllocationSample at " + OldObjectEvidence.ALLOCATION_THROTTLE
                                        + " for the allocation sites of types the histogram sees grow"
                                : "")
                        + (settings.objectCount()
                                ? "; " + ObjectCounts.EVENT + " for the live instances per class after the"
                                        + " collections that count them"
                                : "");
            } catch (RuntimeException e) {
                evidenceStatus = "failed";
                evidenceDetail = "the recording did not start: " + e;
                log.warn("heapwatch: the allocation-sample recording did not start; diagnoses will name no types", e);
            }
        }
        ScheduledExecutorService service = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, THREAD_NAME);
            t.setDaemon(true);
            return t;
        });
        if (histograms != null) {
            // The baseline histogram, at once and off the caller's thread: growth is measured from it.
            service.execute(this::baselineSafely);
        }
        long poll = settings.pollInterval().toMillis();
        service.scheduleWithFixedDelay(this::pollSafely, poll, poll, TimeUnit.MILLISECONDS);
        long write = writesOn() ? settings.writeInterval().toMillis() : 0;
        if (evidence != null && write > 0) {
            service.scheduleWithFixedDelay(this::writeSafely, write, write, TimeUnit.MILLISECONDS);
        }
        executor = service;
    }

    /** The latest diagnosis, or {@code null} before the first. */
    public @Nullable Diagnosis latest() {
        return latest;
    }

    /**
     * The latest diagnosis when it is younger than {@link DiagnosisSettings#maxAge()}; otherwise a fresh one, unless
     * the rate limit forbids it, in which case the latest (or a fresh one when there is none yet).
     */
    public Diagnosis diagnosis() {
        Diagnosis d = latest;
        long now = clock.millis();
        if (d != null && now - d.takenAtMillis() <= settings.maxAge().toMillis()) {
            return d;
        }
        Diagnosis fresh = take("request");
        return fresh != null ? fresh : Objects.requireNonNull(latest);
    }

    /**
     * Takes a fresh diagnosis unless one was started within {@link DiagnosisSettings#minInterval()} (then returns
     * {@code null}; the first diagnosis is never refused). Waits while another is being taken.
     */
    public @Nullable Diagnosis take(String trigger) {
        taking.lock();
        try {
            long now = clock.millis();
            if (latest != null && now - lastStartMillis < settings.minInterval().toMillis()) {
                return null;
            }
            lastStartMillis = now;
            Diagnosis d = compute(trigger, now);
            latest = d;
            logLine(d);
            return d;
        } finally {
            taking.unlock();
        }
    }

    /**
     * The samples that were seen alive, at their latest write, after two collections since their allocation: what a
     * diagnosis reads from every write. A sample the sampler let go of since its write may have died since; one that
     * lived through two collections is a retained object's more often than not, and the age tier and a growth rank
     * the rest.
     */
    static List<ObjectSample> survivedTwo(List<ObjectSample> samples, HeapHistory history) {
        long[] collections = history.collectionTimes();
        List<ObjectSample> kept = new ArrayList<>();
        for (ObjectSample s : samples) {
            long written = s.allocationMillis() + s.ageMillis();
            if (HeapHistory.between(collections, s.allocationMillis(), written) >= 2) {
                kept.add(s);
            }
        }
        return kept;
    }

    /**
     * The samples of a dump a diagnosis goes on with, and the allocation time before which it ranks them
     * ({@code survivedBefore} of {@link #rank}).
     */
    record Survivors(List<ObjectSample> samples, long survivedBefore) {}

    /**
     * The samples of a dump that survived, by what the dump read. Its own write ({@code everyWrite} false) holds the
     * objects alive now: those allocated before the second latest collection (the latest when only one was seen, none
     * before any) lived through two. Every write ({@code everyWrite}) holds objects that may have died since: only
     * those {@link #survivedTwo} are kept, and no time bounds them again (the collection seen second latest need not
     * be the second latest in time when the wall clock stepped back).
     */
    static Survivors survivors(List<ObjectSample> samples, boolean everyWrite, HeapHistory history) {
        List<ObjectSample> read = samples;
        long survived = history.collectionTime(2);
        if (survived == Long.MIN_VALUE) {
            survived = history.collectionTime(1);
        }
        if (everyWrite) {
            read = survivedTwo(read, history);
            survived = Long.MAX_VALUE;
        }
        return new Survivors(read, survived);
    }

    /** The samples a diagnosis ranks and the ranked types. */
    record Ranked(List<ObjectSample> samples, List<LeakingType> types) {}

    /**
     * Ranks the samples allocated from {@code from} and before {@code survivedBefore} (alive after the last two
     * collections; {@link Long#MAX_VALUE} when the samples were already kept by {@link #survivedTwo}). With a retained growth the types rank by it, and the samples allocated from {@code youngFrom} on
     * are left out: they would split a type's growth with a bounded cache. Without one every such sample is ranked,
     * and an entry with no sample older than {@code youngFrom} ranks after the entries that have one.
     */
    static Ranked rank(
            List<ObjectSample> samples,
            long from,
            long survivedBefore,
            long youngFrom,
            DiagnosisSettings settings,
            double slope,
            @Nullable List<ClassHistogram.Growth> growth,
            List<AllocationSite> sites) {
        long before = growth != null ? Math.min(survivedBefore, youngFrom) : survivedBefore;
        List<ObjectSample> kept = new ArrayList<>();
        for (ObjectSample s : samples) {
            if (s.allocationMillis() >= from && s.allocationMillis() < before) {
                kept.add(s);
            }
        }
        List<LeakingType> types = kept.isEmpty() && (growth == null || sites.isEmpty())
                ? List.of()
                : Ranking.rank(kept, settings, slope, growth, sites, youngFrom);
        return new Ranked(kept, types);
    }

    private Diagnosis compute(String trigger, long now) {
        long t0 = System.nanoTime();
        Verdict verdict = detector.verdict();
        List<HeapPoint> heap = history.since(now - window.toMillis());
        List<HeapPoint> floors = HeapHistory.floors(heap, Math.max(1, subWindow.toMillis()));
        String status;
        String detail;
        OldObjectEvidence ev;
        long observedFrom;
        synchronized (this) {
            status = evidenceStatus;
            detail = evidenceDetail;
            ev = evidence;
            observedFrom = Math.max(now - window.toMillis(), evidenceStartMillis);
        }
        List<ObjectSample> read = List.of();
        List<AllocationSite> sites = List.of();
        long youngFrom = Long.MIN_VALUE;
        long survived = Long.MIN_VALUE;
        OldObjectEvidence.Read dump = null;
        int readTotal = 0;
        String dumpFailure = "";
        if (ev != null) {
            try {
                boolean everyWrite = writesOn();
                dump = everyWrite ? ev.dumpEveryWrite() : ev.dump();
                sites = dump.sites();
                readTotal = dump.samples().size();
                Survivors survivors = survivors(dump.samples(), everyWrite, history);
                read = survivors.samples();
                survived = survivors.survivedBefore();
                youngFrom = now - (long) ((now - observedFrom) * YOUNG_FRACTION);
            } catch (Exception | LinkageError e) {
                status = "failed";
                detail = "reading the recording failed: " + e;
                dumpFailure = detail;
                log.warn("heapwatch: reading the allocation samples failed", e);
            }
        }
        double slope = verdict.growthBytesPerSecond();
        ClassHistograms.Result histogram = histograms == null ? null : histograms.take(now);
        List<ClassHistogram.Growth> growth =
                histogram == null || histogram.growth().isEmpty() ? null : histogram.growth();
        // Without a histogram growth the object counts' growth is the ranking's: the same per-class retained growth,
        // between the first and the latest collection that counted objects instead of two histograms.
        ObjectCounts counted = dump == null ? null : dump.objectCounts();
        List<ObjectCounts.Growth> countedGrowth = counted == null ? List.of() : counted.growth();
        boolean countsRank = growth == null && !countedGrowth.isEmpty();
        if (countsRank) {
            growth = asGrowth(countedGrowth);
        }
        Ranked ranked = rank(read, observedFrom, survived, youngFrom, settings, slope, growth, sites);
        List<ObjectSample> used = ranked.samples();
        List<LeakingType> types = ranked.types();
        if (dump != null && dumpFailure.isEmpty()) {
            String young = "the youngest quarter of the " + (now - observedFrom) / 1000 + " s observed";
            String alive;
            if (!writesOn()) {
                detail = "jdk.OldObjectSample: " + readTotal + " surviving samples, " + used.size();
                alive = "alive after the last two collections";
            } else {
                long every = settings.writeInterval().toMillis();
                detail = "jdk.OldObjectSample: " + readTotal + " samples in the writes of the recording (every "
                        + (every % 1000 == 0 ? every / 1000 + " s" : every + " ms") + " and at each diagnosis), "
                        + read.size()
                        + " seen alive two collections after their allocation, " + used.size();
                alive = "seen alive two collections after their allocation";
            }
            detail += growth != null
                    ? " ranked: allocated in the window, " + alive + " and older than " + young
                    : " ranked: allocated in the window and " + alive + "; groups with a sample older than " + young
                            + " rank first";
        }
        long growthSpanMillis = -1;
        String growthFrom = "";
        ObjectCounts.Collection countedFirst = counted == null ? null : counted.first();
        ObjectCounts.Collection countedLatest = counted == null ? null : counted.latest();
        ClassHistogram histogramLatest = histogram == null ? null : histogram.latest();
        ClassHistogram histogramBaseline = histogram == null ? null : histogram.baseline();
        if (countsRank && countedFirst != null && countedLatest != null) {
            growthSpanMillis = countedLatest.atMillis() - countedFirst.atMillis();
            growthFrom = "object counts";
        } else if (growth != null && histogramLatest != null && histogramBaseline != null) {
            growthSpanMillis = histogramLatest.takenAtMillis() - histogramBaseline.takenAtMillis();
            growthFrom = "histogram";
        }
        Explained explained = explained(types, !used.isEmpty(), slope, growthFrom, growthSpanMillis);
        long id;
        synchronized (this) {
            id = ++sequence;
        }
        return new Diagnosis(
                id,
                now,
                trigger,
                (System.nanoTime() - t0) / 1_000_000,
                container,
                verdict,
                status,
                detail,
                readTotal,
                used.size(),
                types,
                explained.fraction(),
                explained.bytesPerSecond(),
                explained.from(),
                ROUTE_JOIN,
                heap,
                floors,
                histogram == null ? HistogramReport.off() : report(histogram, used),
                gcRoots(ev != null, dump, dumpFailure),
                settings.objectCount() ? objectCounts(ev != null, dump, dumpFailure, countsRank) : null);
    }

    /** How much of the growth the listed types explain, and what says so. */
    record Explained(double fraction, double bytesPerSecond, String from) {}

    /**
     * How much of the growth the listed types explain. With a retained growth ({@code growthFrom} names it, measured
     * over {@code growthSpanMillis}), their attributed bytes over that time give a growth rate, compared with the floor
     * {@code slope}: a diagnosis whose types explain a tenth of the growth says so. From samples alone there is no
     * measured growth: the share of the ranked samples they hold, times the slope.
     */
    static Explained explained(
            List<LeakingType> types, boolean ranked, double slope, String growthFrom, long growthSpanMillis) {
        if (!growthFrom.isEmpty() && growthSpanMillis > 0) {
            long bytes = 0;
            for (LeakingType t : types) {
                bytes += Math.max(0, t.attributedGrowthBytes());
            }
            double rate = bytes / (growthSpanMillis / 1000.0);
            return new Explained(slope > 0 ? rate / slope : Double.NaN, rate, growthFrom);
        }
        if (!ranked) {
            return new Explained(Double.NaN, Double.NaN, "none");
        }
        double share = 0;
        for (LeakingType t : types) {
            share += t.share();
        }
        return new Explained(share, Double.isNaN(slope) ? Double.NaN : share * Math.max(0, slope), "samples");
    }

    /** The object counts' growth in the histogram's form, for the ranking. */
    static List<ClassHistogram.Growth> asGrowth(List<ObjectCounts.Growth> counted) {
        List<ClassHistogram.Growth> growth = new ArrayList<>(counted.size());
        for (ObjectCounts.Growth g : counted) {
            growth.add(new ClassHistogram.Growth(
                    g.type(), g.instances(), g.bytes(), g.growthInstances(), g.growthBytes()));
        }
        return growth;
    }

    /** The growth between the first and the latest collection that counted objects within the recording. */
    private ObjectCountReport objectCounts(
            boolean recording, OldObjectEvidence.@Nullable Read dump, String failure, boolean ranked) {
        if (!recording) {
            return settings.evidence()
                    ? ObjectCountReport.without("failed", "the recording did not start: no object counts")
                    : ObjectCountReport.without(
                            "off",
                            "HEAPWATCH_DIAGNOSIS=false: HEAPWATCH_DIAGNOSIS_OBJECT_COUNT needs the recording, which"
                                    + " does not run");
        }
        ObjectCounts counts = dump == null ? null : dump.objectCounts();
        if (counts == null) {
            return ObjectCountReport.without("failed", failure.isEmpty() ? "no object counts were read" : failure);
        }
        ObjectCounts.Collection first = counts.first();
        ObjectCounts.Collection last = counts.latest();
        List<ObjectCountReport.ObjectCountClass> classes = new ArrayList<>();
        for (ObjectCounts.Growth g : counts.growth()) {
            if (classes.size() >= settings.topTypes()) {
                break;
            }
            classes.add(new ObjectCountReport.ObjectCountClass(
                    g.type(), g.instances(), g.bytes(), g.growthInstances(), g.growthBytes(), g.absentAtFirst()));
        }
        String detail;
        if (counts.collections() < 2) {
            detail = counts.collections() + (counts.collections() == 1 ? " collection" : " collections")
                    + " within the recording counted objects; growth needs two (the"
                    + " JVM counts at full collections and, under G1, at the remark of a concurrent cycle; young"
                    + " collections never count)";
        } else {
            detail = counts.collections() + " collections within the recording counted objects; the classes that"
                    + " hold at least 0.5% of the live heap at the latest are compared with the first";
        }
        if (ranked) {
            detail += "; the types are ranked by this growth (no class histogram growth)";
        }
        return new ObjectCountReport(
                "on",
                detail,
                counts.collections(),
                first == null ? -1 : first.gcId(),
                first == null ? -1 : first.atMillis(),
                last == null ? -1 : last.gcId(),
                last == null ? -1 : last.atMillis(),
                classes);
    }

    /** The status of the search for paths to GC roots, and what the dump cost. */
    private GcRootsReport gcRoots(boolean recording, OldObjectEvidence.@Nullable Read dump, String failure) {
        long dumpMillis = dump == null ? -1 : dump.dumpMillis();
        long searchMillis = dump == null ? -1 : dump.searchMillis();
        if (!settings.gcRoots()) {
            return new GcRootsReport(
                    "off",
                    "HEAPWATCH_DIAGNOSIS_GC_ROOTS=false: no path to GC roots is searched (the search stops the"
                            + " application for up to " + DiagnosisSettings.GC_ROOTS_CUTOFF.toMillis()
                            + " ms per dump)",
                    0,
                    dumpMillis,
                    searchMillis,
                    0);
        }
        long cutoff = DiagnosisSettings.GC_ROOTS_CUTOFF.toMillis();
        if (!recording) {
            return new GcRootsReport(
                    settings.evidence() ? "failed" : "off",
                    settings.evidence()
                            ? "the recording did not start: no path to GC roots"
                            : "HEAPWATCH_DIAGNOSIS=false: no recording whose samples a path could hold",
                    cutoff,
                    -1,
                    -1,
                    0);
        }
        if (dump == null) {
            return new GcRootsReport("failed", failure, cutoff, -1, -1, 0);
        }
        int n = dump.samples().size();
        if (dump.pathFailures() > 0 && dump.samplesWithPath() == 0) {
            return new GcRootsReport(
                    "failed",
                    "no path could be read (" + dump.pathFailures() + " of " + n + " samples): "
                            + dump.firstPathFailure(),
                    cutoff,
                    dumpMillis,
                    searchMillis,
                    0);
        }
        String detail = dump.samplesWithPath() + " of " + n + " surviving samples have a path to a GC root; the JVM"
                + " searched for " + searchMillis + " ms (at most " + cutoff + " ms) at a safepoint, the dump took "
                + dumpMillis + " ms";
        if (dump.pathFailures() > 0) {
            detail += "; " + dump.pathFailures() + " paths could not be read: " + dump.firstPathFailure();
        }
        return new GcRootsReport("on", detail, cutoff, dumpMillis, searchMillis, dump.samplesWithPath());
    }

    /** The histogram's part of the document: the classes that grew most, each with its samples' frame. */
    private HistogramReport report(ClassHistograms.Result h, List<ObjectSample> used) {
        List<HistogramReport.HistogramClass> classes = new ArrayList<>();
        for (ClassHistogram.Growth g : h.growth()) {
            if (classes.size() >= settings.topTypes() || g.growthBytes() <= 0) {
                break;
            }
            List<ObjectSample> of = new ArrayList<>();
            for (ObjectSample s : used) {
                if (s.type().equals(g.type())) {
                    of.add(s);
                }
            }
            classes.add(new HistogramReport.HistogramClass(
                    g.type(),
                    g.instances(),
                    g.bytes(),
                    g.growthInstances(),
                    g.growthBytes(),
                    of.size(),
                    Ranking.applicationFrame(of, settings)));
        }
        ClassHistogram latestHistogram = h.latest();
        ClassHistogram baseline = h.baseline();
        return new HistogramReport(
                h.status(),
                h.detail(),
                h.pauseMillis(),
                h.gcMillis(),
                latestHistogram == null ? -1 : latestHistogram.takenAtMillis(),
                baseline == null ? -1 : baseline.takenAtMillis(),
                classes);
    }

    private void baselineSafely() {
        ClassHistograms h = histograms;
        if (h == null) {
            return;
        }
        try {
            ClassHistograms.Result r = h.take(clock.millis());
            log.info("heapwatch: baseline class histogram status={} pauseMillis={}", r.status(), r.pauseMillis());
        } catch (RuntimeException | LinkageError | OutOfMemoryError e) {
            log.debug("heapwatch: the baseline class histogram failed", e);
        }
    }

    private void logLine(Diagnosis d) {
        LeakingType top = d.types().isEmpty() ? null : d.types().get(0);
        Verdict v = d.verdict();
        log.info(
                "heapwatch diagnosis id={} trigger={} container={} suspected={} growthBytesPerSecond={}"
                        + " secondsToExhaustion={} topRoute={} evidence={} samples={} topType={} topShare={}"
                        + " topFrame={} explainedFraction={} explainedFrom={} histogram={} histogramPauseMillis={} gcRoots={}"
                        + " dumpMillis={} tookMillis={}",
                d.id(),
                d.trigger(),
                clean(d.container()),
                v.suspected(),
                number(v.growthBytesPerSecond()),
                number(v.secondsToExhaustion()),
                v.routes().isEmpty()
                        ? "-"
                        : clean(v.routes().get(0).method() + " "
                                + v.routes().get(0).uri()),
                d.evidence(),
                d.samplesUsed(),
                top == null ? "-" : clean(top.type()),
                top == null ? "-" : number(top.share()),
                top == null || top.applicationFrame().isEmpty() ? "-" : clean(top.applicationFrame()),
                number(d.explainedFraction()),
                clean(d.explainedFrom()),
                d.histogram().status(),
                d.histogram().pauseMillis(),
                d.gcRoots().status(),
                d.gcRoots().dumpMillis(),
                d.durationMillis());
    }

    /** One token per value: whitespace and control characters become {@code _}. */
    static String clean(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(Character.isWhitespace(c) || Character.isISOControl(c) ? '_' : c);
        }
        return b.toString();
    }

    private static String number(double d) {
        return Double.isFinite(d) ? String.format(Locale.ROOT, "%.3g", d) : String.valueOf(d);
    }

    /**
     * Whether the samples are written periodically: a write interval is set and paths to GC roots are off (with them,
     * every dump, a write too, runs the JVM's search at a safepoint, so only a diagnosis dumps).
     */
    private boolean writesOn() {
        return !settings.writeInterval().isZero() && !settings.gcRoots();
    }

    private void writeSafely() {
        OldObjectEvidence ev;
        synchronized (this) {
            ev = evidence;
        }
        if (ev == null) {
            return;
        }
        try {
            long t0 = System.nanoTime();
            ev.write();
            long nanos = System.nanoTime() - t0;
            synchronized (this) {
                writes++;
                writeNanos += nanos;
            }
        } catch (IOException | RuntimeException | LinkageError | OutOfMemoryError e) {
            // an error escaping here would cancel every later write of the scheduled task
            log.debug("heapwatch: writing the allocation samples failed", e);
        }
    }

    /** How many writes of the samples ran, and their summed wall time in milliseconds. */
    public synchronized long[] writesForTests() {
        return new long[] {writes, writeNanos / 1_000_000};
    }

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException | LinkageError | OutOfMemoryError e) {
            // an error escaping here would cancel every later poll of the scheduled task
            log.debug("heapwatch: diagnosis poll failed", e);
        }
    }

    /** Diagnoses a new verdict, retrying on later polls while the rate limit refuses. */
    void poll() {
        boolean suspected = detector.verdict().suspected();
        if (suspected && !lastSuspected) {
            pendingVerdict = true;
        }
        lastSuspected = suspected;
        if (pendingVerdict && take("verdict") != null) {
            pendingVerdict = false;
        }
    }

    /** The evidence recording's temporary directory, {@code null} when it does not run. For tests. */
    public synchronized java.nio.file.@Nullable Path recordingDirectoryForTests() {
        return evidence == null ? null : evidence.directory();
    }

    /** Stops the thread, closes the recording and deletes its directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        tracker.removeListener(history);
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
        if (evidence != null) {
            evidence.close();
            evidence = null;
        }
    }
}
