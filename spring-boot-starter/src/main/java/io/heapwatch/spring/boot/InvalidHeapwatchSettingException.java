package io.heapwatch.spring.boot;

import io.heapwatch.config.ConfigException;
import org.jspecify.annotations.Nullable;

/**
 * A heapwatch setting, from an environment variable or a Spring property, that heapwatch cannot accept. The message
 * names where the value came from and the accepted range; credentials are never shown.
 */
public final class InvalidHeapwatchSettingException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final String alternative;
    private final @Nullable String rejectedValue;
    private final String accepted;

    /**
     * @param source where the value came from, for example {@code environment variable MEMORY_GROWTH_THRESHOLD_MB}
     * @param alternative the other way to set it, for example {@code property heapwatch.profiling.growth-threshold-mb}
     * @param rejectedValue the value, or {@code null} when it is a credential or was not set
     * @param accepted what would have been accepted
     */
    InvalidHeapwatchSettingException(
            String source, String alternative, @Nullable String rejectedValue, String accepted, Throwable cause) {
        super(
                "Invalid heapwatch setting: " + source + (rejectedValue == null ? "" : "='" + rejectedValue + "'")
                        + ": expected " + accepted,
                cause);
        this.source = source;
        this.alternative = alternative;
        this.rejectedValue = rejectedValue;
        this.accepted = accepted;
    }

    /**
     * @param property whether the value came from a {@code heapwatch.*} property rather than a variable of the
     *     deployment contract
     * @param shown the value as the user wrote it (never shown for a credential)
     */
    static InvalidHeapwatchSettingException from(
            ConfigException e, @Nullable HeapwatchSetting setting, boolean property, @Nullable String shown) {
        if (setting == null) {
            return new InvalidHeapwatchSettingException(
                    "environment variable " + e.setting(),
                    "a heapwatch.* property",
                    e.rejectedValue(),
                    e.accepted(),
                    e);
        }
        String env = "environment variable " + setting.environmentVariable();
        String prop = "property " + setting.property();
        String value = setting.secret() || e.rejectedValue() == null ? null : shown;
        return property
                ? new InvalidHeapwatchSettingException(prop, env, value, e.accepted(), e)
                : new InvalidHeapwatchSettingException(env, prop, value, e.accepted(), e);
    }

    /** Where the rejected value came from: an environment variable or a Spring property, with its name. */
    public String source() {
        return source;
    }

    /** The other way to set the same setting. */
    public String alternative() {
        return alternative;
    }

    /** The rejected value, or {@code null} when it is a credential (never shown) or was not set. */
    public @Nullable String rejectedValue() {
        return rejectedValue;
    }

    /** What would have been accepted. */
    public String accepted() {
        return accepted;
    }
}
