package io.heapwatch.diagnosis;

import java.util.List;

/** Diagnoses built field by field, for tests of the document and the page. */
final class TestDiagnoses {

    private TestDiagnoses() {}

    /** A diagnosis of {@code types} with the given explained growth and paths to GC roots, and nothing else. */
    static Diagnosis of(
            List<LeakingType> types,
            double fraction,
            double bytesPerSecond,
            String explainedFrom,
            GcRootsReport roots) {
        return new Diagnosis(
                1,
                System.currentTimeMillis(),
                "request",
                5,
                "shop",
                Verdict.unavailable("no detector"),
                "on",
                "test",
                types.size(),
                types.size(),
                types,
                fraction,
                bytesPerSecond,
                explainedFrom,
                "routes",
                List.of(),
                List.of(),
                HistogramReport.off(),
                roots,
                null);
    }
}
