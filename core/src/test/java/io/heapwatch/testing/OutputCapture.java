package io.heapwatch.testing;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Tees {@code System.out} and {@code System.err} (where slf4j-simple writes) into one in-memory transcript for the
 * whole test JVM, so tests can assert what was logged and {@link SecretsGuard} can check that no secret ever was.
 * Installed once, by the first use.
 */
public final class OutputCapture {

    private static final StringBuffer TRANSCRIPT = new StringBuffer();
    private static boolean installed;

    private OutputCapture() {}

    /** Installs the tee if it is not installed yet. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        System.setOut(tee(System.out));
        System.setErr(tee(System.err));
    }

    private static PrintStream tee(PrintStream original) {
        OutputStream both = new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                TRANSCRIPT.append((char) (b & 0xff));
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                TRANSCRIPT.append(new String(b, off, len, StandardCharsets.UTF_8));
            }

            @Override
            public void flush() {
                original.flush();
            }
        };
        return new PrintStream(both, true, StandardCharsets.UTF_8);
    }

    /** A position in the transcript, for {@link #since(int)}. */
    public static int mark() {
        install();
        System.out.flush();
        System.err.flush();
        return TRANSCRIPT.length();
    }

    /** Everything written to stdout and stderr since the mark. */
    public static String since(int mark) {
        System.out.flush();
        System.err.flush();
        return TRANSCRIPT.substring(Math.min(mark, TRANSCRIPT.length()));
    }

    /** Counts the lines written since the mark that contain the given text. */
    public static long linesContaining(int mark, String text) {
        return since(mark).lines().filter(l -> l.contains(text)).count();
    }
}
