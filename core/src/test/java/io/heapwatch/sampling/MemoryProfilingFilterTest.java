package io.heapwatch.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.heapwatch.config.HeapwatchConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

class MemoryProfilingFilterTest {

    private static final long MB = 1024 * 1024;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ScriptedSource source = new ScriptedSource();
    private final FilterChain chain = mock(FilterChain.class);

    private MemoryProfilingFilter filter(HeapwatchConfig.Builder config) {
        return new MemoryProfilingFilter(config.containerName("test").build(), registry, source);
    }

    private MemoryProfilingFilter filter() {
        return filter(HeapwatchConfig.builder());
    }

    private static HttpServletRequest request(String pattern, String method) {
        HttpServletRequest req = mock(HttpServletRequest.class);
        when(req.getDispatcherType()).thenReturn(DispatcherType.REQUEST);
        when(req.getMethod()).thenReturn(method);
        when(req.getAttribute(RouteResolver.SPRING_BEST_MATCHING_PATTERN)).thenReturn(pattern);
        return req;
    }

    private static HttpServletResponse ok() {
        HttpServletResponse res = mock(HttpServletResponse.class);
        when(res.getStatus()).thenReturn(200);
        return res;
    }

    private double count(String name, String uri) {
        Counter c = registry.find(name).tag("uri", uri).counter();
        return c == null ? 0 : c.count();
    }

    /** Sends {@code times} identical GET requests on {@code pattern} through {@code f}. */
    private void serve(MemoryProfilingFilter f, String pattern, int times) throws Exception {
        HttpServletRequest req = request(pattern, "GET");
        HttpServletResponse res = ok();
        for (int i = 0; i < times; i++) {
            f.doFilter(req, res, chain);
        }
    }

    private DistributionSummary summary(String name, String uri) {
        return registry.get(name).tag("uri", uri).summary();
    }

    private double global(String name, String tag, String value) {
        return registry.get(name).tag(tag, value).counter().count();
    }

    @Test
    void recordsExactAllocatedBytesAndHeapDeltaUnderTheRouteTemplate() throws Exception {
        source.request(1_000, 51_000, 100 * MB, 101 * MB, 7, 7);
        filter().doFilter(request("/api/items/{id}", "GET"), ok(), chain);

        verify(chain).doFilter(any(), any());
        assertThat(count("heapwatch.requests.sampled", "/api/items/{id}")).isEqualTo(1);
        assertThat(summary("heapwatch.request.allocated", "/api/items/{id}").totalAmount())
                .isEqualTo(50_000);
        assertThat(summary("heapwatch.request.heap.delta", "/api/items/{id}").totalAmount())
                .isEqualTo(MB);
        assertThat(registry.get("heapwatch.requests.sampled").counter().getId().getTag("container"))
                .isEqualTo("test");
    }

    @Test
    void aHugeGrowthCountsAsOneGrowthEventNotOnePerThreshold() throws Exception {
        source.request(0, 130 * MB, 100 * MB, 220 * MB, 1, 1);
        filter().doFilter(request("/api/leak", "POST"), ok(), chain);
        assertThat(count("heapwatch.request.growth.events", "/api/leak")).isEqualTo(1);
    }

    @Test
    void growthBelowTheThresholdIsNoEvent() throws Exception {
        source.request(0, 9 * MB, 100 * MB, 109 * MB, 1, 1);
        filter().doFilter(request("/api/items/{id}", "GET"), ok(), chain);
        assertThat(count("heapwatch.request.growth.events", "/api/items/{id}")).isZero();
        assertThat(summary("heapwatch.request.heap.delta", "/api/items/{id}").count())
                .isEqualTo(1);
    }

    @Test
    void growthExactlyAtTheThresholdIsAnEvent() throws Exception {
        source.request(0, 10 * MB, 100 * MB, 110 * MB, 1, 1);
        filter().doFilter(request("/x", "GET"), ok(), chain);
        assertThat(count("heapwatch.request.growth.events", "/x")).isEqualTo(1);
    }

    @Test
    void sampleSpanningAGcIsDiscardedButItsAllocationIsKept() throws Exception {
        source.request(0, 40 * MB, 100 * MB, 150 * MB, 3, 4);
        filter().doFilter(request("/x", "GET"), ok(), chain);
        assertThat(global("heapwatch.request.samples.discarded", "reason", "gc"))
                .isEqualTo(1);
        assertThat(summary("heapwatch.request.heap.delta", "/x").count()).isZero();
        assertThat(count("heapwatch.request.growth.events", "/x")).isZero();
        assertThat(summary("heapwatch.request.allocated", "/x").totalAmount()).isEqualTo(40 * MB);
    }

    @Test
    void fallingHeapIsTreatedAsAGcWhoseNotificationHasNotArrived() throws Exception {
        source.request(0, 1_000, 300 * MB, 20 * MB, 3, 3);
        filter().doFilter(request("/x", "GET"), ok(), chain);
        assertThat(global("heapwatch.request.samples.discarded", "reason", "gc"))
                .isEqualTo(1);
        assertThat(summary("heapwatch.request.heap.delta", "/x").count()).isZero();
    }

    @Test
    void virtualThreadAllocationUnavailableIsSkippedAndHeapStillRecorded() throws Exception {
        source.request(-1, -1, 100 * MB, 112 * MB, 1, 1);
        filter().doFilter(request("/x", "GET"), ok(), chain);
        assertThat(registry.get("heapwatch.request.allocation.unavailable")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(summary("heapwatch.request.allocated", "/x").count()).isZero();
        assertThat(count("heapwatch.request.growth.events", "/x")).isEqualTo(1);
        assertThat(global("heapwatch.measurement.faults", "signal", "allocation"))
                .isZero();
    }

    @Test
    void throwingSourcesNeverFailTheRequestAndAreCountedPerSignal() throws Exception {
        source.failAllocation = new IllegalStateException("boom");
        source.failHeap = new IllegalStateException("boom");
        source.failGc = new IllegalStateException("boom");
        MemoryProfilingFilter f = filter();
        for (int i = 0; i < 3; i++) {
            f.doFilter(request("/x", "GET"), ok(), chain);
        }
        verify(chain, times(3)).doFilter(any(), any());
        assertThat(global("heapwatch.measurement.faults", "signal", "allocation"))
                .isEqualTo(6);
        assertThat(global("heapwatch.measurement.faults", "signal", "heap")).isEqualTo(6);
        assertThat(global("heapwatch.measurement.faults", "signal", "gc")).isEqualTo(6);
        assertThat(count("heapwatch.requests.sampled", "/x")).isEqualTo(3);
    }

    @Test
    void aReusedExceptionDoesNotGrowWhenTheFaultCounterFailsToo() throws Exception {
        IllegalStateException reused = new IllegalStateException("same instance every time");
        source.failAllocation = reused;
        SimpleMeterRegistry failing = new SimpleMeterRegistry() {
            @Override
            protected Counter newCounter(io.micrometer.core.instrument.Meter.Id id) {
                Counter real = super.newCounter(id);
                return !id.getName().equals(MemoryProfilingFilter.FAULTS)
                        ? real
                        : new Counter() {
                            @Override
                            public void increment(double amount) {
                                throw new IllegalStateException("registry down");
                            }

                            @Override
                            public double count() {
                                return 0;
                            }

                            @Override
                            public Id getId() {
                                return id;
                            }
                        };
            }
        };
        MemoryProfilingFilter f =
                new MemoryProfilingFilter(HeapwatchConfig.builder().build(), failing, source);
        HttpServletRequest req = request("/x", "GET");
        HttpServletResponse res = ok();
        for (int i = 0; i < 1_000; i++) {
            f.doFilter(req, res, chain);
        }
        verify(chain, times(1_000)).doFilter(any(), any());
        assertThat(reused.getSuppressed()).hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void impossibleValuesAreFaultsNotSamples() throws Exception {
        source.request(5_000, 1_000, -7, 10, 0, 0);
        filter().doFilter(request("/x", "GET"), ok(), chain);
        assertThat(global("heapwatch.measurement.faults", "signal", "allocation"))
                .isEqualTo(1);
        assertThat(global("heapwatch.measurement.faults", "signal", "heap")).isEqualTo(1);
        assertThat(summary("heapwatch.request.allocated", "/x").count()).isZero();
        assertThat(summary("heapwatch.request.heap.delta", "/x").count()).isZero();
    }

    @Test
    void failingRouteResolutionIsARecordFaultAndTheRequestGoesOn() throws Exception {
        HttpServletRequest req = request("/x", "GET");
        when(req.getAttribute(RouteResolver.SPRING_BEST_MATCHING_PATTERN)).thenThrow(new IllegalStateException("x"));
        filter().doFilter(req, ok(), chain);
        verify(chain).doFilter(any(), any());
        assertThat(global("heapwatch.measurement.faults", "signal", "record")).isEqualTo(1);
    }

    @Test
    void aRequestThatCannotSayWhetherItIsAsyncIsAFaultNotAFailure() throws Exception {
        HttpServletRequest req = request("/x", "GET");
        when(req.isAsyncStarted()).thenThrow(new IllegalStateException("recycled request"));
        filter().doFilter(req, ok(), chain);
        verify(chain).doFilter(any(), any());
        assertThat(global("heapwatch.measurement.faults", "signal", "record")).isEqualTo(1);
    }

    @Test
    void requestWhoseChainThrowsIsRecordedAndTheExceptionPropagatesUnchanged() throws Exception {
        ServletException failure = new ServletException("handler failed");
        doThrow(failure).when(chain).doFilter(any(), any());
        source.request(0, 2_000, 10 * MB, 10 * MB, 0, 0);
        assertThatThrownBy(() -> filter().doFilter(request("/fail", "GET"), ok(), chain))
                .isSameAs(failure);
        assertThat(count("heapwatch.requests.sampled", "/fail")).isEqualTo(1);
        assertThat(summary("heapwatch.request.allocated", "/fail").totalAmount())
                .isEqualTo(2_000);
    }

    @Test
    void sampleRateZeroMeasuresNothingButRunsTheChain() throws Exception {
        MemoryProfilingFilter f = filter(HeapwatchConfig.builder().sampleRate(0.0));
        serve(f, "/x", 100);
        verify(chain, times(100)).doFilter(any(), any());
        assertThat(count("heapwatch.requests.sampled", "/x")).isZero();
    }

    @Test
    void fractionalSampleRateMeasuresAboutThatFraction() throws Exception {
        MemoryProfilingFilter f = filter(HeapwatchConfig.builder().sampleRate(0.25));
        serve(f, "/x", 4_000);
        assertThat(count("heapwatch.requests.sampled", "/x")).isBetween(800.0, 1200.0);
    }

    @Test
    void routeTrafficAtAFractionalSampleRateEstimatesEveryRequestServed() throws Exception {
        MemoryProfilingFilter f = filter(HeapwatchConfig.builder().sampleRate(0.25));
        serve(f, "/x", 4_000);
        double sampled = count("heapwatch.requests.sampled", "/x");
        double[] visited = {-1};
        f.visit((uri, method, n) -> visited[0] = n);
        assertThat(visited[0]).isEqualTo(sampled / 0.25).isBetween(3_200.0, 4_800.0);
    }

    @Test
    void routeTrafficAtSampleRateZeroReportsNoRoute() throws Exception {
        MemoryProfilingFilter f = filter(HeapwatchConfig.builder().sampleRate(0.0));
        f.doFilter(request("/x", "GET"), ok(), chain);
        StringBuilder seen = new StringBuilder();
        f.visit((uri, method, n) -> seen.append(uri));
        assertThat(seen.toString()).isEmpty();
    }

    @Test
    void nonRequestDispatchesPassThroughUnmeasured() throws Exception {
        MemoryProfilingFilter f = filter();
        for (DispatcherType type : new DispatcherType[] {
            DispatcherType.FORWARD, DispatcherType.INCLUDE, DispatcherType.ERROR, DispatcherType.ASYNC
        }) {
            HttpServletRequest req = request("/x", "GET");
            when(req.getDispatcherType()).thenReturn(type);
            f.doFilter(req, ok(), chain);
        }
        verify(chain, times(4)).doFilter(any(), any());
        assertThat(registry.find("heapwatch.requests.sampled").counters()).isEmpty();
    }

    @Test
    void heapDeltaSwitchedOffLeavesOnlyTheAllocationSignal() throws Exception {
        source.request(0, 500, 0, 0, 0, 0);
        filter(HeapwatchConfig.builder().heapDeltaEnabled(false)).doFilter(request("/x", "GET"), ok(), chain);
        assertThat(summary("heapwatch.request.allocated", "/x").totalAmount()).isEqualTo(500);
        assertThat(summary("heapwatch.request.heap.delta", "/x").count()).isZero();
        assertThat(source.heap).hasSize(2); // never read
    }

    @Test
    void routesPastTheCapFoldIntoOther() throws Exception {
        MemoryProfilingFilter f = filter(HeapwatchConfig.builder().maxRoutes(3));
        for (int i = 0; i < 10; i++) {
            f.doFilter(request("/route/" + i, "GET"), ok(), chain);
        }
        assertThat(f.routeCount()).isEqualTo(3);
        assertThat(count("heapwatch.requests.sampled", RouteMeterCache.OTHER)).isEqualTo(7);
        assertThat(registry.find("heapwatch.requests.sampled").counters()).hasSize(4);
    }

    @Test
    void unknownMethodsShareTheOtherMethodTag() throws Exception {
        MemoryProfilingFilter f = filter();
        for (String m : new String[] {"PROPFIND", "X-CUSTOM-1", "X-CUSTOM-2", "GET"}) {
            f.doFilter(request("/x", m), ok(), chain);
        }
        assertThat(registry.get("heapwatch.requests.sampled")
                        .tag("method", "OTHER")
                        .counter()
                        .count())
                .isEqualTo(3);
        assertThat(registry.find("heapwatch.requests.sampled").counters()).hasSize(2);
    }

    @Test
    void removeMetersLeavesNoHeapwatchMeterBehind() throws Exception {
        MemoryProfilingFilter f = filter();
        f.doFilter(request("/x", "GET"), ok(), chain);
        f.removeMeters();
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void forEachRouteVisitsCumulativeCounts() throws Exception {
        MemoryProfilingFilter f = filter();
        f.doFilter(request("/a", "GET"), ok(), chain);
        f.doFilter(request("/a", "GET"), ok(), chain);
        f.doFilter(request("/b", "POST"), ok(), chain);
        StringBuilder seen = new StringBuilder();
        f.visit((uri, method, n) -> seen.append(uri)
                .append(' ')
                .append(method)
                .append('=')
                .append((long) n)
                .append(';'));
        assertThat(seen.toString()).contains("/a GET=2;").contains("/b POST=1;");
    }
}
