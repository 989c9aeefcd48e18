/**
 * heapwatch's Spring Boot auto-configuration: the request filter, the GC tracker and the authenticated
 * {@code /metrics} endpoint in servlet web applications, configured by the deployment contract's environment
 * variables or by {@code heapwatch.*} properties.
 */
@NullMarked
package io.heapwatch.spring.boot;

import org.jspecify.annotations.NullMarked;
