/** A Spring Boot demo of heapwatch: one dependency, configured by environment variables. */
package io.heapwatch.examples.springboot;
