package io.heapwatch.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The short CI schedule: the reference leak and the steady mix, once each, run concurrently in two demo JVMs for
 * 150 s (50 real minutes at 20&times; compression). About 3 minutes of wall time.
 *
 * <p>It asserts that the steady mix gets no verdict in any state on a real JVM under default G1, and that the leak
 * run's retained heap after GC does rise (the harness leaks). It no longer asserts that the reference leak (the
 * equivalent of 1 MB/min on 1 GiB) is flagged within 15 real minutes: the verdict now requires the lower bound of
 * the growth rate to fill the heap within 8 times the span of the floors, and this leak fills it in about 13 real
 * hours. docs/leak-detection.md reports that target as not met, with the figure measured on the simulation path.
 */
class LeakHarnessCiTest {

    private static final int SECONDS = 150;

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
                new LeakHarness.Demo(demoJar, true, false),
                out);
        String report = Report.markdown(results, SECONDS, 1, Report.priming(true) + " The CI schedule.");
        Files.writeString(out.resolve("results.md"), report);
        System.out.println(report);

        RunResult leak = results.get(0);
        RunResult steady = results.get(1);
        assertThat(leak.error).as("leak run error").isNull();
        assertThat(steady.error).as("steady run error").isNull();
        double firstLive = leak.samples.stream()
                .mapToDouble(Sample::live)
                .filter(v -> v > 0)
                .findFirst()
                .orElse(0);
        double lastLive = leak.samples.stream()
                .mapToDouble(Sample::live)
                .filter(v -> v > 0)
                .max()
                .orElse(0);
        assertThat(lastLive - firstLive)
                .as("rise of the leak run's retained heap after GC (bytes)")
                .isGreaterThan(2 * 1024 * 1024);
        long falseVerdicts = steady.samples.stream().filter(Sample::flagged).count();
        assertThat(falseVerdicts)
                .as("steady flagged scrapes; timeline %s", steady.timeline())
                .isZero();
    }
}
