package io.heapwatch.testing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Registered for every test class of the module (JUnit extension auto-detection, see
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension}): captures everything written to stdout and
 * stderr by each test class, and fails the class when any registered secret, or the base64 of a registered
 * {@code user:password} pair, appears in it or in the message of an exception a test threw. Tests register every
 * password they configure with {@link #register(String)} and check response bodies and scrapes with
 * {@link #assertAbsent(String, String)}.
 */
public final class SecretsGuard implements BeforeAllCallback, AfterAllCallback, TestExecutionExceptionHandler {

    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
    private static final String MARK_KEY = "secrets-guard-mark";

    static {
        // The password TestServer configures for every integration test.
        register("it-password-7f3a");
        registerPair("prom", "it-password-7f3a");
    }

    /** Registers a secret that must never appear in any output. */
    public static void register(String secret) {
        SECRETS.add(secret);
    }

    /** Registers a password and the base64 of {@code user:password} (a credential as sent on the wire). */
    public static void registerPair(String user, String password) {
        register(password);
        register(Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    /** Fails when a registered secret appears in the text. */
    public static void assertAbsent(String where, String text) {
        if (text == null) {
            return;
        }
        for (String s : SECRETS) {
            if (text.contains(s)) {
                throw new AssertionError("a configured secret appeared in " + where);
            }
        }
    }

    /** How many distinct secrets are being guarded. */
    public static int size() {
        return SECRETS.size();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(ExtensionContext.Namespace.GLOBAL).put(MARK_KEY, OutputCapture.mark());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Integer mark = context.getStore(ExtensionContext.Namespace.GLOBAL).get(MARK_KEY, Integer.class);
        assertAbsent("stdout/stderr of " + context.getDisplayName(), OutputCapture.since(mark == null ? 0 : mark));
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        for (Throwable t = throwable; t != null; t = t.getCause()) {
            assertAbsent("an exception message in " + context.getDisplayName(), t.getMessage());
        }
        throw throwable;
    }
}
