package io.heapwatch.spring.boot;

import io.heapwatch.config.ConfigException;
import io.heapwatch.config.HeapwatchConfig;
import io.heapwatch.spring.boot.HeapwatchDeploymentVariables.DeploymentVariableOrigin;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.core.env.Environment;

/**
 * Builds the {@link HeapwatchConfig} from the bound {@code heapwatch.*} properties and validates it with the core's
 * rules.
 *
 * <p><b>Precedence</b> is Spring Boot's: the variables of the deployment contract (for example
 * {@code MEMORY_GROWTH_THRESHOLD_MB}) are {@code heapwatch.*} properties in a property source right after the system
 * environment ({@link HeapwatchDeploymentVariables}), so command-line arguments and system properties win over them,
 * and they win over {@code application.properties}. A value that came from a variable is validated in the
 * variable's own format, exactly as the plain-servlet path reads it. The password is one setting: of
 * {@code password} and {@code password-file}, the one from the higher-ranked source applies.
 *
 * <p>Logs once, at INFO, which settings are set and where each value came from; credentials are never shown.
 */
public final class HeapwatchConfigFactory {

    private static final Logger log = LoggerFactory.getLogger(HeapwatchConfigFactory.class);

    private HeapwatchConfigFactory() {}

    /**
     * The configuration in force.
     *
     * @throws InvalidHeapwatchSettingException naming the variable or property whose value is not accepted
     */
    public static HeapwatchConfig create(HeapwatchProperties properties, Environment environment) {
        Map<HeapwatchSetting, Winner> winners = winners(environment);
        dropOutrankedPassword(winners);
        Map<String, String> values = new HashMap<>();
        for (HeapwatchSetting setting : HeapwatchSetting.values()) {
            Winner winner = winners.get(setting);
            String value;
            if (winner != null && winner.deploymentVariable()) {
                value = winner.text();
            } else if (winner == null && isPassword(setting)) {
                value = null;
            } else {
                value = setting.valueOf(properties);
            }
            if (value != null) {
                values.put(setting.environmentVariable(), value);
            }
        }
        logOrigins(winners);
        try {
            HeapwatchConfig config = HeapwatchConfig.fromMap(values);
            log.info("heapwatch: {}", config);
            return config;
        } catch (ConfigException e) {
            HeapwatchSetting setting = HeapwatchSetting.ofEnvironmentVariable(e.setting());
            Winner winner = setting == null ? null : winners.get(setting);
            boolean property = winner != null && !winner.deploymentVariable();
            throw InvalidHeapwatchSettingException.from(
                    e, setting, property, winner == null ? e.rejectedValue() : winner.text());
        }
    }

    /**
     * Whether an on/off setting is on. A value that is not a boolean counts as on here; building the configuration
     * then fails with a message that names it.
     */
    public static boolean enabled(Environment environment, HeapwatchSetting flag) {
        try {
            return Binder.get(environment).bind(flag.property(), Boolean.class).orElse(Boolean.TRUE);
        } catch (BindException e) {
            return true;
        }
    }

    /** For each setting that is set, the highest-ranked source that sets it. */
    private static Map<HeapwatchSetting, Winner> winners(Environment environment) {
        Map<HeapwatchSetting, Winner> winners = new EnumMap<>(HeapwatchSetting.class);
        int rank = 0;
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            for (HeapwatchSetting setting : HeapwatchSetting.values()) {
                if (winners.containsKey(setting)) {
                    continue;
                }
                ConfigurationProperty property =
                        source.getConfigurationProperty(ConfigurationPropertyName.of(setting.property()));
                if (property == null
                        || property.getValue() == null
                        || HeapwatchConfig.isUnset(String.valueOf(property.getValue()))) {
                    continue;
                }
                Origin origin = property.getOrigin();
                boolean variable = source.getUnderlyingSource() instanceof HeapwatchDeploymentVariables;
                String where;
                if (origin instanceof PropertySourceOrigin p && p.getOrigin() == null) {
                    where = "property source '" + p.getPropertySource().getName() + "'";
                } else if (origin != null) {
                    where = origin.toString();
                } else {
                    where = "property source '" + name(source.getUnderlyingSource()) + "'";
                }
                winners.put(setting, new Winner(rank, String.valueOf(property.getValue()), variable, where));
            }
            rank++;
        }
        return winners;
    }

    private static String name(@Nullable Object underlying) {
        return underlying instanceof org.springframework.core.env.PropertySource<?> ps
                ? ps.getName()
                : String.valueOf(underlying);
    }

    private static final List<HeapwatchSetting> PASSWORD = List.of(
            HeapwatchSetting.METRICS_PASSWORD,
            HeapwatchSetting.METRICS_PASSWORD_FILE,
            HeapwatchSetting.METRICS_PASSWORD_HASH);

    private static boolean isPassword(HeapwatchSetting setting) {
        return PASSWORD.contains(setting);
    }

    /**
     * Password, password file and password hash are one setting: those set in a lower-ranked source than the
     * highest-ranked of them are ignored (two set in the same source are left for the core to refuse).
     */
    private static void dropOutrankedPassword(Map<HeapwatchSetting, Winner> winners) {
        int best = Integer.MAX_VALUE;
        for (HeapwatchSetting setting : PASSWORD) {
            Winner w = winners.get(setting);
            if (w != null) {
                best = Math.min(best, w.rank());
            }
        }
        for (HeapwatchSetting setting : PASSWORD) {
            Winner w = winners.get(setting);
            if (w != null && w.rank() > best) {
                log.info(
                        "heapwatch: {} ({}) is ignored: a password setting in a higher-ranked source applies",
                        setting.property(),
                        w.where());
                winners.remove(setting);
            }
        }
    }

    private static void logOrigins(Map<HeapwatchSetting, Winner> winners) {
        if (winners.isEmpty()) {
            log.info("heapwatch: no setting is set; every one has its default");
            return;
        }
        List<String> lines = new ArrayList<>();
        for (Map.Entry<HeapwatchSetting, Winner> e : winners.entrySet()) {
            HeapwatchSetting setting = e.getKey();
            String value =
                    setting.secret() ? "(set, not shown)" : "'" + e.getValue().text() + "'";
            lines.add(setting.property() + "=" + value + " from " + e.getValue().where());
        }
        log.info("heapwatch settings that are set (the rest have their defaults):\n  {}", String.join("\n  ", lines));
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

    /** Whether an origin is a variable of the deployment contract, and which one. */
    static @Nullable String deploymentVariable(@Nullable Origin origin) {
        // Boot wraps a source's own origin in a PropertySourceOrigin whose parent it is.
        int depth = 0;
        for (Origin o = origin; o != null && depth++ < 10; o = o.getParent()) {
            if (o instanceof DeploymentVariableOrigin d) {
                return d.variable();
            }
            if (o instanceof PropertySourceOrigin p && p.getOrigin() != null) {
                if (p.getOrigin() instanceof DeploymentVariableOrigin d) {
                    return d.variable();
                }
            }
        }
        return null;
    }

    /**
     * @param rank position of the source, 0 the highest
     * @param text the value as written
     * @param deploymentVariable whether it came from a variable of the deployment contract
     * @param where where it came from, for the log
     */
    private record Winner(int rank, String text, boolean deploymentVariable, String where) {}
}
