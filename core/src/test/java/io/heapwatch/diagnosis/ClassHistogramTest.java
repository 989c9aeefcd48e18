package io.heapwatch.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class ClassHistogramTest {

    /**
     * Real gcClassHistogram output (G1): on JDK 17.0.15 its first 60 lines, one {@code [[I} line and the total; on
     * Temurin 25.0.3 its first 12 lines, a lambda line and the total.
     */
    static String fixture(String name) throws IOException {
        try (InputStream in = Objects.requireNonNull(ClassHistogramTest.class.getResourceAsStream(name), name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void parsesTheJdk17Output() throws IOException {
        ClassHistogram h = ClassHistogram.parse(fixture("class-histogram-jdk17.txt"), 1000, ClassHistogram.MAX_CLASSES);
        List<ClassHistogram.Row> rows = h.rows();
        assertThat(rows).hasSize(59);
        assertThat(rows.get(0)).isEqualTo(new ClassHistogram.Row("byte[]", 9681, 447184));
        assertThat(rows).contains(new ClassHistogram.Row("Fix$Session", 5000, 160000));
        assertThat(rows).contains(new ClassHistogram.Row("int[][]", 1, 56));
        assertThat(rows).contains(new ClassHistogram.Row("java.lang.Object[]", 1835, 152392));
        assertThat(rows).anySatisfy(r -> assertThat(r.type()).startsWith("Fix$$Lambda$1/0x"));
        assertThat(rows).noneMatch(r -> r.type().startsWith("Total") || r.type().startsWith("class"));
        assertThat(rows).isSortedAccordingTo((a, b) -> Long.compare(b.bytes(), a.bytes()));
        assertThat(h.takenAtMillis()).isEqualTo(1000);
    }

    @Test
    void parsesTheJdk25Output() throws IOException {
        List<ClassHistogram.Row> rows = ClassHistogram.parse(fixture("class-histogram-jdk25.txt"), 0, 100)
                .rows();
        assertThat(rows).hasSize(11);
        assertThat(rows).contains(new ClassHistogram.Row("Fix$Session", 5000, 160000));
        assertThat(rows).anySatisfy(r -> assertThat(r.type()).startsWith("Fix$$Lambda/0x"));
        assertThat(rows.get(0).type()).isEqualTo("byte[]");
    }

    record Marker(int n) {}

    static final java.util.List<Marker> KEPT = new java.util.ArrayList<>();

    @Test
    void parsesTheRunningJvmsOwnHistogram() throws Exception {
        // The JDK that runs the tests (17 and 25 in CI): its real gcClassHistogram output, not a fixture.
        for (int i = 0; i < 64; i++) {
            KEPT.add(new Marker(i));
        }
        List<ClassHistogram.Row> rows = ClassHistogram.parse(
                        ClassHistograms.fromPlatformMBean(), 0, ClassHistogram.MAX_CLASSES)
                .rows();
        assertThat(rows).hasSizeGreaterThan(100).hasSizeLessThanOrEqualTo(ClassHistogram.MAX_CLASSES);
        assertThat(rows).anySatisfy(r -> {
            assertThat(r.type()).isEqualTo(Marker.class.getName());
            assertThat(r.instances()).isGreaterThanOrEqualTo(64);
            assertThat(r.bytes()).isGreaterThanOrEqualTo(64L * 16);
        });
        assertThat(rows).anySatisfy(r -> assertThat(r.type()).isEqualTo("java.lang.String"));
        assertThat(rows).anySatisfy(r -> assertThat(r.type()).isEqualTo("byte[]"));
        assertThat(rows).noneMatch(r -> r.type().startsWith("[") || r.type().contains(" "));
    }

    @Test
    void keepsOnlyTheLargestClasses() throws IOException {
        List<ClassHistogram.Row> rows =
                ClassHistogram.parse(fixture("class-histogram-jdk17.txt"), 0, 3).rows();
        assertThat(rows)
                .extracting(ClassHistogram.Row::type)
                .containsExactly("byte[]", "java.lang.Class", "java.lang.String");
    }

    @Test
    void rejectsOutputWithoutClassLines() {
        assertThatThrownBy(() -> ClassHistogram.parse("", 0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClassHistogram.parse(
                        " num     #instances         #bytes  class name (module)\n"
                                + "-------------------------------------------------------\nTotal 0 0\n",
                        0,
                        10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClassHistogram.parse("GC.class_histogram: permission denied", 0, 10))
                .hasMessageContaining("no class line");
    }

    @Test
    void mergesOneNameFromTwoLoadersAndToleratesCarriageReturns() {
        ClassHistogram h = ClassHistogram.parse(
                "   1:  10  400  com.example.Cart\r\n   2:  5  200  com.example.Cart\r\n   3: 1 16 [J (java.base@17)\r\n",
                0,
                10);
        assertThat(h.rows())
                .containsExactly(
                        new ClassHistogram.Row("com.example.Cart", 15, 600), new ClassHistogram.Row("long[]", 1, 16));
    }

    @Test
    void growthIsTheDifferencePerClassLargestFirst() {
        ClassHistogram base = ClassHistogram.parse(
                "   1: 100 409600 [B (java.base@17)\n   2: 10 240 java.lang.String (java.base@17)\n"
                        + "   3: 4 64 com.example.Gone\n",
                0,
                10);
        ClassHistogram now = ClassHistogram.parse(
                "   1: 150 414000 [B (java.base@17)\n   2: 1010 24240 java.lang.String (java.base@17)\n"
                        + "   3: 64 4608 com.example.Session\n",
                1,
                10);
        assertThat(now.growthSince(base))
                .containsExactly(
                        new ClassHistogram.Growth("java.lang.String", 1010, 24240, 1000, 24000),
                        new ClassHistogram.Growth("com.example.Session", 64, 4608, 64, 4608),
                        new ClassHistogram.Growth("byte[]", 150, 414000, 50, 4400));
    }
}
