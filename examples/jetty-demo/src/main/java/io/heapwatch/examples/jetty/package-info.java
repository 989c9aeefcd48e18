/** An embedded Jetty app with endpoints that behave normally, leak, cache and churn garbage. */
@NullMarked
package io.heapwatch.examples.jetty;

import org.jspecify.annotations.NullMarked;
