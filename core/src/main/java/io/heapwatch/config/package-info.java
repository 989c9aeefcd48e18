/**
 * heapwatch's immutable configuration: built programmatically or from the environment variables of the
 * deployment contract, and validated so that a bad value fails startup with a message that names it.
 */
@NullMarked
package io.heapwatch.config;

import org.jspecify.annotations.NullMarked;
