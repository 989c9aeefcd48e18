package io.heapwatch.spring.boot;

import java.util.Locale;
import org.springframework.core.env.PropertyResolver;

/**
 * Who protects the Actuator endpoints that render the meter registry ({@code prometheus} and {@code metrics}) when
 * they are exposed over HTTP: set by {@value #ENVIRONMENT_VARIABLE} or {@value #PROPERTY}, the environment variable
 * winning.
 */
public enum ActuatorProtection {

    /**
     * The default: heapwatch requires its own credentials ({@code METRICS_AUTH_USERNAME} and
     * {@code METRICS_AUTH_PASSWORD}) on those endpoints, as on {@code /metrics}, and answers 500 while none are set.
     */
    BASIC_AUTH("basic-auth"),

    /**
     * heapwatch adds no protection to those endpoints: the application secures them itself (Spring Security, or a
     * management port nobody else can reach). Anyone who reaches them reads every heapwatch series.
     */
    NONE("none");

    /** The environment variable, for example {@code HEAPWATCH_ACTUATOR_PROTECTION=none}. */
    public static final String ENVIRONMENT_VARIABLE = "HEAPWATCH_ACTUATOR_PROTECTION";

    /** The Spring property, for example {@code heapwatch.actuator.protection=none}. */
    public static final String PROPERTY = "heapwatch.actuator.protection";

    static final String ACCEPTED = "basic-auth (the default: heapwatch's credentials guard Actuator's prometheus and"
            + " metrics endpoints) or none (the application secures them itself)";

    private final String value;

    ActuatorProtection(String value) {
        this.value = value;
    }

    /** The value as written in the environment variable or property. */
    public String value() {
        return value;
    }

    /**
     * The protection in force.
     *
     * @throws InvalidHeapwatchSettingException naming the variable or property when its value is neither
     *     {@code basic-auth} nor {@code none}
     */
    public static ActuatorProtection resolve(PropertyResolver environment) {
        String fromEnvironment = environment.getProperty(ENVIRONMENT_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return parse(fromEnvironment, "environment variable " + ENVIRONMENT_VARIABLE, "property " + PROPERTY);
        }
        String fromProperty = environment.getProperty(PROPERTY);
        if (fromProperty != null && !fromProperty.isBlank()) {
            return parse(fromProperty, "property " + PROPERTY, "environment variable " + ENVIRONMENT_VARIABLE);
        }
        return BASIC_AUTH;
    }

    private static ActuatorProtection parse(String text, String source, String alternative) {
        String normalized = text.trim().toLowerCase(Locale.ROOT);
        for (ActuatorProtection p : values()) {
            if (p.value.equals(normalized)) {
                return p;
            }
        }
        throw new InvalidHeapwatchSettingException(
                source,
                alternative,
                text,
                ACCEPTED,
                new IllegalArgumentException(source + " is neither basic-auth nor none"));
    }
}
