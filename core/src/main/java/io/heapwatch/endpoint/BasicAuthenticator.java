package io.heapwatch.endpoint;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Enumeration;
import org.jspecify.annotations.Nullable;

/**
 * Checks HTTP basic credentials (RFC 7617) against the configured ones.
 *
 * <p>Both the username and the password are always compared, as SHA-256 digests with {@link MessageDigest#isEqual},
 * so the time taken reveals neither which part was wrong nor the length of either. Headers that are repeated, too
 * long, not base64, not UTF-8 or without a colon are {@link Outcome#MALFORMED}.
 */
public final class BasicAuthenticator {

    /** Longest {@code Authorization} header examined; longer ones are malformed. */
    public static final int MAX_HEADER_LENGTH = 1024;

    /** The result of checking one request's credentials. */
    public enum Outcome {
        AUTHENTICATED,
        /** No credentials are configured: the endpoint must refuse with 500. */
        NOT_CONFIGURED,
        MISSING,
        MALFORMED,
        BAD_CREDENTIALS;

        /** The {@code reason} tag value of a failure. */
        public String reason() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final String SCHEME = "basic";

    private final byte @Nullable [] usernameDigest;
    private final byte @Nullable [] passwordDigest;

    /** Credentials may both be {@code null}, and then every request is {@link Outcome#NOT_CONFIGURED}. */
    public BasicAuthenticator(@Nullable String username, @Nullable String password) {
        if (username == null || password == null) {
            this.usernameDigest = null;
            this.passwordDigest = null;
        } else {
            this.usernameDigest = sha256(username.getBytes(StandardCharsets.UTF_8));
            this.passwordDigest = sha256(password.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Whether credentials are configured. */
    public boolean configured() {
        return usernameDigest != null;
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
        byte[] expectedPassword = passwordDigest;
        if (expectedUser == null || expectedPassword == null) {
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
        if (!isUtf8(decoded)) {
            return Outcome.MALFORMED;
        }
        int colon = indexOf(decoded, (byte) ':');
        if (colon < 0) {
            return Outcome.MALFORMED;
        }
        byte[] user = new byte[colon];
        System.arraycopy(decoded, 0, user, 0, colon);
        byte[] password = new byte[decoded.length - colon - 1];
        System.arraycopy(decoded, colon + 1, password, 0, password.length);
        boolean userOk = MessageDigest.isEqual(expectedUser, sha256(user));
        boolean passwordOk = MessageDigest.isEqual(expectedPassword, sha256(password));
        return userOk & passwordOk ? Outcome.AUTHENTICATED : Outcome.BAD_CREDENTIALS;
    }

    private static boolean isUtf8(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes));
            for (int i = 0; i < chars.length(); i++) {
                if (Character.isISOControl(chars.charAt(i))) {
                    return false;
                }
            }
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
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
