package io.heapwatch.sampling;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;

/** The meters of one route and method, built once and then only recorded into. */
final class RequestMeters {

    static final String SAMPLED = "heapwatch.requests.sampled";
    static final String ALLOCATED = "heapwatch.request.allocated";
    static final String HEAP_DELTA = "heapwatch.request.heap.delta";
    static final String GROWTH_EVENTS = "heapwatch.request.growth.events";

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    /** Histogram bounds in bytes: 4 KiB to 256 MiB in steps of four. */
    static final double[] BYTE_BUCKETS = {
        4 * KIB, 16 * KIB, 64 * KIB, 256 * KIB, MIB, 4 * MIB, 16 * MIB, 64 * MIB, 256 * MIB
    };

    final String uri;
    final String method;
    final Counter sampled;
    final DistributionSummary allocated;
    final DistributionSummary heapDelta;
    final Counter growthEvents;

    RequestMeters(MeterRegistry registry, Tags commonTags, String uri, String method) {
        this.uri = uri;
        this.method = method;
        Tags tags = commonTags.and("uri", uri, "method", method);
        this.sampled = Counter.builder(SAMPLED)
                .tags(tags)
                .description("Requests measured by heapwatch (the sampled ones)")
                .register(registry);
        this.allocated = DistributionSummary.builder(ALLOCATED)
                .tags(tags)
                .baseUnit("bytes")
                .serviceLevelObjectives(BYTE_BUCKETS)
                .description("Bytes allocated by the request's own thread, garbage included; not retention")
                .register(registry);
        this.heapDelta = DistributionSummary.builder(HEAP_DELTA)
                .tags(tags)
                .baseUnit("bytes")
                .serviceLevelObjectives(BYTE_BUCKETS)
                .description("Heap used after minus before the request, all threads, for samples with no GC during"
                        + " them; not retention")
                .register(registry);
        this.growthEvents = Counter.builder(GROWTH_EVENTS)
                .tags(tags)
                .description("Sampled requests whose heap grew by at least the growth threshold with no GC during"
                        + " them; one per request")
                .register(registry);
    }

    List<Meter> meters() {
        return List.of(sampled, allocated, heapDelta, growthEvents);
    }
}
