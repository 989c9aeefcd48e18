package io.heapwatch.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The short CI schedule: the reference leak and the steady mix, once each, run concurrently in two demo JVMs for
 * 150 s (50 real minutes at 20× compression). About 3 minutes of wall time.
 *
 * <p>Known miss, asserted around rather than hidden: the steady mix is flagged for about 18 s shortly after load
 * starts, while about 3 MiB promoted as the JVM and Jetty warm up is still rising (spread over several compressed
 * sub-windows by the 15-GC tenuring delay); the persistence rule clears it a few sub-windows after the rise ends,
 * by 66&ndash;72 s in the four runs so far. See "Scenario harness results" in docs/leak-detection.md. The test
 * therefore asserts that the steady mix is not flagged from {@value #STEADY_FROM} s on, and prints the full
 * timeline.
 */
class LeakHarnessCiTest {

    private static final int SECONDS = 150;
    private static final int STEADY_FROM = 90;

    @Test
    @Timeout(240)
    void leakIsFlaggedAndSteadyIsNot() throws Exception {
        Path demoJar = Path.of(
                System.getProperty("heapwatch.demoJar", "../examples/jetty-demo/target/heapwatch-jetty-demo.jar"));
        assertThat(demoJar).exists();
        Path out = Files.createDirectories(Path.of("target", "leak-harness-ci"));
        List<RunResult> results = LeakHarness.runAll(
                List.of(
                        new LeakHarness.Job(Scenario.leak(7, SECONDS), 1),
                        new LeakHarness.Job(Scenario.steady(7, SECONDS), 1)),
                SECONDS,
                2,
                demoJar,
                out);
        String report = Report.markdown(results, SECONDS, 1, Double.NaN);
        Files.writeString(out.resolve("results.md"), report);
        System.out.println(report);

        RunResult leak = results.get(0);
        RunResult steady = results.get(1);
        assertThat(leak.error).as("leak run error").isNull();
        assertThat(steady.error).as("steady run error").isNull();
        assertThat(leak.firstVerdictSeconds())
                .as("leak first verdict (s); timeline %s", leak.timeline())
                .isLessThanOrEqualTo(90.0);
        long lateFalse = steady.samples.stream()
                .filter(s -> s.flagged() && s.t() >= STEADY_FROM)
                .count();
        assertThat(lateFalse)
                .as("steady flagged seconds after %d s; timeline %s", STEADY_FROM, steady.timeline())
                .isZero();
    }
}
