package io.heapwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class PasswordHashTest {

    /** PBKDF2-HMAC-SHA256 written from RFC 8018, section 5.2, independently of the JDK's SecretKeyFactory. */
    static byte[] pbkdf2(byte[] password, byte[] salt, int iterations, int length) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(password, "HmacSHA256"));
        byte[] out = new byte[length];
        for (int block = 1, at = 0; at < length; block++) {
            mac.update(salt);
            mac.update(new byte[] {(byte) (block >>> 24), (byte) (block >>> 16), (byte) (block >>> 8), (byte) block});
            byte[] u = mac.doFinal();
            byte[] t = u.clone();
            for (int i = 1; i < iterations; i++) {
                u = mac.doFinal(u);
                for (int j = 0; j < t.length; j++) {
                    t[j] ^= u[j];
                }
            }
            int n = Math.min(t.length, length - at);
            System.arraycopy(t, 0, out, at, n);
            at += n;
        }
        return out;
    }

    @Test
    void createdHashIsPbkdf2OfTheUtf8PasswordInThePhcFormat() throws Exception {
        String phc = PasswordHash.create("pässwörd✓".toCharArray(), PasswordHash.MIN_ITERATIONS);
        String[] parts = phc.split("\\$");
        assertThat(parts).hasSize(5);
        assertThat(parts[1]).isEqualTo("pbkdf2-sha256");
        assertThat(parts[2]).isEqualTo("i=" + PasswordHash.MIN_ITERATIONS);
        assertThat(parts[3] + parts[4]).doesNotContain("=");
        byte[] salt = Base64.getDecoder().decode(parts[3]);
        byte[] key = Base64.getDecoder().decode(parts[4]);
        assertThat(salt).hasSize(16);
        assertThat(key)
                .isEqualTo(pbkdf2("pässwörd✓".getBytes(StandardCharsets.UTF_8), salt, PasswordHash.MIN_ITERATIONS, 32));
        PasswordHash h = PasswordHash.parse(phc);
        assertThat(h.matches("pässwörd✓".toCharArray())).isTrue();
        assertThat(h.matches("pässwörd".toCharArray())).isFalse();
        assertThat(h.iterations()).isEqualTo(PasswordHash.MIN_ITERATIONS);
        assertThat(h.toString()).doesNotContain(parts[3]).doesNotContain(parts[4]);
        // A fresh salt every time.
        assertThat(PasswordHash.create("x".toCharArray(), PasswordHash.MIN_ITERATIONS))
                .isNotEqualTo(PasswordHash.create("x".toCharArray(), PasswordHash.MIN_ITERATIONS));
    }

    @Test
    void hashMadeElsewhereIsAccepted() throws Exception {
        // As another tool (Python's hashlib.pbkdf2_hmac, OpenSSL) would make it: independent derivation.
        byte[] salt = "0123456789abcdef0123".getBytes(StandardCharsets.US_ASCII);
        byte[] key = pbkdf2("s3cret".getBytes(StandardCharsets.UTF_8), salt, 100_000, 48);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        PasswordHash h = PasswordHash.parse(
                "$pbkdf2-sha256$i=100000$" + b64.encodeToString(salt) + "$" + b64.encodeToString(key));
        assertThat(h.matches("s3cret".toCharArray())).isTrue();
        assertThat(h.matches("s3cret ".toCharArray())).isFalse();
    }

    @Test
    void outOfRangeWorkFactorIsRefused() {
        assertThatThrownBy(() -> PasswordHash.create("x".toCharArray(), 1000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PasswordHash.parse("$pbkdf2-sha256$i=99999999999$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mainPrintsAHashOfTheFirstLineOfStandardInput() throws Exception {
        InputStream in = System.in;
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream("pässwörd✓\n".getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            PasswordHash.main(new String[] {Integer.toString(PasswordHash.MIN_ITERATIONS)});
        } finally {
            System.setIn(in);
            System.setOut(out);
        }
        String phc = printed.toString(StandardCharsets.UTF_8).trim();
        assertThat(phc).startsWith("$pbkdf2-sha256$i=" + PasswordHash.MIN_ITERATIONS + "$");
        assertThat(PasswordHash.parse(phc).matches("pässwörd✓".toCharArray())).isTrue();
    }
}
