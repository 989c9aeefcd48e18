package io.heapwatch.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapwatch.gc.GcEventTracker;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Paths to GC roots read from real dumps of this JVM: a structure held by a static field is named with its classes and
 * fields, and nothing of the JVM's descriptions (string contents, thread names) reaches the document or the page.
 */
class GcRootPathTest {

    /** The holder: a static map of arrays of records holding 64 KiB buffers (each allocated outside a TLAB). */
    static final class Store {
        static final Map<Long, Holder[]> HELD = new HashMap<>();

        record Holder(long id, byte[] payload) {}

        static void keep(int n) {
            for (long i = 0; i < n; i++) {
                Holder h = new Holder(i, new byte[64 * 1024]);
                synchronized (HELD) {
                    HELD.put(i, new Holder[] {h});
                }
            }
        }
    }

    /** Strings whose contents and a thread whose name must never be shown. */
    static final class Vault {
        static final List<String> TEXTS = new ArrayList<>();

        static void keep(int n) {
            for (int i = 0; i < n; i++) {
                String s = "SECRET-CONTENT-".repeat(4096) + i;
                synchronized (TEXTS) {
                    TEXTS.add(s);
                }
            }
        }
    }

    @AfterEach
    void release() {
        synchronized (Store.HELD) {
            Store.HELD.clear();
        }
        synchronized (Vault.TEXTS) {
            Vault.TEXTS.clear();
        }
    }

    static DiagnosisSettings settings() {
        return DiagnosisSettings.defaults().withEvidence(true).withGcRoots(true);
    }

    @Test
    void aStaticFieldHeldStructureIsNamedWithItsClassesAndFields() throws Exception {
        try (OldObjectEvidence ev =
                OldObjectEvidence.start(16L << 20, Duration.ofMinutes(10), false, Duration.ofSeconds(1))) {
            Store.keep(300);
            System.gc(); // the JVM writes only samples allocated before the last collection
            OldObjectEvidence.Read dump = ev.dump();
            assertThat(dump.dumpMillis()).isNotNegative();
            assertThat(dump.searchMillis()).isNotNegative();
            assertThat(dump.pathFailures()).isZero();
            assertThat(dump.samplesWithPath()).isPositive();

            List<ObjectSample> buffers = new ArrayList<>();
            for (ObjectSample s : dump.samples()) {
                if (s.type().equals("byte[]") && s.frameClasses().contains(Store.class.getName())) {
                    buffers.add(s);
                }
            }
            assertThat(buffers).as("samples of the kept buffers").isNotEmpty();
            GcRootPath path = GcRootPath.commonest(buffers);
            assertThat(path).as("a path for the kept buffers").isNotNull();
            String text = path.text();
            System.out.println("GcRootPathTest path: " + text + " (search " + dump.searchMillis() + " ms, dump "
                    + dump.dumpMillis() + " ms, " + dump.samplesWithPath() + "/"
                    + dump.samples().size() + " with path)");
            assertThat(text)
                    .startsWith("byte[] <- " + Store.Holder.class.getName() + ".payload <- ")
                    .contains(Store.Holder.class.getName() + "[] (element)")
                    .contains("java.util.HashMap$Node.value")
                    .contains("java.util.HashMap.table")
                    .contains(Store.class.getName() + ".HELD (static field; class inferred)")
                    .contains(" <- root: ");
            GcRootPath.Link held = path.links().stream()
                    .filter(l -> l.field().equals("HELD"))
                    .findFirst()
                    .orElseThrow();
            assertThat(held.kind()).isEqualTo(GcRootPath.STATIC_FIELD);
            assertThat(held.holder()).isEqualTo("java.lang.Class");
            assertThat(held.declaredBy()).isEqualTo(Store.class.getName());
            assertThat(path.rootSystem()).isNotEmpty();
            assertThat(path.links()).hasSizeLessThanOrEqualTo(GcRootPath.MAX_LINKS);
            assertThat(path.samples()).isBetween(1, buffers.size());

            List<LeakingType> types = Ranking.rank(buffers, settings(), Double.NaN);
            assertThat(types.get(0).pathToRoot()).isNotNull();
            assertThat(diagnosis(types).toJson())
                    .contains("\"pathToRoot\":{\"samples\":")
                    .contains("{\"holder\":\"java.lang.Class\",\"kind\":\"static field\",\"field\":\"HELD\","
                            + "\"declaredBy\":\"" + Store.class.getName() + "\",\"skippedBefore\":0}")
                    .contains("\"gcRoots\":{\"status\":\"on\"");
        }
    }

    @Test
    void withoutACutoffNoSampleHasAPath() throws Exception {
        try (OldObjectEvidence ev = OldObjectEvidence.start(16L << 20, Duration.ofMinutes(10), false, Duration.ZERO)) {
            Store.keep(100);
            System.gc();
            OldObjectEvidence.Read dump = ev.dump();
            assertThat(dump.samples()).isNotEmpty();
            assertThat(dump.samplesWithPath()).isZero();
            assertThat(dump.samples()).allMatch(s -> s.path() == null);
            assertThat(dump.searchMillis()).isZero();
        }
    }

    @Test
    void stringContentsAndThreadNamesNeverReachTheDocumentOrThePage() throws Exception {
        CountDownLatch kept = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread holder = new Thread(
                () -> {
                    List<byte[]> local = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        local.add(new byte[64 * 1024]);
                    }
                    kept.countDown();
                    try {
                        done.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    assertThat(local).hasSize(50);
                },
                "heapwatch-SECRET-thread-name");
        try (OldObjectEvidence ev =
                OldObjectEvidence.start(16L << 20, Duration.ofMinutes(10), false, Duration.ofSeconds(1))) {
            holder.start();
            Vault.keep(200);
            kept.await();
            System.gc();
            OldObjectEvidence.Read dump = ev.dump();
            List<ObjectSample> withPath =
                    dump.samples().stream().filter(s -> s.path() != null).toList();
            assertThat(withPath).isNotEmpty();
            assertThat(withPath)
                    .as("a path through the strings whose contents the JVM describes")
                    .anyMatch(s -> s.path().text().contains("java.lang.String.value"));
            List<LeakingType> types = Ranking.rank(withPath, settings().withApplicationPackages(List.of()), Double.NaN);
            Diagnosis d = diagnosis(types);
            // the allocating thread's name is a documented field of the samples, not of the paths
            List<String> shown = new ArrayList<>();
            shown.add(d.toJson());
            shown.add(ReportPage.render(d, "/heapwatch/diagnosis"));
            for (ObjectSample s : withPath) {
                shown.add(s.path().text());
                shown.add(s.path().toString());
            }
            assertThat(shown).allSatisfy(text -> assertThat(text).doesNotContain("SECRET"));
        } finally {
            done.countDown();
            holder.join();
        }
    }

    static LeakDiagnostics diagnostics(GcEventTracker tracker, DiagnosisSettings settings) {
        return new LeakDiagnostics(
                settings.withMinInterval(Duration.ZERO),
                tracker,
                null,
                "shop",
                Duration.ofMinutes(30),
                Duration.ofMinutes(2),
                Clock.systemUTC(),
                () -> {
                    throw new IllegalStateException("no histogram in this test");
                });
    }

    @Test
    void aWholeDiagnosisReportsTheSearchItsCostAndItsStatus() throws Exception {
        try (GcEventTracker tracker = new GcEventTracker(Tags.empty());
                LeakDiagnostics on = diagnostics(tracker, settings())) {
            on.start();
            Store.keep(100);
            System.gc();
            Diagnosis d = on.take("request");
            assertThat(d).isNotNull();
            GcRootsReport r = d.gcRoots();
            assertThat(r.status()).isEqualTo("on");
            assertThat(r.cutoffMillis()).isEqualTo(1000);
            assertThat(r.dumpMillis()).isNotNegative();
            assertThat(r.searchMillis()).isNotNegative().isLessThanOrEqualTo(r.dumpMillis() + 1000);
            assertThat(r.samplesWithPath()).isPositive().isLessThanOrEqualTo(d.samplesRead());
            assertThat(r.detail()).contains(r.samplesWithPath() + " of " + d.samplesRead() + " surviving samples");
            assertThat(d.evidenceDetail()).isNotEmpty();
            assertThat(d.toJson()).contains("\"gcRoots\":{\"status\":\"on\",");
            assertThat(ReportPage.render(d, "/heapwatch/diagnosis")).contains("Paths to GC roots on: ");
        }
        try (GcEventTracker tracker = new GcEventTracker(Tags.empty());
                LeakDiagnostics off = diagnostics(tracker, settings().withGcRoots(false))) {
            off.start();
            Diagnosis d = off.take("request");
            assertThat(d).isNotNull();
            assertThat(d.gcRoots().status()).isEqualTo("off");
            assertThat(d.gcRoots().cutoffMillis()).isZero();
            assertThat(d.gcRoots().dumpMillis())
                    .as("the dump is timed with the search off too")
                    .isNotNegative();
            assertThat(d.types()).allMatch(t -> t.pathToRoot() == null);
        }
        try (GcEventTracker tracker = new GcEventTracker(Tags.empty());
                LeakDiagnostics noEvidence = diagnostics(tracker, settings().withEvidence(false))) {
            noEvidence.start();
            Diagnosis d = noEvidence.take("request");
            assertThat(d).isNotNull();
            assertThat(d.gcRoots().status()).isEqualTo("off");
            assertThat(d.gcRoots().detail()).startsWith("HEAPWATCH_DIAGNOSIS=false");
            assertThat(d.gcRoots().dumpMillis()).isEqualTo(-1);
        }
    }

    @Test
    void longChainsKeepTheirEndsAndCountTheLinksLeftOut() {
        List<GcRootPath.Link> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            all.add(new GcRootPath.Link("C" + i, GcRootPath.FIELD, "f" + i, "", i == 20 ? 5 : 0));
        }
        List<GcRootPath.Link> kept = GcRootPath.bound(all);
        assertThat(kept).hasSize(GcRootPath.MAX_LINKS);
        assertThat(kept.get(0).holder()).isEqualTo("C0");
        assertThat(kept.get(GcRootPath.HEAD - 1).holder()).isEqualTo("C9");
        assertThat(kept.get(GcRootPath.HEAD).holder()).isEqualTo("C34");
        assertThat(kept.get(GcRootPath.HEAD).skippedBefore()).isEqualTo(24 + 5);
        assertThat(kept.get(GcRootPath.MAX_LINKS - 1).holder()).isEqualTo("C39");
        GcRootPath p = new GcRootPath("byte[]", kept, "Threads", "Stack Variable", 1);
        assertThat(p.skipped()).isEqualTo(29);
        assertThat(p.text())
                .contains("C9.f9 <- \u2026 29 skipped <- C34.f34")
                .endsWith(" <- root: Threads / Stack Variable");
    }

    @Test
    void namesAreEscapedInTheDocumentAndOnThePage() {
        GcRootPath p = new GcRootPath(
                "com.example.<b>Leak",
                List.of(
                        new GcRootPath.Link("java.lang.Object[]", GcRootPath.ARRAY_ELEMENT, "", "", 0),
                        new GcRootPath.Link("java.lang.Class", GcRootPath.STATIC_FIELD, "x\"</code>", "", 0)),
                "Class Loader Data",
                "",
                3);
        LeakingType t = new LeakingType(
                "com.example.<b>Leak", 3, 1, -1, Double.NaN, "com.example.A.b:1", List.of(), -1, -1, "survivors", p);
        Diagnosis d = diagnosis(List.of(t));
        assertThat(p.text())
                .isEqualTo("com.example.<b>Leak <- java.lang.Object[] (element) <- (class not named).x\"</code> (static"
                        + " field) <- root: Class Loader Data");
        assertThat(d.toJson())
                .contains("\"text\":\"com.example.\\u003cb\\u003eLeak \\u003c- ")
                .contains("\"field\":\"x\\\"\\u003c/code\\u003e\"")
                .doesNotContain("<b>");
        assertThat(ReportPage.render(d, "/heapwatch/diagnosis"))
                .contains("held by (path to a GC root of 3 samples)")
                .contains("com.example.&lt;b&gt;Leak &lt;- java.lang.Object[] (element)")
                .contains("x&quot;&lt;/code&gt; (static field)")
                .doesNotContain("<b>Leak");
        LeakingType without = new LeakingType(
                "byte[]", 1, 1, -1, Double.NaN, "", List.of(), -1, -1, LeakingType.FROM_SURVIVORS, null);
        assertThat(diagnosis(List.of(without)).toJson()).contains("\"pathToRoot\":null");
    }

    static Diagnosis diagnosis(List<LeakingType> types) {
        return TestDiagnoses.of(
                types, 1, Double.NaN, "samples", new GcRootsReport("on", "test", 1000, 12, 3, types.size()));
    }
}
