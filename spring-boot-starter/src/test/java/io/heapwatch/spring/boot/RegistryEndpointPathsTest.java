package io.heapwatch.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.mock.web.MockHttpServletRequest;

class RegistryEndpointPathsTest {

    private final RegistryEndpointPaths paths =
            RegistryEndpointPaths.of(List.of("/actuator/prometheus", "/actuator/metrics"));

    private static MockHttpServletRequest request(String uri) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", uri);
        request.setServletPath("");
        request.setPathInfo(null);
        return request;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/actuator/prometheus",
                "/actuator/prometheus/",
                "/actuator/prometheus//",
                "//actuator//prometheus",
                "/actuator/./prometheus",
                "/actuator/prometheus;jsessionid=1",
                "/actuator;a=b/prometheus",
                "/;x/actuator/prometheus",
                "/actuator/%70rometheus",
                "/actuator/%50ROMETHEUS",
                "/%61ctuator/prometheus",
                "/ACTUATOR/PROMETHEUS",
                "/Actuator/Prometheus/extra",
                "/actuator/metrics",
                "/actuator/metrics/",
                "/actuator/metrics/heapwatch.heap.used",
                "/actuator/metrics/heapwatch.heap.used/",
                "/actuator/metrics;x=1/heapwatch.heap.used",
                "/actuator/metrics/jvm.memory.used;a=b"
            })
    void requestPathsThatCanReachTheEndpointsMatch(String uri) {
        assertThat(paths.matches(request(uri))).as(uri).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/",
                "/actuator",
                "/actuator/",
                "/actuator/health",
                "/actuator/prometheusx",
                "/actuator/prometheu",
                "/actuator/metricsx/jvm",
                "/actuator/%2fprometheus",
                "/metrics",
                "/api/actuator/prometheus",
                "/actuator/promet%68eus%",
                "/actuator/prom%zzetheus"
            })
    void otherPathsDoNotMatch(String uri) {
        assertThat(paths.matches(request(uri))).as(uri).isFalse();
    }

    @Test
    void theContextPathIsSkipped() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/app/actuator/prometheus");
        request.setContextPath("/app");
        request.setServletPath("/actuator/prometheus");

        assertThat(paths.matches(request)).isTrue();
    }

    @Test
    void theContainersNormalizedServletPathAndPathInfoAreCheckedToo() {
        // The container resolves "..": the raw URI does not match, its servlet path does.
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/x/../actuator/prometheus");
        request.setServletPath("/actuator");
        request.setPathInfo("/prometheus");

        assertThat(paths.matches(request)).isTrue();
    }

    @Test
    void nonAsciiPathMappingsMatchEncodedAndDecoded() {
        RegistryEndpointPaths mapped = RegistryEndpointPaths.of(List.of("/gestion/métriques"));

        assertThat(mapped.matches(request("/gestion/m%C3%A9triques/x"))).isTrue();
        assertThat(mapped.matches(request("/gestion/m%c3%a9triques"))).isTrue();
        assertThat(mapped.matches(request("/gestion/métriques"))).isTrue();
        assertThat(mapped.matches(request("/gestion/metriques"))).isFalse();
        assertThat(mapped.matches(request("/gestion/m%C3%A9trique"))).isFalse();
    }

    @Test
    void anEndpointMappedOnTheRootMatchesEverything() {
        RegistryEndpointPaths root = RegistryEndpointPaths.of(List.of("/"));

        assertThat(root.matches(request("/"))).isTrue();
        assertThat(root.matches(request("/anything"))).isTrue();
    }

    @Test
    void noPathsMatchNothing() {
        assertThat(RegistryEndpointPaths.NONE.matches(request("/actuator/prometheus")))
                .isFalse();
        assertThat(RegistryEndpointPaths.of(List.of()).isEmpty()).isTrue();
    }
}
