package io.heapwatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Credentials read from a real process environment whose bytes the JVM cannot decode: a child JVM started by
 * {@code sh} with raw bytes in {@code METRICS_AUTH_PASSWORD}, under a UTF-8 and under the C locale. They used to
 * become U+FFFD silently, so different secrets collapsed into one and the real one was refused.
 */
class EnvironmentEncodingTest {

    /** Run in the child JVM: prints the configuration's outcome. */
    public static void main(String[] args) {
        System.out.println("jnu=" + System.getProperty("sun.jnu.encoding"));
        try {
            HeapwatchConfig c = HeapwatchConfig.fromEnvironment();
            System.out.println("started: password of " + c.metricsPassword().length() + " chars");
        } catch (ConfigException e) {
            System.out.println("refused: " + e.setting() + ": " + e.getMessage());
        }
    }

    private static String run(String locale, String printfPassword) throws Exception {
        Assumptions.assumeTrue(new File("/bin/sh").canExecute(), "needs /bin/sh");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = String.join(
                File.pathSeparator,
                location(HeapwatchConfig.class),
                location(EnvironmentEncodingTest.class),
                location(org.jspecify.annotations.Nullable.class));
        // printf writes the raw bytes whatever the parent's locale; env passes them on untouched.
        String script = "exec env -i LC_ALL=\"$1\" METRICS_AUTH_USERNAME=prom"
                + " METRICS_AUTH_PASSWORD=\"$(printf '" + printfPassword + "')\""
                + " \"$2\" -cp \"$3\" io.heapwatch.config.EnvironmentEncodingTest";
        Process p = new ProcessBuilder(List.of("/bin/sh", "-c", script, "sh", locale, java, classpath))
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
    }

    @Test
    void latin1BytesUnderAUtf8LocaleAreRefusedNamingTheVariable() throws Exception {
        // p\xe4ssword-qz: "pässword-qz" written in Latin-1.
        String out = run("C.UTF-8", "p\\344ssword-qz");
        assertThat(out)
                .contains("\nrefused: METRICS_AUTH_PASSWORD: ")
                .contains("U+FFFD")
                .contains("METRICS_AUTH_PASSWORD_FILE")
                .contains("UTF-8 locale")
                .doesNotContain("ssword-qz");
    }

    @Test
    void utf8BytesUnderTheCLocaleAreRefusedNamingTheVariable() throws Exception {
        // "pässword-qz" in UTF-8, read by a JVM whose environment encoding is ASCII.
        String out = run("C", "p\\303\\244ssword-qz");
        Assumptions.assumeFalse(out.startsWith("jnu=UTF-8"), "this JVM decodes the environment as UTF-8 under C");
        assertThat(out)
                .contains("\nrefused: METRICS_AUTH_PASSWORD: ")
                .contains("U+FFFD")
                .contains("sun.jnu.encoding")
                .doesNotContain("ssword-qz");
    }

    @Test
    void utf8BytesUnderAUtf8LocaleStart() throws Exception {
        String out = run("C.UTF-8", "p\\303\\244ssword-qz");
        Assumptions.assumeTrue(out.startsWith("jnu=UTF-8"), "no C.UTF-8 locale on this machine");
        assertThat(out).contains("\nstarted: password of 11 chars");
    }
}
