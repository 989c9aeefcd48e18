package io.heapwatch.spring.boot;

import io.heapwatch.config.ConfigException;
import io.heapwatch.config.HeapwatchConfig;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertyResolver;

/**
 * Builds the {@link HeapwatchConfig} from the environment variables and the {@code heapwatch.*} properties, and
 * validates it with the core's rules.
 *
 * <p><b>Precedence:</b> for each setting, an environment variable of the deployment contract (for example
 * {@code MEMORY_GROWTH_THRESHOLD_MB}) that is set to a non-blank value wins over the Spring property (for example
 * {@code heapwatch.profiling.growth-threshold-mb}); otherwise the property (or its default) applies. The environment
 * variables are read through Spring's {@link Environment}, so a JVM system property or a command-line argument of the
 * same name counts too. The password is one setting: when {@code METRICS_AUTH_PASSWORD} or
 * {@code METRICS_AUTH_PASSWORD_FILE} is set, neither {@code heapwatch.metrics.password} nor
 * {@code heapwatch.metrics.password-file} is read.
 */
public final class HeapwatchConfigFactory {

    private static final Set<HeapwatchSetting> PASSWORD = EnumSet.of(
            HeapwatchSetting.METRICS_PASSWORD,
            HeapwatchSetting.METRICS_PASSWORD_FILE,
            HeapwatchSetting.METRICS_PASSWORD_HASH);

    private static final Logger log = LoggerFactory.getLogger(HeapwatchConfigFactory.class);

    private HeapwatchConfigFactory() {}

    /**
     * The configuration in force.
     *
     * @throws InvalidHeapwatchSettingException naming the variable or property whose value is not accepted
     */
    public static HeapwatchConfig create(HeapwatchProperties properties, PropertyResolver environment) {
        Map<String, String> values = new HashMap<>();
        Set<HeapwatchSetting> fromProperties = EnumSet.noneOf(HeapwatchSetting.class);
        boolean passwordFromEnvironment = text(environment, HeapwatchSetting.METRICS_PASSWORD) != null
                || text(environment, HeapwatchSetting.METRICS_PASSWORD_FILE) != null
                || text(environment, HeapwatchSetting.METRICS_PASSWORD_HASH) != null;
        for (HeapwatchSetting setting : HeapwatchSetting.values()) {
            String value;
            if (PASSWORD.contains(setting) ? passwordFromEnvironment : text(environment, setting) != null) {
                value = text(environment, setting);
            } else {
                value = setting.valueOf(properties);
                if (value != null) {
                    fromProperties.add(setting);
                }
            }
            if (value != null) {
                values.put(setting.environmentVariable(), value);
            }
        }
        try {
            HeapwatchConfig config = HeapwatchConfig.fromMap(values);
            log.info("heapwatch: {}", config);
            return config;
        } catch (ConfigException e) {
            HeapwatchSetting setting = HeapwatchSetting.ofEnvironmentVariable(e.setting());
            throw InvalidHeapwatchSettingException.from(
                    e, setting, setting != null && fromProperties.contains(setting));
        }
    }

    /**
     * Whether an on/off setting is on, with the same precedence as {@link #create}. A value that is not a boolean
     * counts as on here; building the configuration then fails with a message that names it.
     */
    public static boolean enabled(Environment environment, HeapwatchSetting flag) {
        String fromEnvironment = text(environment, flag);
        if (fromEnvironment != null) {
            return !"false".equals(fromEnvironment.toLowerCase(Locale.ROOT));
        }
        try {
            return Binder.get(environment).bind(flag.property(), Boolean.class).orElse(Boolean.TRUE);
        } catch (BindException e) {
            return true;
        }
    }

    private static @Nullable String text(PropertyResolver environment, HeapwatchSetting setting) {
        String value = environment.getProperty(setting.environmentVariable());
        return HeapwatchConfig.isUnset(value) ? null : value;
    }

    /** The core's description of the values accepted for a setting, for example {@code true or false}. */
    static @Nullable String accepted(HeapwatchSetting setting) {
        try {
            HeapwatchConfig.fromMap(Map.of(setting.environmentVariable(), "\u0000not-a-value"));
        } catch (ConfigException e) {
            return e.accepted();
        }
        return null;
    }
}
