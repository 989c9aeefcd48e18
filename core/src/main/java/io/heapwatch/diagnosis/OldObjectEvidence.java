package io.heapwatch.diagnosis;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * while it runs (a {@code RecordingStream} sees none); every dump writes all current samples again, so only the events
 * of the latest write are read. {@code cutoff} is 0 unless paths to GC roots are asked for
 * ({@code HEAPWATCH_DIAGNOSIS_GC_ROOTS}): then each dump runs the JVM's search for paths (a breadth-first walk from the
 * roots at a safepoint, for at most the cutoff) and the events carry the chain that holds each object.
 *
 * <p>On a dump the JVM takes the largest cutoff of all running recordings with the event enabled: another recording
 * of the process with a larger cutoff (a profile with {@code path-to-gc-roots}) makes heapwatch's dumps search
 * longer, and heapwatch's cutoff applies to the dumps of such recordings too.
 */
final class OldObjectEvidence implements AutoCloseable {

    static final String EVENT = "jdk.OldObjectSample";
    private static final long LATEST_WRITE_SLACK_MILLIS = 1000;

    /** What one dump held. */
    record Dump(
            List<ObjectSample> samples,
            long dumpMillis,
            long searchMillis,
            int samplesWithPath,
            int pathFailures,
            String firstPathFailure) {}

    private final Recording recording;
    private final Path directory;
    private final boolean paths;
    private boolean closed;

    private OldObjectEvidence(Recording recording, Path directory, boolean paths) {
        this.recording = recording;
        this.directory = directory;
        this.paths = paths;
    }

    /**
     * Starts the recording, bounded by {@code maxBytes} on disk and {@code maxAge}.
     *
     * @param cutoff the longest search for paths to GC roots per dump, zero for none
     * @throws IllegalStateException when the Flight Recorder is not available or cannot start
     */
    static OldObjectEvidence start(long maxBytes, Duration maxAge, Duration cutoff) {
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
            recording.setToDisk(true);
            recording.setMaxSize(maxBytes);
            recording.setMaxAge(maxAge);
            recording.start();
        } catch (RuntimeException e) {
            recording.close();
            deleteQuietly(dir);
            throw e;
        }
        return new OldObjectEvidence(recording, dir, !cutoff.isZero());
    }

    /** Dumps the recording, reads the latest samples (with their paths when searched) and deletes the dump. */
    synchronized Dump samples() throws IOException {
        if (closed) {
            return new Dump(List.of(), -1, -1, 0, 0, "");
        }
        Path file = Files.createTempFile(directory, "dump-", ".jfr");
        try {
            long t0 = System.nanoTime();
            recording.dump(file);
            long dumpMillis = (System.nanoTime() - t0) / 1_000_000;
            Dump d = read(file, paths);
            return new Dump(
                    d.samples(),
                    dumpMillis,
                    d.searchMillis(),
                    d.samplesWithPath(),
                    d.pathFailures(),
                    d.firstPathFailure());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Reads the events of the latest write; with {@code paths}, each one's path to a GC root too. A path that cannot
     * be read is counted and left out: the sample stays.
     */
    static Dump read(Path file, boolean paths) throws IOException {
        List<RecordedEvent> events = new ArrayList<>();
        long latest = Long.MIN_VALUE;
        try (RecordingFile in = new RecordingFile(file)) {
            while (in.hasMoreEvents()) {
                RecordedEvent e = in.readEvent();
                if (EVENT.equals(e.getEventType().getName())) {
                    events.add(e);
                    latest = Math.max(latest, e.getStartTime().toEpochMilli());
                }
            }
        }
        List<ObjectSample> samples = new ArrayList<>();
        long searchMillis = -1;
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
            samples.add(toSample(e, written, path));
        }
        return new Dump(samples, -1, searchMillis, withPath, failures, firstFailure);
    }

    private static ObjectSample toSample(RecordedEvent e, long written, @Nullable GcRootPath path) {
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
        RecordedStackTrace stack = e.getStackTrace();
        if (stack != null) {
            for (RecordedFrame f : stack.getFrames()) {
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
