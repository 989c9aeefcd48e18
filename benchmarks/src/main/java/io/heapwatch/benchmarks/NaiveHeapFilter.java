package io.heapwatch.benchmarks;

import io.heapwatch.sampling.RouteResolver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The obvious way to write a memory-profiling filter, as a point of comparison: {@link MemoryMXBean#getHeapMemoryUsage()}
 * before and after every request, and the delta recorded into a tagged counter that is looked up with a fresh
 * {@link Counter#builder} on every request.
 */
final class NaiveHeapFilter implements Filter {

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final MeterRegistry registry;

    NaiveHeapFilter(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        long before = memory.getHeapMemoryUsage().getUsed();
        try {
            chain.doFilter(request, response);
        } finally {
            long after = memory.getHeapMemoryUsage().getUsed();
            HttpServletRequest req = (HttpServletRequest) request;
            Object pattern = req.getAttribute(RouteResolver.SPRING_BEST_MATCHING_PATTERN);
            Counter.builder("naive.request.heap.delta.bytes")
                    .tag("uri", pattern instanceof String ? (String) pattern : "UNKNOWN")
                    .tag("method", req.getMethod())
                    .register(registry)
                    .increment(Math.max(0, after - before));
        }
    }
}
