package io.heapwatch.config;

import org.jspecify.annotations.Nullable;

/**
 * A configuration value that heapwatch cannot accept. The message names the setting, the rejected value (never for
 * a credential) and the accepted range.
 */
public final class ConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String setting;
    private final @Nullable String rejectedValue;
    private final String accepted;

    ConfigException(String setting, @Nullable String rejectedValue, String accepted) {
        super(message(setting, rejectedValue, accepted));
        this.setting = setting;
        this.rejectedValue = rejectedValue;
        this.accepted = accepted;
    }

    private static String message(String setting, @Nullable String rejectedValue, String accepted) {
        String shown = rejectedValue == null ? "" : "='" + rejectedValue + "'";
        return "Invalid heapwatch setting " + setting + shown + ": expected " + accepted;
    }

    /** The environment variable (or setting) that holds the bad value. */
    public String setting() {
        return setting;
    }

    /** The rejected value, or {@code null} when it is a credential and must not be shown. */
    public @Nullable String rejectedValue() {
        return rejectedValue;
    }

    /** A human-readable description of what would have been accepted. */
    public String accepted() {
        return accepted;
    }
}
