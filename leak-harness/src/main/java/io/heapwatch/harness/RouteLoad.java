package io.heapwatch.harness;

import java.util.function.DoubleUnaryOperator;
import java.util.function.LongFunction;

/**
 * One stream of requests: its label, its rate in requests per second at a given harness time, and the path of
 * the n-th request.
 */
record RouteLoad(String label, DoubleUnaryOperator rateAt, LongFunction<String> path) {}
