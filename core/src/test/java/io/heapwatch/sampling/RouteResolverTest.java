package io.heapwatch.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import org.junit.jupiter.api.Test;

class RouteResolverTest {

    private final RouteResolver resolver = new RouteResolver();

    private static HttpServletResponse status(int status) {
        HttpServletResponse res = mock(HttpServletResponse.class);
        when(res.getStatus()).thenReturn(status);
        return res;
    }

    private static HttpServletRequest mapped(MappingMatch match, String pattern) {
        HttpServletRequest req = mock(HttpServletRequest.class);
        HttpServletMapping mapping = mock(HttpServletMapping.class);
        when(mapping.getMappingMatch()).thenReturn(match);
        when(mapping.getPattern()).thenReturn(pattern);
        when(req.getHttpServletMapping()).thenReturn(mapping);
        return req;
    }

    @Test
    void springPatternWinsEvenForErrors() {
        HttpServletRequest req = mapped(MappingMatch.DEFAULT, "/");
        when(req.getAttribute(RouteResolver.SPRING_BEST_MATCHING_PATTERN)).thenReturn("/api/items/{id}");
        assertThat(resolver.resolve(req, status(500))).isEqualTo("/api/items/{id}");
    }

    @Test
    void springCatchAllResourcePatternOnA404IsNotFound() {
        HttpServletRequest req = mapped(MappingMatch.DEFAULT, "/");
        when(req.getAttribute(RouteResolver.SPRING_BEST_MATCHING_PATTERN)).thenReturn("/**");
        assertThat(resolver.resolve(req, status(404))).isEqualTo("NOT_FOUND");
        assertThat(resolver.resolve(req, status(200))).isEqualTo("/**");
    }

    @Test
    void handlerThatAnswers404KeepsItsRoute() {
        HttpServletRequest req = mapped(MappingMatch.DEFAULT, "/");
        when(req.getAttribute(RouteResolver.SPRING_BEST_MATCHING_PATTERN)).thenReturn("/api/items/{id}");
        assertThat(resolver.resolve(req, status(404))).isEqualTo("/api/items/{id}");
    }

    @Test
    void notFoundAndRedirectsGetFixedValues() {
        assertThat(resolver.resolve(mapped(MappingMatch.PATH, "/api/*"), status(404)))
                .isEqualTo("NOT_FOUND");
        assertThat(resolver.resolve(mapped(MappingMatch.PATH, "/api/*"), status(302)))
                .isEqualTo("REDIRECTION");
    }

    @Test
    void servletMappingPatternIsUsedWithoutSpring() {
        assertThat(resolver.resolve(mapped(MappingMatch.PATH, "/api/items/*"), status(200)))
                .isEqualTo("/api/items/*");
        assertThat(resolver.resolve(mapped(MappingMatch.EXACT, "/api/leak"), status(201)))
                .isEqualTo("/api/leak");
        assertThat(resolver.resolve(mapped(MappingMatch.EXTENSION, "*.jsp"), status(200)))
                .isEqualTo("*.jsp");
    }

    @Test
    void defaultServletAndUnknownMappingsAreUnknownNeverTheRawPath() {
        HttpServletRequest req = mapped(MappingMatch.DEFAULT, "/");
        when(req.getRequestURI()).thenReturn("/some/raw/path/12345");
        assertThat(resolver.resolve(req, status(200))).isEqualTo("UNKNOWN");
        assertThat(resolver.resolve(mock(HttpServletRequest.class), status(200)))
                .isEqualTo("UNKNOWN");
    }

    @Test
    void contextRootIsRoot() {
        assertThat(resolver.resolve(mapped(MappingMatch.CONTEXT_ROOT, ""), status(200)))
                .isEqualTo("root");
    }
}
