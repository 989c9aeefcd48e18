package io.heapwatch.sampling;

import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;

/**
 * Resolves the low-cardinality route of a finished request: never the raw path.
 *
 * <ol>
 *   <li>Spring MVC's best matching pattern, when the request carries it (for example {@code /api/items/{id}}),
 *       except Spring's catch-all static-resource pattern {@code /**} on a 404, which is {@link #NOT_FOUND};
 *   <li>{@link #REDIRECTION} for 3xx and {@link #NOT_FOUND} for 404 responses;
 *   <li>the servlet mapping pattern (for example {@code /api/items/*});
 *   <li>{@link #UNKNOWN} otherwise.
 * </ol>
 */
public final class RouteResolver {

    /** The request attribute in which Spring MVC stores the matched handler pattern. */
    public static final String SPRING_BEST_MATCHING_PATTERN =
            "org.springframework.web.servlet.HandlerMapping.bestMatchingPattern";

    static final String SPRING_CATCH_ALL = "/**";

    public static final String NOT_FOUND = "NOT_FOUND";
    public static final String REDIRECTION = "REDIRECTION";
    public static final String UNKNOWN = "UNKNOWN";
    public static final String ROOT = "root";

    /** The route of a request whose chain has finished. */
    public String resolve(HttpServletRequest request, HttpServletResponse response) {
        Object pattern = request.getAttribute(SPRING_BEST_MATCHING_PATTERN);
        int status = response.getStatus();
        if (pattern instanceof String) {
            // An unmatched path reaches Spring's resource handler, whose pattern matches everything.
            return status == 404 && SPRING_CATCH_ALL.equals(pattern) ? NOT_FOUND : (String) pattern;
        }
        if (status == 404) {
            return NOT_FOUND;
        }
        if (status >= 300 && status < 400) {
            return REDIRECTION;
        }
        HttpServletMapping mapping = request.getHttpServletMapping();
        if (mapping != null) {
            MappingMatch match = mapping.getMappingMatch();
            if (match == MappingMatch.EXACT || match == MappingMatch.PATH || match == MappingMatch.EXTENSION) {
                return mapping.getPattern();
            }
            if (match == MappingMatch.CONTEXT_ROOT) {
                return ROOT;
            }
        }
        return UNKNOWN;
    }
}
