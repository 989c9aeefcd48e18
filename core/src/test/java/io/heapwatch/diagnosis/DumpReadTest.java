package io.heapwatch.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading a dump ({@link OldObjectEvidence#read}) from a real recording: without the periodic writes only the dump's
 * own write counts, so a file whose latest write is an earlier one (the dump's own held no sample: every sampled
 * object died) yields nothing; read from every write it yields that write's samples.
 */
class DumpReadTest {

    /** An array length only this test allocates, so that its samples can be told apart. */
    static final int MARKER_LENGTH = 32_779;

    static final List<long[]> KEEP = new ArrayList<>();

    static List<ObjectSample> markers(OldObjectEvidence.Read read) {
        return read.samples().stream()
                .filter(s -> s.type().equals("long[]") && s.arrayElements() == MARKER_LENGTH)
                .toList();
    }

    static long written(ObjectSample s) {
        return s.allocationMillis() + s.ageMillis();
    }

    @Test
    void aDumpReadsOnlyItsOwnWriteUnlessItReadsEveryWrite(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("earlier-write.jfr");
        try (Recording recording = new Recording()) {
            recording.enable(OldObjectEvidence.EVENT).withStackTrace().with("cutoff", "0 ms");
            recording.setToDisk(true); // as the evidence's recording
            recording.start();
            for (int i = 0; i < 50; i++) {
                KEEP.add(new long[MARKER_LENGTH]); // 256 KiB each: slow-path allocations, so sampled
            }
            System.gc(); // without a collection since they were sampled, the dump here wrote no sample
            recording.dump(file);
        } finally {
            KEEP.clear();
        }
        OldObjectEvidence.Read every = OldObjectEvidence.read(file, false, false, true, Long.MIN_VALUE, 7);
        List<ObjectSample> written = markers(every);
        assertThat(written).as("%s samples", every.samples().size()).isNotEmpty();
        long firstWritten =
                every.samples().stream().mapToLong(DumpReadTest::written).min().orElseThrow();
        long lastWritten =
                every.samples().stream().mapToLong(DumpReadTest::written).max().orElseThrow();

        // the dump that wrote them reads them
        OldObjectEvidence.Read own = OldObjectEvidence.read(file, false, false, false, firstWritten, 7);
        assertThat(markers(own)).hasSameSizeAs(written);
        assertThat(own.dumpMillis()).isEqualTo(7);
        // a later dump whose own write held no sample reads none of the earlier write's
        assertThat(OldObjectEvidence.read(file, false, false, false, lastWritten + 1, 7)
                        .samples())
                .isEmpty();
        // a later dump that reads every write reads them
        assertThat(markers(OldObjectEvidence.read(file, false, false, true, lastWritten + 1, 7)))
                .hasSameSizeAs(written);
    }
}
