/**
 * The request filter: sampling, the measurement sources it reads, route resolution, and the per-route meters it
 * records into. Nothing here allocates, locks or builds tags per request once a route's meters exist.
 */
@NullMarked
package io.heapwatch.sampling;

import org.jspecify.annotations.NullMarked;
