package io.heapwatch.diagnosis;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedObject;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import org.jspecify.annotations.Nullable;

/**
 * The {@code jdk.OldObjectSample} recording and its reading.
 *
 * <p>The JVM samples allocations on their slow paths (a new TLAB or an allocation outside one), keeps at most
 * {@code old-object-queue-size} (256 by default) of the samples whose objects are still alive, and forgets a sample
 * when its object is collected. On JDK 17 the events are written only when a recording is dumped or stopped, never
 * while it runs (a {@code RecordingStream} sees none); every dump writes all current samples again. {@link #dump()}
 * reads the events of its own write only; {@link #dumpEveryWrite()} reads every object of every write the recording
 * keeps (the periodic {@link #write()}s), once each. {@code cutoff} is 0 unless paths to GC roots are asked for
 * ({@code HEAPWATCH_DIAGNOSIS_GC_ROOTS}): then each dump runs the JVM's search for paths (a breadth-first walk from the
 * roots at a safepoint, for at most the cutoff) and the events carry the chain that holds each object.
 *
 * <p>On a dump the JVM takes the largest cutoff of all running recordings with the event enabled: another recording
 * of the process with a larger cutoff (a profile with {@code path-to-gc-roots}) makes heapwatch's dumps search
 * longer, and heapwatch's cutoff applies to the dumps of such recordings too.
 *
 * <p>With object counts ({@code HEAPWATCH_DIAGNOSIS_OBJECT_COUNT}) the recording also enables
 * {@value ObjectCounts#EVENT}; a dump then holds the counts of every collection that emitted them within the
 * recording's age and size bounds, and the reading keeps the first and the latest ({@link ObjectCounts}).
 */
final class OldObjectEvidence implements AutoCloseable {

    static final String EVENT = "jdk.OldObjectSample";
    static final String ALLOCATION_EVENT = "jdk.ObjectAllocationSample";
    /** The JDK's own rate for continuous profiling ({@code default.jfc}). */
    static final String ALLOCATION_THROTTLE = "150/s";
    /** The most distinct (type, stack) pairs of allocation samples kept while reading one dump. */
    static final int MAX_SITES = 5_000;
    /** The innermost frames of an allocation sample that are read and kept: its site. */
    static final int MAX_SITE_FRAMES = 24;

    private static final long LATEST_WRITE_SLACK_MILLIS = 1000;

    private final Recording recording;
    private final Path directory;
    private final boolean paths;
    private final boolean objectCounts;
    private boolean closed;

    private OldObjectEvidence(Recording recording, Path directory, boolean paths, boolean objectCounts) {
        this.recording = recording;
        this.directory = directory;
        this.paths = paths;
        this.objectCounts = objectCounts;
    }

    /**
     * What one dump holds: the surviving samples of its own write (or of every write) and the allocation sites, with what the dump
     * cost and how many samples carry a path to a GC root.
     */
    record Read(
            List<ObjectSample> samples,
            List<AllocationSite> sites,
            long dumpMillis,
            long searchMillis,
            int samplesWithPath,
            int pathFailures,
            String firstPathFailure,
            @Nullable ObjectCounts objectCounts) {

        Read(List<ObjectSample> samples, List<AllocationSite> sites) {
            this(samples, sites, -1, -1, 0, 0, "", null);
        }
    }

    /**
     * Starts the recording, bounded by {@code maxBytes} on disk and {@code maxAge}.
     *
     * @throws IllegalStateException when the Flight Recorder is not available or cannot start
     */
    static OldObjectEvidence start(long maxBytes, Duration maxAge) {
        return start(maxBytes, maxAge, false);
    }

    /**
     * Starts the recording, bounded by {@code maxBytes} on disk and {@code maxAge}, with the throttled allocation
     * samples too when {@code allocationSites}.
     *
     * @throws IllegalStateException when the Flight Recorder is not available or cannot start
     */
    static OldObjectEvidence start(long maxBytes, Duration maxAge, boolean allocationSites) {
        return start(maxBytes, maxAge, allocationSites, Duration.ZERO);
    }

    /**
     * Starts the recording as above, searching paths to GC roots for at most {@code cutoff} per dump (zero for none).
     *
     * @throws IllegalStateException when the Flight Recorder is not available or cannot start
     */
    static OldObjectEvidence start(long maxBytes, Duration maxAge, boolean allocationSites, Duration cutoff) {
        return start(maxBytes, maxAge, allocationSites, cutoff, false);
    }

    /**
     * Starts the recording as above, with {@value ObjectCounts#EVENT} too when {@code objectCounts}.
     *
     * @throws IllegalStateException when the Flight Recorder is not available or cannot start
     */
    static OldObjectEvidence start(
            long maxBytes, Duration maxAge, boolean allocationSites, Duration cutoff, boolean objectCounts) {
        if (!FlightRecorder.isAvailable()) {
            throw new IllegalStateException("the JDK Flight Recorder is not available in this JVM");
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("heapwatch-jfr-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temporary directory for the recording", e);
        }
        Recording recording = new Recording();
        try {
            recording.setName("heapwatch-old-object-samples");
            recording.enable(EVENT).withStackTrace().with("cutoff", cutoff.toMillis() + " ms");
            if (allocationSites) {
                recording.enable(ALLOCATION_EVENT).withStackTrace().with("throttle", ALLOCATION_THROTTLE);
            }
            if (objectCounts) {
                recording.enable(ObjectCounts.EVENT);
            }
            recording.setToDisk(true);
            recording.setMaxSize(maxBytes);
            recording.setMaxAge(maxAge);
            recording.start();
        } catch (RuntimeException e) {
            recording.close();
            deleteQuietly(dir);
            throw e;
        }
        return new OldObjectEvidence(recording, dir, !cutoff.isZero(), objectCounts);
    }

    /** Dumps the recording, reads the latest samples and deletes the dump. */
    synchronized List<ObjectSample> samples() throws IOException {
        return dump().samples();
    }

    /** Dumps the recording, reads the latest samples and the allocation sites, and deletes the dump. */
    synchronized Read dump() throws IOException {
        return dumpAndRead(false);
    }

    /** Dumps the recording and reads the samples of every write, each at its latest write. */
    synchronized Read dumpEveryWrite() throws IOException {
        return dumpAndRead(true);
    }

    private Read dumpAndRead(boolean everyWrite) throws IOException {
        if (closed) {
            return new Read(List.of(), List.of());
        }
        return dumpTo(
                "dump-",
                (file, startMillis, dumpMillis) -> read(
                        file, paths, objectCounts, everyWrite, startMillis - LATEST_WRITE_SLACK_MILLIS, dumpMillis));
    }

    /**
     * Writes the sampler's current samples into the recording (a dump to a file deleted at once), so that a later
     * read of every write sees them even when the sampler has let them go since.
     */
    synchronized void write() throws IOException {
        if (closed) {
            return;
        }
        dumpTo("write-", (file, startMillis, dumpMillis) -> dumpMillis); // nothing is read: the dump only writes
    }

    /** What is read from a dump's file before it is deleted. */
    @FunctionalInterface
    private interface DumpReader<T> {
        /**
         * @param startMillis the wall-clock time just before the dump began
         * @param dumpMillis how long the dump took
         */
        T read(Path file, long startMillis, long dumpMillis) throws IOException;
    }

    /** Dumps the recording to a new file in {@link #directory}, reads it with {@code reader} and deletes it. */
    private <T> T dumpTo(String prefix, DumpReader<T> reader) throws IOException {
        Path file = Files.createTempFile(directory, prefix, ".jfr");
        try {
            long t0 = System.nanoTime();
            long startMillis = System.currentTimeMillis();
            recording.dump(file);
            long dumpMillis = (System.nanoTime() - t0) / 1_000_000;
            return reader.read(file, startMillis, dumpMillis);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Reads a dump: with {@code everyWrite} the samples of every write ({@link #readAll(Path, boolean, boolean,
     * boolean)}), otherwise only those its own write holds, the write that began at {@code writtenFrom} plus the
     * slack ({@link #writtenSince}: when that write held no sample, the latest in the file is an earlier one, whose
     * objects may have died since).
     */
    static Read read(
            Path file, boolean paths, boolean objectCounts, boolean everyWrite, long writtenFrom, long dumpMillis)
            throws IOException {
        Read r = readAll(file, paths, objectCounts, everyWrite);
        return new Read(
                everyWrite ? r.samples() : writtenSince(r.samples(), writtenFrom),
                r.sites(),
                dumpMillis,
                r.searchMillis(),
                r.samplesWithPath(),
                r.pathFailures(),
                r.firstPathFailure(),
                r.objectCounts());
    }

    /**
     * The samples written from {@code fromMillis} on. When a dump's own write holds no sample (every sampled object
     * died), the latest write in the recording is an earlier one, whose objects may have died since: only the dump's
     * write counts.
     */
    static List<ObjectSample> writtenSince(List<ObjectSample> samples, long fromMillis) {
        List<ObjectSample> kept = new ArrayList<>();
        for (ObjectSample s : samples) {
            if (s.allocationMillis() + s.ageMillis() >= fromMillis) {
                kept.add(s);
            }
        }
        return kept;
    }

    static List<ObjectSample> read(Path file) throws IOException {
        return readAll(file).samples();
    }

    static Read readAll(Path file) throws IOException {
        return readAll(file, false);
    }

    /**
     * Reads the events of the latest write and the allocation sites; with {@code paths}, each sample's path to a GC
     * root too. A path that cannot be read is counted and left out: the sample stays.
     */
    static Read readAll(Path file, boolean paths) throws IOException {
        return readAll(file, paths, false);
    }

    /**
     * Reads as above; with {@code objectCounts}, the first and the latest collection's {@value ObjectCounts#EVENT}
     * too.
     */
    static Read readAll(Path file, boolean paths, boolean objectCounts) throws IOException {
        return readAll(file, paths, objectCounts, false);
    }

    /**
     * Reads as above; with {@code everyWrite}, the samples of every write in the recording, each object once, at its
     * latest write (its {@link ObjectSample#ageMillis()} measured to that write), without paths to GC roots.
     */
    static Read readAll(Path file, boolean paths, boolean objectCounts, boolean everyWrite) throws IOException {
        ObjectCounts.Reader counts = objectCounts ? new ObjectCounts.Reader() : null;
        List<RecordedEvent> events = new ArrayList<>();
        Map<List<String>, long[]> sites = new HashMap<>();
        Map<List<String>, List<String>> siteClasses = new HashMap<>();
        Map<String, String> strings = new HashMap<>();
        Map<String, ObjectSample> byObject = new HashMap<>();
        long everySearchMillis = -1;
        long latest = Long.MIN_VALUE;
        try (RecordingFile in = new RecordingFile(file)) {
            while (in.hasMoreEvents()) {
                RecordedEvent e = in.readEvent();
                String name = e.getEventType().getName();
                if (EVENT.equals(name)) {
                    if (everyWrite) {
                        // converted at once, frames' strings shared: a kept event would hold its chunk's stacks
                        long written = e.getStartTime().toEpochMilli();
                        String id = identity(e);
                        ObjectSample seen = byObject.get(id);
                        if (seen == null || seen.allocationMillis() + seen.ageMillis() < written) {
                            byObject.put(id, toSample(e, written, null, strings));
                        }
                        everySearchMillis =
                                Math.max(everySearchMillis, e.getDuration().toMillis());
                    } else {
                        events.add(e);
                    }
                    latest = Math.max(latest, e.getStartTime().toEpochMilli());
                } else if (ALLOCATION_EVENT.equals(name)) {
                    addSite(e, sites, siteClasses, strings);
                } else if (counts != null && ObjectCounts.EVENT.equals(name)) {
                    addCount(e, counts);
                }
            }
        }
        List<ObjectSample> samples = new ArrayList<>(byObject.values());
        long searchMillis = everySearchMillis;
        int withPath = 0;
        int failures = 0;
        String firstFailure = "";
        for (RecordedEvent e : events) {
            long written = e.getStartTime().toEpochMilli();
            if (written < latest - LATEST_WRITE_SLACK_MILLIS) {
                continue; // written by an earlier dump: its object may have died since
            }
            // The JVM stamps the events of one write with the search's start and end.
            searchMillis = Math.max(searchMillis, e.getDuration().toMillis());
            GcRootPath path = null;
            if (paths) {
                try {
                    path = GcRootPath.read(e);
                } catch (RuntimeException | StackOverflowError ex) {
                    if (failures++ == 0) {
                        firstFailure = ex.toString();
                    }
                }
            }
            if (path != null) {
                withPath++;
            }
            samples.add(toSample(e, written, path, strings));
        }
        List<AllocationSite> allocationSites = new ArrayList<>(sites.size());
        for (Map.Entry<List<String>, long[]> e : sites.entrySet()) {
            List<String> key = e.getKey();
            allocationSites.add(new AllocationSite(
                    key.get(0),
                    e.getValue()[0],
                    (int) e.getValue()[1],
                    key.subList(1, key.size()),
                    siteClasses.getOrDefault(key, List.of())));
        }
        return new Read(
                samples,
                allocationSites,
                -1,
                searchMillis,
                withPath,
                failures,
                firstFailure,
                counts == null ? null : counts.result());
    }

    /** Adds one {@value ObjectCounts#EVENT}: its collection, class, instances and bytes. */
    private static void addCount(RecordedEvent e, ObjectCounts.Reader counts) {
        RecordedClass c = e.hasField("objectClass") ? e.getValue("objectClass") : null;
        if (c == null || !e.hasField("gcId")) {
            return;
        }
        counts.add(
                e.getLong("gcId"),
                e.getStartTime().toEpochMilli(),
                typeName(c.getName()),
                e.hasField("count") ? e.getLong("count") : 0,
                e.hasField("totalSize") ? e.getLong("totalSize") : 0);
    }

    /**
     * Adds one allocation sample to its site: its type and its {@link #MAX_SITE_FRAMES} innermost frames, whose
     * strings are shared through {@code strings}. New sites beyond {@link #MAX_SITES} are dropped.
     */
    private static void addSite(
            RecordedEvent e,
            Map<List<String>, long[]> sites,
            Map<List<String>, List<String>> siteClasses,
            Map<String, String> strings) {
        RecordedClass c = e.hasField("objectClass") ? e.getValue("objectClass") : null;
        if (c == null) {
            return;
        }
        String type = typeName(c.getName());
        if (Ranking.isArray(type)) {
            return; // arrays' allocation sites are not used (Ranking.allocationEntries)
        }
        long weight = e.hasField("weight") ? e.getLong("weight") : 0;
        List<String> key = new ArrayList<>();
        key.add(strings.computeIfAbsent(type, x -> x));
        List<String> classes = new ArrayList<>();
        frames(e.getStackTrace(), key, classes, MAX_SITE_FRAMES);
        for (int i = 1; i < key.size(); i++) {
            key.set(i, strings.computeIfAbsent(key.get(i), x -> x));
            classes.set(i - 1, strings.computeIfAbsent(classes.get(i - 1), x -> x));
        }
        long[] sum = sites.get(key);
        if (sum == null) {
            if (sites.size() >= MAX_SITES) {
                return;
            }
            sum = new long[2];
            sites.put(key, sum);
            siteClasses.put(key, classes);
        }
        sum[0] += Math.max(0, weight);
        sum[1]++;
    }

    /** Appends the Java frames of a stack, innermost first, as {@code class.method:line}, and their classes. */
    private static void frames(@Nullable RecordedStackTrace stack, List<String> frames, List<String> classes) {
        frames(stack, frames, classes, Integer.MAX_VALUE);
    }

    /** The same, for at most {@code max} frames. */
    private static void frames(@Nullable RecordedStackTrace stack, List<String> frames, List<String> classes, int max) {
        if (stack == null) {
            return;
        }
        for (RecordedFrame f : stack.getFrames()) {
            if (classes.size() >= max) {
                break;
            }
            if (!f.isJavaFrame() || f.getMethod() == null) {
                continue;
            }
            String cls = f.getMethod().getType() == null
                    ? "?"
                    : f.getMethod().getType().getName();
            int line = f.getLineNumber();
            frames.add(cls + "." + f.getMethod().getName() + (line > 0 ? ":" + line : ""));
            classes.add(cls);
        }
    }

    /** One sampled object across writes: its allocation instant, thread, type and length. */
    private static String identity(RecordedEvent e) {
        Instant allocated = e.hasField("allocationTime") ? e.getInstant("allocationTime") : e.getStartTime();
        RecordedThread thread = e.getThread();
        RecordedObject object = e.hasField("object") ? e.getValue("object") : null;
        RecordedClass c = object != null && object.hasField("type") ? object.getValue("type") : null;
        return allocated.getEpochSecond() + "." + allocated.getNano() + "/"
                + (thread == null ? -1 : thread.getJavaThreadId())
                + "/" + (c == null ? "" : c.getName()) + "/"
                + (e.hasField("arrayElements") ? e.getLong("arrayElements") : -1);
    }

    private static ObjectSample toSample(
            RecordedEvent e, long written, @Nullable GcRootPath path, Map<String, String> strings) {
        String type = "unknown";
        RecordedObject object = e.hasField("object") ? e.getValue("object") : null;
        if (object != null && object.hasField("type")) {
            RecordedClass c = object.getValue("type");
            if (c != null) {
                type = typeName(c.getName());
            }
        }
        long elements = e.hasField("arrayElements") ? e.getLong("arrayElements") : -1;
        if (!type.endsWith("[]")) {
            elements = -1;
        }
        Instant allocated = e.hasField("allocationTime") ? e.getInstant("allocationTime") : e.getStartTime();
        long heap = e.hasField("lastKnownHeapUsage") ? e.getLong("lastKnownHeapUsage") : -1;
        RecordedThread thread = e.getThread();
        String threadName = thread == null || thread.getJavaName() == null ? "" : thread.getJavaName();
        List<String> frames = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        frames(e.getStackTrace(), frames, classes);
        // samples of many writes share their frames' strings
        frames.replaceAll(f -> strings.computeIfAbsent(f, x -> x));
        classes.replaceAll(c -> strings.computeIfAbsent(c, x -> x));
        return new ObjectSample(
                type,
                elements,
                allocated.toEpochMilli(),
                Math.max(0, written - allocated.toEpochMilli()),
                heap,
                threadName,
                frames,
                classes,
                path);
    }

    /** {@code [B} to {@code byte[]}, {@code [Ljava.lang.String;} to {@code java.lang.String[]}. */
    static String typeName(String jvmName) {
        int dims = 0;
        while (dims < jvmName.length() && jvmName.charAt(dims) == '[') {
            dims++;
        }
        if (dims == 0) {
            return jvmName;
        }
        String rest = jvmName.substring(dims);
        String base;
        switch (rest) {
            case "B":
                base = "byte";
                break;
            case "C":
                base = "char";
                break;
            case "S":
                base = "short";
                break;
            case "I":
                base = "int";
                break;
            case "J":
                base = "long";
                break;
            case "F":
                base = "float";
                break;
            case "D":
                base = "double";
                break;
            case "Z":
                base = "boolean";
                break;
            default:
                base = rest.startsWith("L") && rest.endsWith(";") ? rest.substring(1, rest.length() - 1) : rest;
        }
        return base + "[]".repeat(dims);
    }

    /** The directory holding dumps while they are read; removed on close. */
    Path directory() {
        return directory;
    }

    /** Stops and closes the recording and removes the directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (paths) {
                // Closing a running recording writes its samples once more, with its cutoff: no search at shutdown.
                try {
                    recording.disable(EVENT);
                } catch (RuntimeException e) {
                    // closing goes on
                }
            }
            recording.close();
        } finally {
            deleteQuietly(directory);
        }
    }

    private static void deleteQuietly(@Nullable Path dir) {
        if (dir == null) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // best effort
        }
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // best effort
        }
    }
}
