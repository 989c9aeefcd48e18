package io.heapwatch.diagnosis;

/**
 * The live heap after one collection, or a floor (the lowest of a sub-window).
 *
 * @param epochMillis when
 * @param liveBytes used bytes of the long-lived pools and survivor spaces after the collection
 * @param maxBytes their maximum, -1 when undefined
 */
public record HeapPoint(long epochMillis, long liveBytes, long maxBytes) {}
