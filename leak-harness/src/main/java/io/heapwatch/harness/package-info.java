/**
 * The leak scenario harness: runs the Jetty demo in its own JVM with a compressed leak-detection window, drives
 * it with scripted load, scrapes {@code /metrics} every second and scores the verdicts against the known truth.
 */
package io.heapwatch.harness;
