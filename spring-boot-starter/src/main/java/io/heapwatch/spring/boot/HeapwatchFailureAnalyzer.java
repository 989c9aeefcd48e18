package io.heapwatch.spring.boot;

import io.heapwatch.config.ConfigException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;

/**
 * Explains a startup failure caused by a heapwatch setting: which environment variable or property holds the bad
 * value, what it holds (never for a credential) and what would be accepted. Runs before Spring Boot's own analyzers
 * so that a {@code heapwatch.*} property that cannot be converted (for example {@code sample-rate=abc}) also gets the
 * accepted range.
 */
public final class HeapwatchFailureAnalyzer implements FailureAnalyzer, Ordered {

    private static final String PRECEDENCE = " When both are set, Spring Boot's order decides: a property on the"
            + " command line or as a system property wins over the environment variable, which wins over"
            + " application.properties.";

    @Override
    public @Nullable FailureAnalysis analyze(Throwable failure) {
        InvalidHeapwatchSettingException invalid = find(failure, InvalidHeapwatchSettingException.class);
        if (invalid != null) {
            return analysis(
                    invalid.source(), invalid.alternative(), invalid.rejectedValue(), invalid.accepted(), failure);
        }
        ConfigException config = find(failure, ConfigException.class);
        if (config != null) {
            HeapwatchSetting s = HeapwatchSetting.ofEnvironmentVariable(config.setting());
            String value = s != null && s.secret() ? null : config.rejectedValue();
            String alternative = s == null ? "the matching heapwatch.* property" : "property " + s.property();
            return analysis("setting " + config.setting(), alternative, value, config.accepted(), failure);
        }
        BindException bind = find(failure, BindException.class);
        if (bind != null) {
            HeapwatchSetting s = HeapwatchSetting.ofProperty(bind.getName().toString());
            String accepted = s == null ? null : HeapwatchConfigFactory.accepted(s);
            if (s != null && accepted != null) {
                ConfigurationProperty property = bind.getProperty();
                Object value = property == null || s.secret() ? null : property.getValue();
                String text = value == null ? null : value.toString();
                if (property != null && HeapwatchConfigFactory.deploymentVariable(property.getOrigin()) != null) {
                    return analysis(
                            "environment variable " + s.environmentVariable(),
                            "property " + s.property(),
                            text,
                            accepted,
                            failure);
                }
                String origin =
                        property == null || property.getOrigin() == null ? "" : " (from " + property.getOrigin() + ")";
                return analysis(
                        "property " + s.property() + origin,
                        "environment variable " + s.environmentVariable(),
                        text,
                        accepted,
                        failure);
            }
        }
        return null;
    }

    private static FailureAnalysis analysis(
            String source, String alternative, @Nullable String value, String accepted, Throwable failure) {
        // "to be set together with ...", "to be unset when ...": about whether it is set, not about a value.
        boolean presence = value == null && accepted.startsWith("to be ");
        String description = "heapwatch cannot start: the " + source
                + (presence
                        ? " is expected " + accepted + "."
                        : value == null
                                ? " holds a value that is not accepted (not shown)."
                                : " is '" + value + "', which is not accepted.");
        String action = "Update the " + source.replaceFirst(" \\(from .*\\)$", "") + " (or the " + alternative
                + "): expected " + accepted + "." + PRECEDENCE;
        return new FailureAnalysis(description, action, failure);
    }

    private static <T extends Throwable> @Nullable T find(Throwable failure, Class<T> type) {
        Throwable t = failure;
        int depth = 0;
        while (t != null && depth++ < 50) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            t = t.getCause();
        }
        return null;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
