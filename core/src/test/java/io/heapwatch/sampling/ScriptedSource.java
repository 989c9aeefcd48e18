package io.heapwatch.sampling;

import java.util.ArrayDeque;
import java.util.Deque;

/** A measurement source that returns scripted values, or throws, in order of the filter's reads. */
final class ScriptedSource implements MeasurementSource {

    final Deque<Long> allocated = new ArrayDeque<>();
    final Deque<Long> heap = new ArrayDeque<>();
    final Deque<Long> gc = new ArrayDeque<>();
    RuntimeException failAllocation;
    RuntimeException failHeap;
    RuntimeException failGc;

    /** Scripts one request: allocation, heap and GC count before and after. */
    ScriptedSource request(
            long allocBefore, long allocAfter, long heapBefore, long heapAfter, long gcBefore, long gcAfter) {
        allocated.add(allocBefore);
        allocated.add(allocAfter);
        heap.add(heapBefore);
        heap.add(heapAfter);
        gc.add(gcBefore);
        gc.add(gcAfter);
        return this;
    }

    @Override
    public long currentThreadAllocatedBytes() {
        if (failAllocation != null) {
            throw failAllocation;
        }
        return allocated.isEmpty() ? 0 : allocated.poll();
    }

    @Override
    public long heapUsedBytes() {
        if (failHeap != null) {
            throw failHeap;
        }
        return heap.isEmpty() ? 0 : heap.poll();
    }

    @Override
    public long gcCount() {
        if (failGc != null) {
            throw failGc;
        }
        return gc.isEmpty() ? 0 : gc.poll();
    }
}
