/** Installs heapwatch into a {@link jakarta.servlet.ServletContext} without Spring: one call, or one listener. */
@NullMarked
package io.heapwatch.servlet;

import org.jspecify.annotations.NullMarked;
