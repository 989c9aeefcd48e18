package io.heapwatch.spring.boot;

import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The Actuator endpoints of the application that render the meter registry, resolved once on first use (Actuator's
 * endpoints are discovered late in startup).
 */
final class RegistryEndpoints implements Supplier<RegistryEndpointPaths> {

    /**
     * The endpoint IDs that serve heapwatch's data: the two that render the registry (every meter, heapwatch's
     * included) and heapwatch's own diagnosis.
     */
    static final String[] ENDPOINT_IDS = {"prometheus", "metrics", HeapwatchDiagnosisEndpoint.ID};

    private final Supplier<RegistryEndpointPaths> resolver;
    private volatile @Nullable RegistryEndpointPaths paths;

    RegistryEndpoints(Supplier<RegistryEndpointPaths> resolver) {
        this.resolver = resolver;
    }

    @Override
    public RegistryEndpointPaths get() {
        RegistryEndpointPaths resolved = paths;
        if (resolved == null) {
            resolved = resolver.get();
            paths = resolved;
        }
        return resolved;
    }
}
