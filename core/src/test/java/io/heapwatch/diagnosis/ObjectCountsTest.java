package io.heapwatch.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapwatch.gc.GcEventTracker;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The growth between two collections' {@code jdk.ObjectCountAfterGC}: computed from events of a real recording of
 * this JVM, and from plain events for the edge cases.
 */
class ObjectCountsTest {

    /** A class of this test only, so that its count is exactly what the test keeps. */
    static final class Retained {
        final long a;
        final long b;
        final long c;
        final long d;

        Retained(long i) {
            a = i;
            b = i + 1;
            c = i + 2;
            d = i + 3;
        }

        static final ArrayList<Retained> KEPT = new ArrayList<>();

        static void keep(int n) {
            synchronized (KEPT) {
                for (int i = 0; i < n; i++) {
                    KEPT.add(new Retained(i));
                }
            }
        }
    }

    @AfterEach
    void release() {
        synchronized (Retained.KEPT) {
            Retained.KEPT.clear();
            Retained.KEPT.trimToSize();
        }
    }

    @Test
    void aRealRecordingCountsTheInstancesKeptBetweenTwoFullCollections() throws Exception {
        // 100,000 before the recording starts: every collection within it counts at least those.
        Retained.keep(100_000);
        try (OldObjectEvidence ev =
                OldObjectEvidence.start(16L * 1024 * 1024, Duration.ofMinutes(10), false, Duration.ZERO, true)) {
            System.gc();
            Retained.keep(200_000);
            System.gc();
            OldObjectEvidence.Read read = ev.dump();
            ObjectCounts counts = read.objectCounts();
            assertThat(counts).isNotNull();
            assertThat(counts.collections()).isGreaterThanOrEqualTo(2);
            ObjectCounts.Collection first = counts.first();
            ObjectCounts.Collection latest = counts.latest();
            assertThat(first).isNotNull();
            assertThat(latest).isNotNull();
            assertThat(latest.gcId()).isGreaterThan(first.gcId());
            assertThat(latest.atMillis()).isGreaterThanOrEqualTo(first.atMillis());
            String type = Retained.class.getName();
            assertThat(first.counts().get(type)).isNotNull();
            assertThat(first.counts().get(type).instances()).isEqualTo(100_000);

            ObjectCounts.Growth g = counts.growth().stream()
                    .filter(x -> x.type().equals(type))
                    .findFirst()
                    .orElseThrow();
            assertThat(g.instances()).isEqualTo(300_000);
            assertThat(g.growthInstances()).isEqualTo(200_000);
            long size = g.bytes() / g.instances();
            assertThat(size).as("a Retained's shallow size").isBetween(32L, 64L);
            assertThat(g.growthBytes()).isEqualTo(200_000 * size);
            assertThat(g.absentAtFirst()).isFalse();
            // Class names only: arrays as in the samples, never the JVM's descriptor.
            assertThat(counts.growth()).noneMatch(x -> x.type().startsWith("["));
        }
    }

    @Test
    void withoutObjectCountsTheRecordingReadsNone() throws Exception {
        try (OldObjectEvidence ev = OldObjectEvidence.start(16L * 1024 * 1024, Duration.ofMinutes(10))) {
            System.gc();
            assertThat(ev.dump().objectCounts()).isNull();
        }
    }

    @Test
    void theFirstAndTheLatestCollectionAreComparedWhateverTheOrderOfTheEvents() {
        ObjectCounts.Reader r = new ObjectCounts.Reader();
        r.add(7, 7_000, "com.example.Entry", 30, 960);
        r.add(3, 3_000, "com.example.Entry", 10, 320);
        r.add(5, 5_000, "com.example.Entry", 999, 999_999); // a middle collection: not compared
        r.add(9, 9_000, "com.example.Entry", 50, 1600);
        r.add(4, 4_000, "com.example.Entry", 1, 1); // between the kept ones: dropped
        r.add(3, 3_000, "byte[]", 4, 4096);
        r.add(9, 9_000, "byte[]", 2, 2048); // shrank: not listed
        r.add(9, 9_000, "com.example.New", 100, 1600); // below the cutoff at the first
        ObjectCounts c = r.result();
        assertThat(c.collections()).isEqualTo(5);
        assertThat(c.first().gcId()).isEqualTo(3);
        assertThat(c.first().atMillis()).isEqualTo(3_000);
        assertThat(c.latest().gcId()).isEqualTo(9);
        assertThat(c.latest().atMillis()).isEqualTo(9_000);
        assertThat(c.growth())
                .containsExactly(
                        new ObjectCounts.Growth("com.example.New", 100, 1600, 100, 1600, true),
                        new ObjectCounts.Growth("com.example.Entry", 50, 1600, 40, 1280, false));
    }

    @Test
    void twoClassesOfOneNameAreOneTypeAndOneCollectionHasNoGrowth() {
        ObjectCounts.Reader r = new ObjectCounts.Reader();
        r.add(2, 1, "com.example.Twice", 10, 100);
        r.add(2, 1, "com.example.Twice", 5, 50);
        ObjectCounts c = r.result();
        assertThat(c.collections()).isEqualTo(1);
        assertThat(c.first()).isSameAs(c.latest());
        assertThat(c.latest().counts().get("com.example.Twice"))
                .isEqualTo(new ObjectCounts.Count("com.example.Twice", 15, 150));
        assertThat(c.growth()).isEmpty();
        ObjectCounts none = new ObjectCounts.Reader().result();
        assertThat(none.collections()).isZero();
        assertThat(none.first()).isNull();
        assertThat(none.growth()).isEmpty();
    }

    @Test
    void eachCollectionKeepsAtMostTheBoundOfClasses() {
        ObjectCounts.Reader r = new ObjectCounts.Reader();
        for (int i = 0; i < ObjectCounts.MAX_CLASSES + 10; i++) {
            r.add(1, 1, "com.example.C" + i, 1, 16);
        }
        assertThat(r.result().first().counts()).hasSize(ObjectCounts.MAX_CLASSES);
    }

    @Test
    void withoutTheRecordingTheDocumentSaysWhyAndWhenOffTheFieldIsAbsent() {
        DiagnosisSettings on =
                DiagnosisSettings.defaults().withMinInterval(Duration.ZERO).withObjectCount(true);
        try (GcEventTracker tracker = new GcEventTracker(Tags.empty());
                LeakDiagnostics d = GcRootPathTest.diagnostics(tracker, on)) {
            Diagnosis diagnosis = d.take("request");
            assertThat(diagnosis).isNotNull();
            assertThat(diagnosis.objectCounts()).isNotNull();
            assertThat(diagnosis.objectCounts().status()).isEqualTo("off");
            assertThat(diagnosis.toJson())
                    .contains("\"objectCounts\":{\"status\":\"off\",\"detail\":\"HEAPWATCH_DIAGNOSIS=false:");
            assertThat(ReportPage.render(diagnosis, "/heapwatch/diagnosis"))
                    .contains("<h2>Object counts after GC</h2>")
                    .contains("HEAPWATCH_DIAGNOSIS_OBJECT_COUNT needs the recording");
        }
        try (GcEventTracker tracker = new GcEventTracker(Tags.empty());
                LeakDiagnostics d = GcRootPathTest.diagnostics(tracker, on.withObjectCount(false))) {
            Diagnosis diagnosis = d.take("request");
            assertThat(diagnosis).isNotNull();
            assertThat(diagnosis.objectCounts()).isNull();
            assertThat(diagnosis.toJson()).doesNotContain("objectCounts");
            assertThat(ReportPage.render(diagnosis, "/heapwatch/diagnosis")).doesNotContain("Object counts");
        }
    }

    @Test
    void theGrowthIsShownEscapedOnThePage() {
        ObjectCountReport r = new ObjectCountReport(
                "on",
                "2 collections",
                2,
                3,
                1_000,
                9,
                61_000,
                List.of(new ObjectCountReport.ObjectCountClass("com.example.<b>Entry", 50, 1600, 40, 1280, false)));
        Diagnosis d = new Diagnosis(
                1,
                61_000,
                "request",
                1,
                "shop",
                Verdict.unavailable("test"),
                "on",
                "",
                0,
                0,
                List.of(),
                Double.NaN,
                Double.NaN,
                "none",
                "",
                List.of(),
                List.of(),
                HistogramReport.off(),
                new GcRootsReport("off", "", 0, -1, -1, 0),
                r);
        assertThat(d.toJson())
                .contains("\"objectCounts\":{\"status\":\"on\",\"detail\":\"2 collections\",\"collections\":2,"
                        + "\"firstGcId\":3,\"firstAt\":\"1970-01-01T00:00:01Z\",\"latestGcId\":9,"
                        + "\"latestAt\":\"1970-01-01T00:01:01Z\",\"classes\":[{\"type\":\"com.example.\\u003cb\\u003eEntry\","
                        + "\"instances\":50,\"bytes\":1600,\"growthInstances\":40,\"growthBytes\":1280,"
                        + "\"absentAtFirst\":false}]}");
        assertThat(ReportPage.render(d, "/heapwatch/diagnosis"))
                .contains("com.example.&lt;b&gt;Entry")
                .contains("From collection 3 at 1970-01-01T00:00:01Z to collection 9 at 1970-01-01T00:01:01Z")
                .doesNotContain("<b>Entry");
    }
}
