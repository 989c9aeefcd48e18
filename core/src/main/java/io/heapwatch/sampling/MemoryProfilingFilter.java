package io.heapwatch.sampling;

import io.heapwatch.config.HeapwatchConfig;
import io.heapwatch.leak.RouteTraffic;
import io.heapwatch.leak.RouteVisitor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures sampled requests: exact bytes allocated by the request's thread, heap used before and after, and whether a
 * garbage collection ran meanwhile (such a sample says nothing about growth and its heap delta is dropped).
 *
 * <p>The request path reads and records only. Per sampled request it makes two allocation reads, two heap reads (when
 * the heap-delta signal is on), two volatile reads of the GC counter, a route lookup and a few meter updates; it
 * allocates nothing for synchronous requests once the route's meters exist. A fault inside measurement never fails the
 * request: it is counted in {@code heapwatch_measurement_faults_total} and logged once.
 *
 * <p>Only {@link DispatcherType#REQUEST} dispatches are measured. Async requests are recorded when they complete,
 * without the allocation signal, because their work runs on other threads. Forward, include and error dispatches pass
 * through unmeasured.
 */
public final class MemoryProfilingFilter implements Filter, RouteTraffic {

    private static final Logger log = LoggerFactory.getLogger(MemoryProfilingFilter.class);

    static final String DISCARDED = "heapwatch.request.samples.discarded";
    static final String FAULTS = "heapwatch.measurement.faults";
    static final String ALLOCATION_UNAVAILABLE = "heapwatch.request.allocation.unavailable";

    private final MeasurementSource source;
    private final RouteResolver routes = new RouteResolver();
    private final RouteMeterCache meters;
    private final double sampleRate;
    private final boolean heapDelta;
    private final long growthThresholdBytes;

    private final Counter discardedGc;
    private final Counter allocationUnavailable;
    private final Fault allocationFault;
    private final Fault heapFault;
    private final Fault gcFault;
    private final Fault recordFault;
    private final AtomicBoolean allocationUnavailableLogged = new AtomicBoolean();
    private final List<Meter> globalMeters = new ArrayList<>();
    private final MeterRegistry registry;

    /**
     * @param config sample rate, growth threshold, route cap, heap-delta switch and the {@code container} tag
     * @param registry where the meters go
     * @param source the signals to read; {@link JvmMeasurementSource} in production
     */
    public MemoryProfilingFilter(HeapwatchConfig config, MeterRegistry registry, MeasurementSource source) {
        this.source = source;
        this.registry = registry;
        this.sampleRate = config.sampleRate();
        this.heapDelta = config.heapDeltaEnabled();
        this.growthThresholdBytes = config.growthThresholdBytes();
        Tags common = Tags.of("container", config.containerName());
        this.meters = new RouteMeterCache(registry, common, config.maxRoutes());
        this.discardedGc = register(Counter.builder(DISCARDED)
                .tags(common.and("reason", "gc"))
                .description("Sampled requests whose heap delta was dropped because a GC ran during them")
                .register(registry));
        this.allocationUnavailable = register(Counter.builder(ALLOCATION_UNAVAILABLE)
                .tags(common)
                .description("Sampled requests on threads that cannot count allocated bytes (virtual threads)")
                .register(registry));
        this.allocationFault = new Fault("allocation", common);
        this.heapFault = new Fault("heap", common);
        this.gcFault = new Fault("gc", common);
        this.recordFault = new Fault("record", common);
    }

    private Counter register(Counter c) {
        globalMeters.add(c);
        return c;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getDispatcherType() != DispatcherType.REQUEST
                || !(request instanceof HttpServletRequest)
                || !(response instanceof HttpServletResponse)
                || !sampled()) {
            chain.doFilter(request, response);
            return;
        }
        long gcBefore = readGc();
        long allocatedBefore = readAllocated();
        long heapBefore = heapDelta ? readHeap() : 0;
        try {
            chain.doFilter(request, response);
        } finally {
            finish((HttpServletRequest) request, (HttpServletResponse) response, gcBefore, allocatedBefore, heapBefore);
        }
    }

    /** Reads the signals again and records, or defers to async completion; never throws into the request. */
    private void finish(
            HttpServletRequest req, HttpServletResponse res, long gcBefore, long allocatedBefore, long heapBefore) {
        try {
            if (req.isAsyncStarted()) {
                watchAsync(req, res, gcBefore, heapBefore);
                return;
            }
        } catch (RuntimeException e) {
            recordFault.record(e);
            return;
        }
        long heapAfter = heapDelta ? readHeap() : 0;
        long allocatedAfter = readAllocated();
        long gcAfter = readGc();
        record(req, res, allocatedBefore, allocatedAfter, heapBefore, heapAfter, gcBefore, gcAfter);
    }

    private boolean sampled() {
        double rate = sampleRate;
        return rate >= 1.0 || (rate > 0.0 && ThreadLocalRandom.current().nextDouble() < rate);
    }

    private long readGc() {
        try {
            return source.gcCount();
        } catch (RuntimeException e) {
            gcFault.record(e);
            return Long.MIN_VALUE;
        }
    }

    private long readAllocated() {
        try {
            return source.currentThreadAllocatedBytes();
        } catch (RuntimeException e) {
            allocationFault.record(e);
            return Long.MIN_VALUE;
        }
    }

    private long readHeap() {
        try {
            return source.heapUsedBytes();
        } catch (RuntimeException e) {
            heapFault.record(e);
            return Long.MIN_VALUE;
        }
    }

    private void record(
            HttpServletRequest req,
            HttpServletResponse res,
            long allocatedBefore,
            long allocatedAfter,
            long heapBefore,
            long heapAfter,
            long gcBefore,
            long gcAfter) {
        try {
            RequestMeters m = meters.get(routes.resolve(req, res), req.getMethod());
            m.sampled.increment();
            recordAllocation(m, allocatedBefore, allocatedAfter);
            if (heapDelta) {
                recordHeap(m, heapBefore, heapAfter, gcBefore, gcAfter);
            }
        } catch (RuntimeException e) {
            recordFault.record(e);
        }
    }

    private void recordAllocation(RequestMeters m, long before, long after) {
        if (before == Long.MIN_VALUE || after == Long.MIN_VALUE) {
            return; // the read failed and was counted
        }
        if (before == MeasurementSource.UNAVAILABLE || after == MeasurementSource.UNAVAILABLE) {
            allocationUnavailable.increment();
            if (allocationUnavailableLogged.compareAndSet(false, true)) {
                log.info("heapwatch: this thread cannot count its allocated bytes (virtual threads return -1,"
                        + " JDK-8284161); such requests are recorded without the allocation signal");
            }
            return;
        }
        if (before < 0 || after < before) {
            allocationFault.record(null);
            return;
        }
        m.allocated.record(after - before);
    }

    private void recordHeap(RequestMeters m, long before, long after, long gcBefore, long gcAfter) {
        if (before == Long.MIN_VALUE
                || after == Long.MIN_VALUE
                || gcBefore == Long.MIN_VALUE
                || gcAfter == Long.MIN_VALUE) {
            return; // the read failed and was counted
        }
        if (before < 0 || after < 0) {
            heapFault.record(null);
            return;
        }
        long delta = after - before;
        // Only a collection lowers heap used: a fall means a GC ran even if its notification is still on its way.
        if (gcAfter != gcBefore || delta < 0) {
            discardedGc.increment();
            return;
        }
        m.heapDelta.record(delta);
        if (delta >= growthThresholdBytes) {
            m.growthEvents.increment();
        }
    }

    private void watchAsync(HttpServletRequest req, HttpServletResponse res, long gcBefore, long heapBefore) {
        try {
            req.getAsyncContext().addListener(new AsyncCompletion(req, res, gcBefore, heapBefore));
        } catch (RuntimeException e) {
            recordFault.record(e);
        }
    }

    /** Number of distinct routes with meters, not counting the overflow route. */
    public int routeCount() {
        return meters.routeCount();
    }

    /**
     * Reports every route and method with its estimated cumulative request count, for leak attribution: the sampled
     * requests divided by the sample rate, so that the bytes retained per request are estimated per request served,
     * not per request sampled. Nothing is reported at sample rate 0. Runs on the analyzer thread, never per request.
     */
    @Override
    public void visit(RouteVisitor visitor) {
        double rate = sampleRate;
        if (rate >= 1.0) {
            meters.forEach(visitor);
        } else if (rate > 0.0) {
            meters.forEach((uri, method, sampled) -> visitor.route(uri, method, sampled / rate));
        }
    }

    /** Removes every meter this filter registered. */
    public void removeMeters() {
        meters.removeAll();
        for (Meter m : globalMeters) {
            registry.remove(m);
        }
    }

    /** Records an async request when it completes, errors or times out; the first of these wins. */
    private final class AsyncCompletion implements AsyncListener {
        private final HttpServletRequest req;
        private final HttpServletResponse res;
        private final long gcBefore;
        private final long heapBefore;
        private final AtomicBoolean done = new AtomicBoolean();

        AsyncCompletion(HttpServletRequest req, HttpServletResponse res, long gcBefore, long heapBefore) {
            this.req = req;
            this.res = res;
            this.gcBefore = gcBefore;
            this.heapBefore = heapBefore;
        }

        private void finish() {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            long heapAfter = heapDelta ? readHeap() : 0;
            long gcAfter = readGc();
            // The work of an async request runs on other threads, so no thread's allocation counter covers it.
            record(req, res, Long.MIN_VALUE, Long.MIN_VALUE, heapBefore, heapAfter, gcBefore, gcAfter);
        }

        @Override
        public void onComplete(AsyncEvent event) {
            finish();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            finish();
        }

        @Override
        public void onError(AsyncEvent event) {
            finish();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }

    /** A measurement fault: counted per signal, logged once. */
    private final class Fault {
        private final String signal;
        private final Counter counter;
        private final AtomicBoolean logged = new AtomicBoolean();

        Fault(String signal, Tags common) {
            this.signal = signal;
            this.counter = register(Counter.builder(FAULTS)
                    .tags(common.and("signal", signal))
                    .description("Faults inside heapwatch's measurement; the request went on unaffected")
                    .register(registry));
        }

        void record(@Nullable Throwable e) {
            RuntimeException countingFailed = null;
            try {
                counter.increment();
            } catch (RuntimeException failure) {
                // The registry itself is failing: the log line below is all that is left. Never fail the request.
                countingFailed = failure;
            }
            if (logged.compareAndSet(false, true)) {
                // Only the one logged exception is touched: attaching on every fault would grow a reused exception.
                if (e == null) {
                    e = countingFailed;
                } else if (countingFailed != null && e != countingFailed) {
                    e.addSuppressed(countingFailed);
                }
                if (e == null) {
                    log.warn(
                            "heapwatch: the {} signal returned an impossible value; this and further faults are"
                                    + " counted in heapwatch_measurement_faults_total and not logged again",
                            signal);
                } else {
                    log.warn(
                            "heapwatch: reading the {} signal failed; this and further faults are counted in"
                                    + " heapwatch_measurement_faults_total and not logged again",
                            signal,
                            e);
                }
            }
        }
    }
}
