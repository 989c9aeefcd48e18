package io.heapwatch.endpoint;

import io.heapwatch.config.HeapwatchConfig;
import io.heapwatch.config.PasswordHash;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Enumeration;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks HTTP basic credentials (RFC 7617) against the configured ones: a plain password, or a stored
 * {@link PasswordHash PBKDF2 hash}.
 *
 * <p>Both the username and the password are always compared, as SHA-256 digests (or the PBKDF2 key) with
 * {@link MessageDigest#isEqual}, so the time taken reveals neither which part was wrong nor the length of either.
 * Headers that are repeated, too long, not base64, not UTF-8 or without a colon are {@link Outcome#MALFORMED}.
 *
 * <p>Credentials that verified are remembered (the last {@value VerifiedCredentials#CAPACITY} distinct ones, as
 * keyed digests, for {@value VerifiedCredentials#IDLE_MINUTES} minutes after their last use), so a scrape every 15
 * seconds pays the PBKDF2 work factor once. Only one PBKDF2 verification runs at a time; a request arriving while
 * one runs is {@link Outcome#THROTTLED}.
 *
 * <p><b>Back-off:</b> after {@value FailureBackoff#BURST} wrong credentials from anywhere, further ones are allowed
 * one per {@value FailureBackoff#INTERVAL_SECONDS} seconds; beyond that, credentials that did not verify before are
 * not checked and are {@link Outcome#THROTTLED} ({@link #retryAfterSeconds()} says for how long). Remembered
 * credentials keep working throughout, so the scraper is never locked out; missing and malformed headers stay 401,
 * so a browser still gets its login prompt.
 */
public final class BasicAuthenticator {

    private static final Logger log = LoggerFactory.getLogger(BasicAuthenticator.class);

    /** Longest {@code Authorization} header examined; longer ones are malformed. */
    public static final int MAX_HEADER_LENGTH = 1024;

    /** The result of checking one request's credentials. */
    public enum Outcome {
        AUTHENTICATED,
        /** No credentials are configured: the endpoint must refuse with 500. */
        NOT_CONFIGURED,
        MISSING,
        MALFORMED,
        BAD_CREDENTIALS,
        /** Not checked, because of the back-off or a PBKDF2 verification in progress: answer 429. */
        THROTTLED;

        /** The {@code reason} tag value of a failure. */
        public String reason() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final String SCHEME = "basic";

    private final byte @Nullable [] usernameDigest;
    private final byte @Nullable [] passwordDigest;
    private final @Nullable PasswordHash passwordHash;
    private final @Nullable FailureBackoff backoff;
    private final VerifiedCredentials verified;
    private final Semaphore hashing = new Semaphore(1);

    /**
     * A plain-password authenticator with the back-off on. Credentials may both be {@code null} or blank (see
     * {@link HeapwatchConfig#isUnset}), and then every request is {@link Outcome#NOT_CONFIGURED}.
     */
    public BasicAuthenticator(@Nullable String username, @Nullable String password) {
        this(username, password, null, true, System::nanoTime);
    }

    BasicAuthenticator(
            @Nullable String username,
            @Nullable String password,
            @Nullable PasswordHash passwordHash,
            boolean backoff,
            LongSupplier nanoClock) {
        if (HeapwatchConfig.isUnset(password)) {
            password = null;
        }
        if (username == null || HeapwatchConfig.isUnset(username) || (password == null && passwordHash == null)) {
            this.usernameDigest = null;
            this.passwordDigest = null;
            this.passwordHash = null;
        } else {
            this.usernameDigest = sha256(username.getBytes(StandardCharsets.UTF_8));
            this.passwordDigest = password == null ? null : sha256(password.getBytes(StandardCharsets.UTF_8));
            this.passwordHash = password == null ? passwordHash : null;
        }
        this.backoff = backoff ? new FailureBackoff(nanoClock) : null;
        this.verified = new VerifiedCredentials(nanoClock);
    }

    /** The authenticator for a configuration: its credentials (plain or hashed) and its back-off setting. */
    public static BasicAuthenticator of(HeapwatchConfig config) {
        return new BasicAuthenticator(
                config.metricsUsername(),
                config.metricsPassword(),
                config.metricsPasswordHash(),
                config.authBackoff(),
                System::nanoTime);
    }

    /** Whether credentials are configured. */
    public boolean configured() {
        return usernameDigest != null;
    }

    /** After {@link Outcome#THROTTLED}: whole seconds, at least 1, before trying again is worth it. */
    public long retryAfterSeconds() {
        FailureBackoff b = backoff;
        return b == null ? 1 : b.retryAfterSeconds();
    }

    /** Checks all {@code Authorization} headers of a request; more than one is malformed. */
    public Outcome authenticate(@Nullable Enumeration<String> headers) {
        if (!configured()) {
            return Outcome.NOT_CONFIGURED;
        }
        if (headers == null || !headers.hasMoreElements()) {
            return Outcome.MISSING;
        }
        String header = headers.nextElement();
        if (headers.hasMoreElements()) {
            return Outcome.MALFORMED;
        }
        return authenticate(header);
    }

    /** Checks one {@code Authorization} header value. */
    public Outcome authenticate(@Nullable String header) {
        byte[] expectedUser = usernameDigest;
        if (expectedUser == null) {
            return Outcome.NOT_CONFIGURED;
        }
        if (header == null) {
            return Outcome.MISSING;
        }
        if (header.length() > MAX_HEADER_LENGTH) {
            return Outcome.MALFORMED;
        }
        int space = header.indexOf(' ');
        if (space != SCHEME.length() || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return Outcome.MALFORMED;
        }
        int start = space;
        while (start < header.length() && header.charAt(start) == ' ') {
            start++;
        }
        String token = header.substring(start);
        if (token.isEmpty() || token.indexOf(' ') >= 0) {
            return Outcome.MALFORMED;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return Outcome.MALFORMED;
        }
        CharBuffer text = utf8(decoded);
        if (text == null) {
            return Outcome.MALFORMED;
        }
        int colon = indexOf(decoded, (byte) ':');
        if (colon < 0) {
            return Outcome.MALFORMED;
        }
        if (verified.contains(decoded)) {
            return Outcome.AUTHENTICATED;
        }
        FailureBackoff b = backoff;
        if (b != null && b.engaged()) {
            return Outcome.THROTTLED;
        }
        byte[] user = new byte[colon];
        System.arraycopy(decoded, 0, user, 0, colon);
        boolean userOk = MessageDigest.isEqual(expectedUser, sha256(user));
        boolean passwordOk;
        byte[] expectedPassword = passwordDigest;
        PasswordHash hash = passwordHash;
        if (expectedPassword != null) {
            byte[] password = new byte[decoded.length - colon - 1];
            System.arraycopy(decoded, colon + 1, password, 0, password.length);
            passwordOk = MessageDigest.isEqual(expectedPassword, sha256(password));
        } else if (hash != null) {
            if (!hashing.tryAcquire()) {
                return Outcome.THROTTLED;
            }
            int charColon = indexOf(text, ':');
            char[] password = new char[text.length() - charColon - 1];
            text.position(charColon + 1);
            text.get(password);
            try {
                passwordOk = hash.matches(password);
            } finally {
                hashing.release();
                Arrays.fill(password, '\0');
            }
        } else {
            return Outcome.NOT_CONFIGURED;
        }
        if (userOk & passwordOk) {
            verified.add(decoded);
            return Outcome.AUTHENTICATED;
        }
        if (b != null && b.recordFailure()) {
            log.warn(
                    "heapwatch: more than {} wrong credentials in a short time on the metrics endpoint; further unverified"
                            + " credentials are answered 429 for {}s, while credentials that verified before keep working",
                    FailureBackoff.BURST,
                    b.retryAfterSeconds());
        }
        return Outcome.BAD_CREDENTIALS;
    }

    /** The strictly decoded text, or {@code null} when it is not UTF-8 or holds a control character. */
    private static @Nullable CharBuffer utf8(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes));
            for (int i = 0; i < chars.length(); i++) {
                if (Character.isISOControl(chars.charAt(i))) {
                    return null;
                }
            }
            return chars;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static int indexOf(CharBuffer chars, char c) {
        for (int i = 0; i < chars.length(); i++) {
            if (chars.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
