package io.heapwatch.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs {@link CollectorProbe} in a child JVM per collector: the tracker must pick the right pools and see retained
 * bytes on each. JDK 25 runs (generational ZGC) use the JDK at {@code heapwatch.jdk25.home}, by default
 * {@value #JDK25_DEFAULT}, and are skipped where it is not installed.
 */
class CollectorCoverageTest {

    static final String JDK25_DEFAULT = "/usr/lib/jvm/temurin-25-jdk-amd64";

    private static final long MIB = 1024 * 1024;

    /**
     * What else may survive between two samples: the notifications' own objects, and ZGC's 2 MiB page granularity
     * (its usage moves in whole pages).
     */
    private static final long SLACK = 4 * MIB;

    @ParameterizedTest(name = "{0} on JDK {1}")
    @CsvSource({
        "-XX:+UseG1GC,        current, G1 Old Gen,           G1 Survivor Space",
        "-XX:+UseParallelGC,  current, PS Old Gen,           PS Survivor Space",
        "-XX:+UseSerialGC,    current, Tenured Gen,          Survivor Space",
        "-XX:+UseZGC,         current, ZHeap,                ''",
        "-XX:+UseShenandoahGC, current, Shenandoah,          ''",
        "-XX:+UseZGC,         25,      ZGC Old Generation,   ''",
        "-XX:+UseG1GC,        25,      G1 Old Gen,           G1 Survivor Space",
    })
    void tracksTheLongLivedPoolsAndSeesRetainedBytes(
            String collector, String jdk, String expectedTracked, String expectedSurvivors) throws Exception {
        Path java = java(jdk);
        Map<String, String> out = probe(java, collector);

        // JDK 23 removed non-generational ZGC: there -XX:+UseZGC is generational, as on the JDK 25 rows
        if (jdk.equals("current")
                && collector.equals("-XX:+UseZGC")
                && Runtime.version().feature() >= 23) {
            expectedTracked = "ZGC Old Generation";
        }
        assertThat(out.get("tracked")).isEqualTo(expectedTracked);
        assertThat(out.get("survivors")).isEqualTo(expectedSurvivors);
        long max = Long.parseLong(out.get("max"));
        assertThat(max).isPositive();
        assertThat(Long.parseLong(out.get("baseline"))).isPositive().isLessThan(max);
        long retained = CollectorProbe.RETAINED_MIB * MIB;
        // ZGC reports usage in whole 2 MiB pages, and relocation may pack the retained bytes into partly used ones;
        // Shenandoah's signal is the whole heap, whose baseline can still hold garbage that the explicit cycle frees
        // (a CI run saw a rise of 3.57 MiB for 4 MiB retained)
        long lowest =
                collector.contains("ZGC") || collector.contains("Shenandoah") ? retained - 2 * MIB : retained * 9 / 10;
        assertThat(Long.parseLong(out.get("riseAfterExplicitGc")))
                .as("rise of the signal over an explicit GC after retaining %d bytes", retained)
                .isBetween(lowest, retained + SLACK);
        assertThat(Long.parseLong(out.get("lowestAfterBaseline")))
                .as("lowest signal of any sample after the baseline (a pause notification must not pass as zero)")
                .isGreaterThanOrEqualTo(Long.parseLong(out.get("baseline")) / 2);
        assertThat(out.get("explicitGcConfirmed"))
                .as("an explicit (full or whole-heap) collection reclaims long-lived space: a live-set point")
                .isEqualTo("true");
        if (!expectedSurvivors.isEmpty()) {
            assertThat(out.get("youngGcConfirmed"))
                    .as("a young collection leaves promoted dead objects: not a live-set point")
                    .isEqualTo("false");
            assertThat(Long.parseLong(out.get("riseAfterFirstYoungGc")))
                    .as("rise of the signal at the first young GC after retaining %d bytes", retained)
                    .isBetween(retained * 9 / 10, retained + SLACK);
        }
    }

    private static Path java(String jdk) {
        if (jdk.equals("current")) {
            return Path.of(System.getProperty("java.home"), "bin", "java");
        }
        Path java = Path.of(System.getProperty("heapwatch.jdk25.home", JDK25_DEFAULT), "bin", "java");
        assumeTrue(Files.isExecutable(java), "JDK 25 not installed at " + java);
        return java;
    }

    private static Map<String, String> probe(Path java, String collector) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                java.toString(),
                collector,
                "-Xmx256m",
                "-Xms256m",
                "-Xlog:disable",
                "-cp",
                System.getProperty("java.class.path"),
                CollectorProbe.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try {
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
        assertThat(process.exitValue()).as("probe output:%n%s", output).isZero();
        Map<String, String> values = new HashMap<>();
        for (String line : output.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return values;
    }
}
