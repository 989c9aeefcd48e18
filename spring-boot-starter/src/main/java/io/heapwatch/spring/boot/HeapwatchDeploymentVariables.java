package io.heapwatch.spring.boot;

import io.heapwatch.config.HeapwatchConfig;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The deployment contract's variables ({@code CONTAINER_NAME}, {@code MEMORY_GROWTH_THRESHOLD_MB}, ...) as
 * {@code heapwatch.*} properties, in a property source of their own placed right after the system environment. Spring
 * Boot's order therefore holds for them: a {@code heapwatch.*} property on the command line or as a system property
 * wins over a variable, and a variable wins over {@code application.properties}.
 *
 * <p>A variable is looked up, when it is read, in the property sources ranked above this one: the system environment,
 * and also system properties and command-line arguments of the variable's own name. A blank value counts as unset.
 * Values are trimmed, except credentials.
 */
public final class HeapwatchDeploymentVariables extends EnumerablePropertySource<MutablePropertySources>
        implements OriginLookup<String> {

    /** The name of this property source. */
    public static final String NAME = "heapwatchDeploymentVariables";

    /**
     * The source is the environment's list of sources, not the environment: Boot expands a property source backed by
     * an environment into that environment's sources, which here would include this one again.
     */
    private HeapwatchDeploymentVariables(MutablePropertySources sources) {
        super(NAME, sources);
    }

    /**
     * Adds the source right after the system environment (last when there is none); does nothing when it is already
     * there.
     */
    public static void attach(ConfigurableEnvironment environment) {
        MutablePropertySources sources = environment.getPropertySources();
        if (sources.contains(NAME)) {
            return;
        }
        HeapwatchDeploymentVariables variables = new HeapwatchDeploymentVariables(sources);
        if (sources.contains(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)) {
            sources.addAfter(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables);
        } else {
            sources.addLast(variables);
        }
    }

    @Override
    public String[] getPropertyNames() {
        List<String> names = new ArrayList<>();
        for (HeapwatchSetting setting : HeapwatchSetting.values()) {
            if (find(setting) != null) {
                names.add(setting.property());
            }
        }
        return names.toArray(new String[0]);
    }

    @Override
    public @Nullable Object getProperty(String name) {
        HeapwatchSetting setting = HeapwatchSetting.ofProperty(name);
        Found found = setting == null ? null : find(setting);
        return found == null ? null : found.value;
    }

    @Override
    public @Nullable Origin getOrigin(String name) {
        HeapwatchSetting setting = HeapwatchSetting.ofProperty(name);
        Found found = setting == null ? null : find(setting);
        return found == null ? null : found.origin;
    }

    private @Nullable Found find(HeapwatchSetting setting) {
        String variable = setting.environmentVariable();
        for (PropertySource<?> source : getSource()) {
            if (source == this) {
                return null;
            }
            if (ConfigurationPropertySources.isAttachedConfigurationPropertySource(source)) {
                continue;
            }
            Object value = source.getProperty(variable);
            if (value == null || HeapwatchConfig.isUnset(value.toString())) {
                continue;
            }
            String text = setting.secret() || setting == HeapwatchSetting.METRICS_PASSWORD_FILE
                    ? value.toString()
                    : value.toString().trim();
            Origin parent = source instanceof OriginLookup<?> lookup ? origin(lookup, variable) : null;
            return new Found(text, new DeploymentVariableOrigin(variable, source.getName(), parent));
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static @Nullable Origin origin(OriginLookup<?> lookup, String variable) {
        try {
            return ((OriginLookup<String>) lookup).getOrigin(variable);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private record Found(String value, DeploymentVariableOrigin origin) {}

    /** Where a deployment variable's value came from. */
    static final class DeploymentVariableOrigin implements Origin {

        private final String variable;
        private final String sourceName;
        private final @Nullable Origin parent;

        DeploymentVariableOrigin(String variable, String sourceName, @Nullable Origin parent) {
            this.variable = variable;
            this.sourceName = sourceName;
            this.parent = parent;
        }

        /** The variable of the deployment contract, for example {@code CONTAINER_NAME}. */
        String variable() {
            return variable;
        }

        @Override
        public @Nullable Origin getParent() {
            return parent;
        }

        @Override
        public String toString() {
            return StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME.equals(sourceName)
                    ? "environment variable " + variable
                    : "variable " + variable + " in property source '" + sourceName + "'";
        }
    }
}
