/** JMH benchmarks of heapwatch's request filter and /metrics endpoint. */
package io.heapwatch.benchmarks;
