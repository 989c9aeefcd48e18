package io.heapwatch.config;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * A stored PBKDF2-HMAC-SHA256 password hash (RFC 8018), in the PHC string format:
 *
 * <pre>{@code
 * $pbkdf2-sha256$i=600000$<salt>$<derived key>
 * }</pre>
 *
 * where the salt (8 to 64 bytes) and the derived key (16 to 64 bytes) are standard base64 without padding, and the
 * iteration count is from {@value #MIN_ITERATIONS} to {@value #MAX_ITERATIONS}. The password is hashed as its UTF-8
 * bytes. Produce one with the JDK alone:
 *
 * <pre>{@code
 * java -cp heapwatch-core.jar io.heapwatch.config.PasswordHash   # reads the password without echo
 * }</pre>
 *
 * <p>Immutable; {@link #toString()} never shows the salt or the key.
 */
public final class PasswordHash {

    /** The identifier in the PHC string. */
    public static final String ALGORITHM = "pbkdf2-sha256";

    /** Iterations used by {@link #create(char[])}, as recommended by OWASP for PBKDF2-HMAC-SHA256 (2023). */
    public static final int DEFAULT_ITERATIONS = 600_000;

    public static final int MIN_ITERATIONS = 100_000;
    public static final int MAX_ITERATIONS = 10_000_000;

    static final String ACCEPTED = "a PBKDF2 hash in the form $pbkdf2-sha256$i=<" + MIN_ITERATIONS + " to "
            + MAX_ITERATIONS + ">$<salt: 8 to 64 bytes>$<key: 16 to 64 bytes>, salt and key in base64 without"
            + " padding (produce one with: java -cp heapwatch-core.jar io.heapwatch.config.PasswordHash)";

    private static final String JCA_NAME = "PBKDF2WithHmacSHA256";

    private final int iterations;
    private final byte[] salt;
    private final byte[] key;

    private PasswordHash(int iterations, byte[] salt, byte[] key) {
        this.iterations = iterations;
        this.salt = salt;
        this.key = key;
    }

    /**
     * Parses a PHC string.
     *
     * @throws IllegalArgumentException when it is not a hash this class accepts (the message never shows it)
     */
    public static PasswordHash parse(String phc) {
        String[] parts = phc.trim().split("\\$", -1);
        // "", "pbkdf2-sha256", "i=N", salt, key
        if (parts.length != 5 || !parts[0].isEmpty() || !ALGORITHM.equals(parts[1])) {
            throw new IllegalArgumentException("not a $" + ALGORITHM + "$ hash");
        }
        String params = parts[2];
        if (!params.startsWith("i=")
                || params.length() > 10
                || !params.substring(2).matches("[1-9][0-9]*")) {
            throw new IllegalArgumentException("the parameters must be i=<iterations>");
        }
        int iterations = Integer.parseInt(params.substring(2));
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException(
                    "the iteration count must be from " + MIN_ITERATIONS + " to " + MAX_ITERATIONS);
        }
        byte[] salt = base64(parts[3], "salt");
        byte[] key = base64(parts[4], "key");
        if (salt.length < 8 || salt.length > 64) {
            throw new IllegalArgumentException("the salt must be 8 to 64 bytes");
        }
        if (key.length < 16 || key.length > 64) {
            throw new IllegalArgumentException("the key must be 16 to 64 bytes");
        }
        return new PasswordHash(iterations, salt, key);
    }

    private static byte[] base64(String text, String what) {
        if (text.isEmpty() || text.indexOf('=') >= 0 || !text.matches("[A-Za-z0-9+/]+")) {
            throw new IllegalArgumentException("the " + what + " must be base64 without padding");
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + what + " must be base64 without padding");
        }
    }

    /** Hashes a password with a new random 16-byte salt and {@link #DEFAULT_ITERATIONS}; returns the PHC string. */
    public static String create(char[] password) {
        return create(password, DEFAULT_ITERATIONS);
    }

    /** Hashes a password with a new random 16-byte salt; returns the PHC string. */
    public static String create(char[] password, int iterations) {
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be from " + MIN_ITERATIONS + " to " + MAX_ITERATIONS);
        }
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        byte[] key = derive(password, salt, iterations, 32);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "$" + ALGORITHM + "$i=" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(key);
    }

    /**
     * Whether a password matches, in time that does not depend on where the keys differ. Costs the full work
     * factor: callers cache the result.
     */
    public boolean matches(char[] password) {
        byte[] derived = derive(password, salt, iterations, key.length);
        return MessageDigest.isEqual(derived, key);
    }

    /** The iteration count (the work factor). */
    public int iterations() {
        return iterations;
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations, int keyBytes) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, keyBytes * 8);
        try {
            // SunJCE hashes the characters as their UTF-8 bytes.
            return SecretKeyFactory.getInstance(JCA_NAME).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(JCA_NAME + " is required by every Java platform", e);
        } finally {
            spec.clearPassword();
        }
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof PasswordHash h
                && iterations == h.iterations
                && Arrays.equals(salt, h.salt)
                && MessageDigest.isEqual(key, h.key);
    }

    @Override
    public int hashCode() {
        return iterations;
    }

    /** Shows the algorithm and work factor, never the salt or the key. */
    @Override
    public String toString() {
        return "$" + ALGORITHM + "$i=" + iterations + "$…";
    }

    /**
     * Prints the hash of a password read from the console without echo, or from the first line of standard input.
     * An optional argument sets the iteration count.
     */
    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_ITERATIONS;
        char[] password;
        Console console = System.console();
        if (console != null) {
            password = console.readPassword("Password for METRICS_AUTH_PASSWORD_HASH: ");
            char[] again = console.readPassword("Again: ");
            if (password == null || again == null || !Arrays.equals(password, again)) {
                System.err.println("The passwords differ.");
                System.exit(1);
                return;
            }
            Arrays.fill(again, '\0');
        } else {
            BufferedReader in = new BufferedReader(new InputStreamReader(
                    System.in,
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)));
            String line = in.readLine();
            password = line == null ? new char[0] : line.toCharArray();
        }
        if (password.length == 0) {
            System.err.println("The password is empty.");
            System.exit(1);
            return;
        }
        out.println(create(password, iterations));
        Arrays.fill(password, '\0');
    }
}
