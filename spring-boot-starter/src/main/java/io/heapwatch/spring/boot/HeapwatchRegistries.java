package io.heapwatch.spring.boot;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The registry heapwatch records into and the Prometheus registry {@code /metrics} serves, chosen from the
 * application's registries so that there is one set of meters and no duplicates:
 *
 * <ol>
 *   <li>the application has a {@link PrometheusMeterRegistry} bean (Actuator with micrometer-registry-prometheus):
 *       heapwatch records into the application's primary {@link MeterRegistry} (Boot's composite, which contains
 *       it, or the Prometheus registry itself) and {@code /metrics} serves that Prometheus registry, the same one
 *       {@code /actuator/prometheus} serves;
 *   <li>the application's primary registry is a {@link CompositeMeterRegistry} that contains a Prometheus registry
 *       which is not a bean: the same, with that registry;
 *   <li>the application has only other registries (for example a {@code SimpleMeterRegistry} or Datadog): heapwatch
 *       creates its own Prometheus registry for {@code /metrics} and records into both it and the application's
 *       registry; {@code /metrics} then shows heapwatch's meters only;
 *   <li>the application has no registry: heapwatch creates a Prometheus registry, records into it and serves it.
 * </ol>
 *
 * {@link #close()} closes the Prometheus registry only when heapwatch created it.
 */
public final class HeapwatchRegistries implements AutoCloseable {

    private final MeterRegistry recording;
    private final PrometheusMeterRegistry scraped;
    private final boolean owned;
    private final List<MeterRegistry> binderTargets;

    private HeapwatchRegistries(MeterRegistry recording, PrometheusMeterRegistry scraped, boolean owned) {
        this.recording = recording;
        this.scraped = scraped;
        this.owned = owned;
        this.binderTargets = recording instanceof HeapwatchComposite
                ? List.copyOf(((HeapwatchComposite) recording).getRegistries())
                : List.of(recording);
    }

    /**
     * Chooses the registries.
     *
     * @param application the application's unique or primary registry, or {@code null}
     * @param prometheus the application's unique or primary Prometheus registry bean, or {@code null}
     */
    public static HeapwatchRegistries select(
            @Nullable MeterRegistry application, @Nullable PrometheusMeterRegistry prometheus) {
        if (prometheus != null) {
            if (application == null || reaches(application, prometheus)) {
                return new HeapwatchRegistries(application == null ? prometheus : application, prometheus, false);
            }
            return new HeapwatchRegistries(new HeapwatchComposite(application, prometheus), prometheus, false);
        }
        if (application != null) {
            PrometheusMeterRegistry inside = findPrometheus(application, 0);
            if (inside != null) {
                return new HeapwatchRegistries(application, inside, false);
            }
            PrometheusMeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            return new HeapwatchRegistries(new HeapwatchComposite(application, own), own, true);
        }
        return ofOwn(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    /** Records into and serves one Prometheus registry that heapwatch owns and closes. */
    public static HeapwatchRegistries ofOwn(PrometheusMeterRegistry registry) {
        return new HeapwatchRegistries(registry, registry, true);
    }

    /** Records into {@code recording} and serves {@code scraped}; closes neither. */
    public static HeapwatchRegistries of(MeterRegistry recording, PrometheusMeterRegistry scraped) {
        return new HeapwatchRegistries(recording, scraped, false);
    }

    private static boolean reaches(MeterRegistry from, MeterRegistry target) {
        return from == target
                || (from instanceof CompositeMeterRegistry && findIn((CompositeMeterRegistry) from, target, 0));
    }

    private static boolean findIn(CompositeMeterRegistry composite, MeterRegistry target, int depth) {
        if (depth > 8) {
            return false;
        }
        for (MeterRegistry r : composite.getRegistries()) {
            if (r == target
                    || (r instanceof CompositeMeterRegistry && findIn((CompositeMeterRegistry) r, target, depth + 1))) {
                return true;
            }
        }
        return false;
    }

    private static @Nullable PrometheusMeterRegistry findPrometheus(MeterRegistry registry, int depth) {
        if (registry instanceof PrometheusMeterRegistry) {
            return (PrometheusMeterRegistry) registry;
        }
        if (registry instanceof CompositeMeterRegistry && depth <= 8) {
            for (MeterRegistry r : ((CompositeMeterRegistry) registry).getRegistries()) {
                PrometheusMeterRegistry found = findPrometheus(r, depth + 1);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /**
     * Where a {@link io.micrometer.core.instrument.binder.MeterBinder} of heapwatch's is bound: the recording
     * registry, or each member of the composite heapwatch built, so that a framework that also binds it to the
     * application's registry finds its meters there and does not register them twice.
     */
    public List<MeterRegistry> binderTargets() {
        return binderTargets;
    }

    /** Where heapwatch's meters are recorded. */
    public MeterRegistry recording() {
        return recording;
    }

    /** The Prometheus registry {@code /metrics} serves. */
    public PrometheusMeterRegistry scraped() {
        return scraped;
    }

    /** Whether heapwatch created the Prometheus registry (and closes it). */
    public boolean owned() {
        return owned;
    }

    /** A composite heapwatch built over the application's registry and a Prometheus registry. */
    private static final class HeapwatchComposite extends CompositeMeterRegistry {
        HeapwatchComposite(MeterRegistry application, PrometheusMeterRegistry prometheus) {
            super(Clock.SYSTEM, List.of(application, prometheus));
        }
    }

    @Override
    public void close() {
        if (owned) {
            scraped.close();
        }
    }
}
