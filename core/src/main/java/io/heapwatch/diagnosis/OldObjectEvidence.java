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
 * of the latest write are read. {@code cutoff} is 0: no path to GC roots is searched (that search walks the heap at a
 * safepoint).
 */
final class OldObjectEvidence implements AutoCloseable {

    static final String EVENT = "jdk.OldObjectSample";
    private static final long LATEST_WRITE_SLACK_MILLIS = 1000;

    private final Recording recording;
    private final Path directory;
    private boolean closed;

    private OldObjectEvidence(Recording recording, Path directory) {
        this.recording = recording;
        this.directory = directory;
    }

    /**
     * Starts the recording, bounded by {@code maxBytes} on disk and {@code maxAge}.
     *
     * @throws IllegalStateException when the Flight Recorder is not available or cannot start
     */
    static OldObjectEvidence start(long maxBytes, Duration maxAge) {
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
            recording.enable(EVENT).withStackTrace().with("cutoff", "0 ns");
            recording.setToDisk(true);
            recording.setMaxSize(maxBytes);
            recording.setMaxAge(maxAge);
            recording.start();
        } catch (RuntimeException e) {
            recording.close();
            deleteQuietly(dir);
            throw e;
        }
        return new OldObjectEvidence(recording, dir);
    }

    /** Dumps the recording, reads the latest samples and deletes the dump. */
    synchronized List<ObjectSample> samples() throws IOException {
        if (closed) {
            return List.of();
        }
        Path file = Files.createTempFile(directory, "dump-", ".jfr");
        try {
            recording.dump(file);
            return read(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    static List<ObjectSample> read(Path file) throws IOException {
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
        for (RecordedEvent e : events) {
            long written = e.getStartTime().toEpochMilli();
            if (written < latest - LATEST_WRITE_SLACK_MILLIS) {
                continue; // written by an earlier dump: its object may have died since
            }
            samples.add(toSample(e, written));
        }
        return samples;
    }

    private static ObjectSample toSample(RecordedEvent e, long written) {
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
                classes);
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
