package io.heapwatch.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapwatch.endpoint.BasicAuthenticator.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BasicAuthenticatorTest {

    private final BasicAuthenticator auth = new BasicAuthenticator("prom", "s3cret");

    private static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    private static String basicBytes(byte[] raw) {
        return "Basic " + Base64.getEncoder().encodeToString(raw);
    }

    @Test
    void rightCredentialsAuthenticate() {
        assertThat(auth.authenticate(basic("prom:s3cret"))).isEqualTo(Outcome.AUTHENTICATED);
    }

    @Test
    void schemeIsCaseInsensitiveAndMaySpanSeveralSpaces() {
        String token = basic("prom:s3cret").substring("Basic ".length());
        assertThat(auth.authenticate("basic " + token)).isEqualTo(Outcome.AUTHENTICATED);
        assertThat(auth.authenticate("BASIC   " + token)).isEqualTo(Outcome.AUTHENTICATED);
    }

    @Test
    void passwordMayContainColons() {
        BasicAuthenticator colons = new BasicAuthenticator("u", "a:b:c");
        assertThat(colons.authenticate(basic("u:a:b:c"))).isEqualTo(Outcome.AUTHENTICATED);
        assertThat(colons.authenticate(basic("u:a:b"))).isEqualTo(Outcome.BAD_CREDENTIALS);
    }

    @Test
    void unicodeCredentialsAuthenticateAsUtf8() {
        BasicAuthenticator unicode = new BasicAuthenticator("jürgen", "pässwörd✓");
        assertThat(unicode.authenticate(basic("jürgen:pässwörd✓"))).isEqualTo(Outcome.AUTHENTICATED);
    }

    @Test
    void missingHeaderIsMissing() {
        assertThat(auth.authenticate((String) null)).isEqualTo(Outcome.MISSING);
        assertThat(auth.authenticate(Collections.emptyEnumeration())).isEqualTo(Outcome.MISSING);
    }

    @Test
    void repeatedHeadersAreMalformedEvenIfOneIsRight() {
        assertThat(auth.authenticate(Collections.enumeration(List.of(basic("prom:s3cret"), basic("prom:s3cret")))))
                .isEqualTo(Outcome.MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "Basic",
                "Basic ",
                "Basic    ",
                "Bearer abc",
                "Digest username=\"prom\"",
                "Basicabc",
                "Basic !!!notbase64",
                "Basic cHJvbTpzM2NyZXQ=extra",
                "Basic cHJvbQ==",
                "Basic cHJvbTpz M2NyZXQ=",
                " Basic cHJvbTpzM2NyZXQ=",
                "Basic\tcHJvbTpzM2NyZXQ=",
                "Basic cHJvbTpzM2NyZXQ=="
            })
    void malformedHeadersAreMalformed(String header) {
        assertThat(auth.authenticate(header)).isEqualTo(Outcome.MALFORMED);
    }

    @Test
    void oversizedHeaderIsMalformedEvenWithRightCredentialsInside() {
        String huge = basic("prom:s3cret" + "x".repeat(2000));
        assertThat(auth.authenticate(huge)).isEqualTo(Outcome.MALFORMED);
    }

    @Test
    void nonUtf8BytesAreMalformed() {
        byte[] raw = {'p', 'r', 'o', 'm', ':', (byte) 0xC3, (byte) 0x28};
        assertThat(auth.authenticate(basicBytes(raw))).isEqualTo(Outcome.MALFORMED);
    }

    @Test
    void controlCharactersInsideCredentialsAreMalformed() {
        assertThat(auth.authenticate(basic("prom:s3cret\u0000"))).isEqualTo(Outcome.MALFORMED);
        assertThat(auth.authenticate(basic("prom\n:s3cret"))).isEqualTo(Outcome.MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "prom:wrong",
                "other:s3cret",
                "prom:",
                ":s3cret",
                ":",
                "prom:s3cre",
                "prom:s3cret ",
                "prom :s3cret",
                "pro:s3cret",
                "promx:s3cret",
                "prom:S3CRET",
                "PROM:s3cret",
                "prom:s3cretx",
                "prom%3As3cret:s3cret"
            })
    void wrongCredentialsAreBadCredentials(String credentials) {
        assertThat(auth.authenticate(basic(credentials))).isEqualTo(Outcome.BAD_CREDENTIALS);
    }

    @Test
    void unconfiguredAuthenticatorRefusesEverythingAsNotConfigured() {
        BasicAuthenticator none = new BasicAuthenticator(null, null);
        assertThat(none.configured()).isFalse();
        assertThat(none.authenticate(basic("prom:s3cret"))).isEqualTo(Outcome.NOT_CONFIGURED);
        assertThat(none.authenticate((String) null)).isEqualTo(Outcome.NOT_CONFIGURED);
        assertThat(none.authenticate(basic(":"))).isEqualTo(Outcome.NOT_CONFIGURED);
    }

    @Test
    void blankCredentialsCountAsUnsetAsInTheConfiguration() {
        for (BasicAuthenticator blank : new BasicAuthenticator[] {
            new BasicAuthenticator("", ""), new BasicAuthenticator("prom", " "), new BasicAuthenticator(" ", "s3cret")
        }) {
            assertThat(blank.configured()).isFalse();
            assertThat(blank.authenticate(basic(":"))).isEqualTo(Outcome.NOT_CONFIGURED);
            assertThat(blank.authenticate(basic("prom: "))).isEqualTo(Outcome.NOT_CONFIGURED);
        }
    }

    @Test
    void reasonTagValuesAreLowerCase() {
        assertThat(Outcome.BAD_CREDENTIALS.reason()).isEqualTo("bad_credentials");
    }

    // ------------------------------------------------------------------------------- back-off and stored hash

    /** A clock the test moves. */
    private static final class Clock implements java.util.function.LongSupplier {
        long nanos = 1_000_000_000L;

        @Override
        public long getAsLong() {
            return nanos;
        }

        void seconds(double s) {
            nanos += (long) (s * 1e9);
        }
    }

    @Test
    void backoffRefusesUnverifiedCredentialsAfterTenWrongOnesWhileVerifiedOnesKeepWorking() {
        Clock clock = new Clock();
        BasicAuthenticator a = new BasicAuthenticator("prom", "s3cret", null, true, clock);
        assertThat(a.authenticate(basic("prom:s3cret"))).isEqualTo(Outcome.AUTHENTICATED);
        for (int i = 0; i < 10; i++) {
            assertThat(a.authenticate(basic("prom:guess" + i))).as("guess " + i).isEqualTo(Outcome.BAD_CREDENTIALS);
        }
        assertThat(a.authenticate(basic("prom:guess10"))).isEqualTo(Outcome.THROTTLED);
        assertThat(a.retryAfterSeconds()).isEqualTo(5);
        // The scraper's credentials verified before: admitted, in any base64 spelling.
        assertThat(a.authenticate(basic("prom:s3cret"))).isEqualTo(Outcome.AUTHENTICATED);
        assertThat(a.authenticate("basic " + basic("prom:s3cret").substring(6).replace("=", "")))
                .isEqualTo(Outcome.AUTHENTICATED);
        // Missing and malformed stay 401: a browser still gets its login prompt.
        assertThat(a.authenticate((String) null)).isEqualTo(Outcome.MISSING);
        assertThat(a.authenticate("Bearer x")).isEqualTo(Outcome.MALFORMED);
        clock.seconds(2);
        assertThat(a.retryAfterSeconds()).isEqualTo(3);
        assertThat(a.authenticate(basic("prom:guess11"))).isEqualTo(Outcome.THROTTLED);
        clock.seconds(3);
        // One more attempt is checked every 5 s.
        assertThat(a.authenticate(basic("prom:guess12"))).isEqualTo(Outcome.BAD_CREDENTIALS);
        assertThat(a.authenticate(basic("prom:guess13"))).isEqualTo(Outcome.THROTTLED);
        clock.seconds(50);
        for (int i = 0; i < 10; i++) {
            assertThat(a.authenticate(basic("prom:again" + i))).isEqualTo(Outcome.BAD_CREDENTIALS);
        }
        assertThat(a.authenticate(basic("prom:again10"))).isEqualTo(Outcome.THROTTLED);
    }

    @Test
    void duringTheBackoffEvenTheRightPasswordIsNotCheckedUnlessItVerifiedBefore() {
        Clock clock = new Clock();
        BasicAuthenticator a = new BasicAuthenticator("prom", "s3cret", null, true, clock);
        for (int i = 0; i < 10; i++) {
            a.authenticate(basic("prom:guess" + i));
        }
        // Checking it would tell a guesser it is right: a new client waits out Retry-After.
        assertThat(a.authenticate(basic("prom:s3cret"))).isEqualTo(Outcome.THROTTLED);
        clock.seconds(a.retryAfterSeconds());
        assertThat(a.authenticate(basic("prom:s3cret"))).isEqualTo(Outcome.AUTHENTICATED);
    }

    @Test
    void withoutTheBackoffEveryWrongCredentialIsCheckedAndRefused() {
        BasicAuthenticator a = new BasicAuthenticator("prom", "s3cret", null, false, new Clock());
        for (int i = 0; i < 1000; i++) {
            assertThat(a.authenticate(basic("prom:guess" + i))).isEqualTo(Outcome.BAD_CREDENTIALS);
        }
        assertThat(a.authenticate(basic("prom:s3cret"))).isEqualTo(Outcome.AUTHENTICATED);
    }

    @Test
    void rememberedCredentialsCannotBeFilledByWrongOnesAndAreForgottenWhenIdle() {
        Clock clock = new Clock();
        BasicAuthenticator a = new BasicAuthenticator("prom", "s3cret", null, false, clock);
        for (int i = 0; i < 1000; i++) {
            a.authenticate(basic("prom:guess" + i));
            a.authenticate(basic("user" + i + ":s3cret"));
        }
        VerifiedCredentials cache = verified(a);
        assertThat(cache.size()).isZero();
        assertThat(a.authenticate(basic("prom:s3cret"))).isEqualTo(Outcome.AUTHENTICATED);
        assertThat(a.authenticate("BASIC " + basic("prom:s3cret").substring(6))).isEqualTo(Outcome.AUTHENTICATED);
        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.contains("prom:s3cret".getBytes(StandardCharsets.UTF_8)))
                .isTrue();
        clock.seconds(15 * 60 + 1);
        assertThat(cache.contains("prom:s3cret".getBytes(StandardCharsets.UTF_8)))
                .isFalse();
        assertThat(cache.size()).isZero();
    }

    @Test
    void verifiedCredentialsAreBoundedAndEvictTheLeastRecentlyUsed() {
        Clock clock = new Clock();
        VerifiedCredentials cache = new VerifiedCredentials(clock);
        for (int i = 0; i < 100; i++) {
            clock.seconds(1);
            cache.add(("u:" + i).getBytes(StandardCharsets.UTF_8));
            cache.contains("u:0".getBytes(StandardCharsets.UTF_8)); // kept in use
        }
        assertThat(cache.size()).isEqualTo(VerifiedCredentials.CAPACITY);
        assertThat(cache.contains("u:0".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(cache.contains("u:99".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(cache.contains("u:50".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    private static VerifiedCredentials verified(BasicAuthenticator a) {
        try {
            java.lang.reflect.Field f = BasicAuthenticator.class.getDeclaredField("verified");
            f.setAccessible(true);
            return (VerifiedCredentials) f.get(a);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static java.util.concurrent.Semaphore hashing(BasicAuthenticator a) {
        try {
            java.lang.reflect.Field f = BasicAuthenticator.class.getDeclaredField("hashing");
            f.setAccessible(true);
            return (java.util.concurrent.Semaphore) f.get(a);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static final io.heapwatch.config.PasswordHash HASH =
            io.heapwatch.config.PasswordHash.parse(io.heapwatch.config.PasswordHash.create(
                    "pässwörd✓".toCharArray(), io.heapwatch.config.PasswordHash.MIN_ITERATIONS));

    @Test
    void storedHashAuthenticatesTheRightPasswordAndRefusesOthers() {
        BasicAuthenticator a = new BasicAuthenticator("jürgen", null, HASH, false, new Clock());
        assertThat(a.configured()).isTrue();
        assertThat(a.authenticate(basic("jürgen:pässwörd✓"))).isEqualTo(Outcome.AUTHENTICATED);
        assertThat(a.authenticate(basic("jürgen:pässwörd"))).isEqualTo(Outcome.BAD_CREDENTIALS);
        assertThat(a.authenticate(basic("jurgen:pässwörd✓"))).isEqualTo(Outcome.BAD_CREDENTIALS);
        assertThat(a.authenticate(basic("jürgen:a:b"))).isEqualTo(Outcome.BAD_CREDENTIALS);
        assertThat(a.authenticate(basic("jürgen:"))).isEqualTo(Outcome.BAD_CREDENTIALS);
        assertThat(a.authenticate(basic(":"))).isEqualTo(Outcome.BAD_CREDENTIALS);
        assertThat(a.authenticate(basic("jürgen"))).isEqualTo(Outcome.MALFORMED);
    }

    @Test
    void storedHashIsVerifiedOncePerDistinctCredentialsAndOneAtATime() throws Exception {
        BasicAuthenticator a = new BasicAuthenticator("jürgen", null, HASH, false, new Clock());
        assertThat(a.authenticate(basic("jürgen:pässwörd✓"))).isEqualTo(Outcome.AUTHENTICATED);
        java.util.concurrent.Semaphore hashing = hashing(a);
        hashing.acquire(); // as if a PBKDF2 verification were running
        try {
            // Remembered: no PBKDF2 needed, so it does not wait for the one running.
            for (int i = 0; i < 100; i++) {
                assertThat(a.authenticate(basic("jürgen:pässwörd✓"))).isEqualTo(Outcome.AUTHENTICATED);
            }
            // Not remembered: it would need PBKDF2 while one runs, so it is not checked.
            assertThat(a.authenticate(basic("jürgen:wrong"))).isEqualTo(Outcome.THROTTLED);
            assertThat(a.retryAfterSeconds()).isEqualTo(1);
        } finally {
            hashing.release();
        }
        assertThat(a.authenticate(basic("jürgen:wrong"))).isEqualTo(Outcome.BAD_CREDENTIALS);
    }

    @Test
    void authenticatorFollowsTheConfiguration() {
        String hash = io.heapwatch.config.PasswordHash.create(
                "s3cret".toCharArray(), io.heapwatch.config.PasswordHash.MIN_ITERATIONS);
        BasicAuthenticator hashed = BasicAuthenticator.of(io.heapwatch.config.HeapwatchConfig.builder()
                .metricsHashedCredentials("prom", hash)
                .build());
        assertThat(hashed.authenticate(basic("prom:s3cret"))).isEqualTo(Outcome.AUTHENTICATED);
        BasicAuthenticator plainNoBackoff = BasicAuthenticator.of(io.heapwatch.config.HeapwatchConfig.builder()
                .metricsCredentials("prom", "s3cret")
                .authBackoff(false)
                .build());
        for (int i = 0; i < 50; i++) {
            assertThat(plainNoBackoff.authenticate(basic("prom:x" + i))).isEqualTo(Outcome.BAD_CREDENTIALS);
        }
        BasicAuthenticator none = BasicAuthenticator.of(
                io.heapwatch.config.HeapwatchConfig.builder().build());
        assertThat(none.configured()).isFalse();
        assertThat(Outcome.THROTTLED.reason()).isEqualTo("throttled");
    }
}
