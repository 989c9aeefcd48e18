/**
 * An application with known leaks, outside heapwatch's packages, for evaluating whether a diagnosis names them.
 */
@org.jspecify.annotations.NullMarked
package io.heapwatch.testapp;
