package io.heapwatch.diagnosis;

import io.heapwatch.leak.LeakAssessment;
import io.heapwatch.leak.LeakDetector;
import io.heapwatch.leak.RouteSuspect;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The one place that reads the leak detector: its public {@link LeakDetector#assessment()} turned into a
 * {@link Verdict}. Re-point this class when the detector's API changes.
 */
final class DetectorView {

    private final @Nullable LeakDetector detector;

    DetectorView(@Nullable LeakDetector detector) {
        this.detector = detector;
    }

    Verdict verdict() {
        LeakDetector d = detector;
        if (d == null) {
            return Verdict.unavailable("leak detection is disabled (HEAPWATCH_LEAK_DETECTION=false)");
        }
        LeakAssessment a = d.assessment();
        List<Verdict.Route> routes = new ArrayList<>();
        for (RouteSuspect s : a.suspects()) {
            routes.add(new Verdict.Route(
                    s.route().method(), s.route().uri(), s.retainedBytesPerRequest(), s.correlation()));
        }
        return new Verdict(
                true,
                a.suspected(),
                a.state().label(),
                a.reason(),
                a.growthBytesPerSecond(),
                a.growthLowerBound(),
                a.secondsToExhaustion(),
                a.floors().size(),
                a.horizon().toSeconds(),
                a.routeReason(),
                routes);
    }
}
