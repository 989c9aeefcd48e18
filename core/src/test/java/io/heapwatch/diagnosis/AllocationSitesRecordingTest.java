package io.heapwatch.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The recording with allocation sites on: a real JFR recording of this JVM, dumped and read back. */
class AllocationSitesRecordingTest {

    /** A type only this test allocates. */
    record Marker(long a, long b, long c, long d) {}

    static final List<Object> KEEP = new ArrayList<>();

    static void allocate() {
        deep(40);
    }

    /** Allocates {@code depth} frames down, so that the stacks are longer than what is kept of them. */
    static void deep(int depth) {
        if (depth > 0) {
            deep(depth - 1);
            return;
        }
        for (int round = 0; round < 200; round++) {
            List<Marker> batch = new ArrayList<>();
            for (int i = 0; i < 50_000; i++) {
                batch.add(new Marker(i, round, i ^ round, 7));
            }
            KEEP.add(batch.get(round));
        }
    }

    @Test
    void allocationSitesNameTheTypeAndItsAllocatingFrame() throws Exception {
        try (OldObjectEvidence evidence = OldObjectEvidence.start(8 << 20, Duration.ofMinutes(5), true)) {
            allocate();
            OldObjectEvidence.Read read = evidence.dump();
            assertThat(read.sites())
                    .filteredOn(s -> s.type().equals(Marker.class.getName()))
                    .isNotEmpty()
                    .allSatisfy(s -> {
                        assertThat(s.weightBytes()).isPositive();
                        assertThat(s.events()).isPositive();
                        assertThat(s.frames())
                                .anyMatch(f -> f.startsWith(AllocationSitesRecordingTest.class.getName() + ".deep:"));
                        assertThat(s.frameClasses()).hasSameSizeAs(s.frames());
                        assertThat(s.frames()).hasSizeLessThanOrEqualTo(OldObjectEvidence.MAX_SITE_FRAMES);
                    });
        } finally {
            KEEP.clear();
        }
    }

    @Test
    void withoutAllocationSitesTheRecordingHoldsNone() throws Exception {
        try (OldObjectEvidence evidence = OldObjectEvidence.start(8 << 20, Duration.ofMinutes(5), false)) {
            allocate();
            assertThat(evidence.dump().sites()).isEmpty();
        } finally {
            KEEP.clear();
        }
    }
}
