/**
 * The {@code /metrics} endpoint and the HTTP basic authentication in front of it. Authentication is mandatory and
 * does not depend on any other setting.
 */
@NullMarked
package io.heapwatch.endpoint;

import org.jspecify.annotations.NullMarked;
