package io.heapwatch.spring.boot;

import io.heapwatch.diagnosis.LeakDiagnostics;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The Actuator endpoint {@code heapwatchdiagnosis}: the same JSON document as {@code /heapwatch/diagnosis} (the latest
 * diagnosis, or a fresh one when none is recent and the rate limit allows). Exposure and access follow the
 * application's Actuator rules ({@code management.endpoints.web.exposure.include}); it holds class names, counts,
 * sizes and stack frames, never object contents.
 */
@Endpoint(id = HeapwatchDiagnosisEndpoint.ID)
public final class HeapwatchDiagnosisEndpoint {

    /** The endpoint id. */
    public static final String ID = "heapwatchdiagnosis";

    private final LeakDiagnostics diagnostics;

    public HeapwatchDiagnosisEndpoint(LeakDiagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    /** The diagnosis document, schema {@code heapwatch.diagnosis/1}. */
    @ReadOperation(produces = "application/json")
    public String diagnosis() {
        return diagnostics.diagnosis().toJson();
    }
}
