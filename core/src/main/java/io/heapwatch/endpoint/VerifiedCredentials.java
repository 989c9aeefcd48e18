package io.heapwatch.endpoint;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The last {@value #CAPACITY} distinct credentials that were verified, as HMAC-SHA256 digests under a key drawn at
 * startup, each forgotten after {@value #IDLE_MINUTES} minutes without use. Only verified credentials enter, so
 * wrong ones can neither fill it nor evict the scraper's. A lookup compares every entry with
 * {@link MessageDigest#isEqual}, whatever matches.
 */
final class VerifiedCredentials {

    static final int CAPACITY = 16;
    static final long IDLE_MINUTES = 15;
    private static final long IDLE = TimeUnit.MINUTES.toNanos(IDLE_MINUTES);

    private final SecretKeySpec key;
    private final LongSupplier nanoClock;
    private final byte[][] digests = new byte[CAPACITY][];
    private final long[] lastUsed = new long[CAPACITY];

    VerifiedCredentials(LongSupplier nanoClock) {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
        this.nanoClock = nanoClock;
    }

    /** Whether these {@code user:password} bytes were verified and used within the idle time. */
    boolean contains(byte[] credentials) {
        byte[] digest = digest(credentials);
        synchronized (this) {
            long now = nanoClock.getAsLong();
            boolean found = false;
            for (int i = 0; i < CAPACITY; i++) {
                byte[] d = digests[i];
                if (d == null) {
                    continue;
                }
                if (now - lastUsed[i] > IDLE) {
                    digests[i] = null;
                    continue;
                }
                if (MessageDigest.isEqual(d, digest)) {
                    lastUsed[i] = now;
                    found = true;
                }
            }
            return found;
        }
    }

    /** Remembers verified {@code user:password} bytes, replacing the least recently used entry when full. */
    void add(byte[] credentials) {
        byte[] digest = digest(credentials);
        synchronized (this) {
            long now = nanoClock.getAsLong();
            int slot = -1;
            for (int i = 0; i < CAPACITY; i++) {
                if (digests[i] != null && MessageDigest.isEqual(digests[i], digest)) {
                    lastUsed[i] = now;
                    return;
                }
                if (slot < 0 || digests[slot] != null && (digests[i] == null || lastUsed[i] - lastUsed[slot] < 0)) {
                    slot = i;
                }
            }
            digests[slot] = digest;
            lastUsed[slot] = now;
        }
    }

    /** How many entries are held (expired ones included until the next lookup). */
    synchronized int size() {
        int n = 0;
        for (byte[] d : digests) {
            if (d != null) {
                n++;
            }
        }
        return n;
    }

    private byte[] digest(byte[] credentials) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(credentials);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    }
}
