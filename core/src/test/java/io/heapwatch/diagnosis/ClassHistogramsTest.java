package io.heapwatch.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

class ClassHistogramsTest {

    /** Answers queued texts in order, or throws when the queued text is {@code null}-marked as "!". */
    static final class Texts implements ClassHistograms.Source {
        final Deque<String> texts = new ArrayDeque<>();
        int calls;

        @Override
        public String histogram() {
            calls++;
            String t = texts.removeFirst();
            if (t.equals("!")) {
                throw new IllegalStateException("no DiagnosticCommand MBean");
            }
            return t;
        }
    }

    static String sessions(long n) {
        return "   1: " + n + " " + n * 72 + " com.example.Session\n   2: 10 40960 [B (java.base@17)\n";
    }

    @Test
    void takesAtMostOneHistogramPerInterval() {
        Texts source = new Texts();
        source.texts.add(sessions(100));
        source.texts.add(sessions(1100));
        ClassHistograms h = new ClassHistograms(source, 30_000, 3_600_000, 100);

        ClassHistograms.Result first = h.take(0);
        assertThat(first.status()).isEqualTo("on");
        assertThat(first.detail()).contains("baseline");
        assertThat(first.growth()).isEmpty();
        assertThat(first.pauseMillis()).isGreaterThanOrEqualTo(0);

        ClassHistograms.Result held = h.take(29_999);
        assertThat(source.calls)
                .as("the rate limit holds the second histogram back")
                .isEqualTo(1);
        assertThat(held.status()).isEqualTo("on");
        assertThat(held.detail()).contains("only the baseline so far");
        assertThat(held.growth()).isEmpty();

        ClassHistograms.Result second = h.take(30_000);
        assertThat(source.calls).isEqualTo(2);
        assertThat(second.baseline()).isSameAs(first.latest());
        assertThat(second.growth().get(0))
                .isEqualTo(new ClassHistogram.Growth("com.example.Session", 1100, 79200, 1000, 72000));

        ClassHistograms.Result reused = h.take(45_000);
        assertThat(source.calls).isEqualTo(2);
        assertThat(reused.detail()).contains("taken 15 s ago is reused");
        assertThat(reused.growth()).isEqualTo(second.growth());
    }

    @Test
    void aFailureIsReportedNeverThrownAndCountsForTheRateLimit() {
        Texts source = new Texts();
        source.texts.add("!");
        source.texts.add("not a histogram");
        source.texts.add(sessions(5));
        ClassHistograms h = new ClassHistograms(source, 1_000, 3_600_000, 100);

        ClassHistograms.Result failed = h.take(0);
        assertThat(failed.status()).isEqualTo("failed");
        assertThat(failed.detail()).contains("no DiagnosticCommand MBean");
        assertThat(h.take(500).status()).isEqualTo("failed");
        assertThat(source.calls).isEqualTo(1);

        ClassHistograms.Result unparsable = h.take(1_000);
        assertThat(unparsable.status()).isEqualTo("failed");
        assertThat(unparsable.detail()).contains("no class line");

        assertThat(h.take(2_000).status()).isEqualTo("on");
    }

    @Test
    void theGrowthSpansAtLeastOneWindowOnceTheBaselineIsAWindowOld() {
        Texts source = new Texts();
        for (int i = 1; i <= 40; i++) {
            source.texts.add(sessions(100 * i));
        }
        // a 10 s window and a histogram every second, as with a report page reloaded all the time
        ClassHistograms h = new ClassHistograms(source, 0, 10_000, 100);
        ClassHistogram first = h.take(0).latest();
        ClassHistogram atTen = null;
        for (long now = 1_000; now <= 39_000; now += 1_000) {
            ClassHistograms.Result r = h.take(now);
            ClassHistogram baseline = r.baseline();
            assertThat(baseline).isNotNull();
            long span = now - baseline.takenAtMillis();
            if (now >= 10_000) {
                assertThat(span).as("growth span at %d ms", now).isBetween(10_000L, 20_000L);
            }
            if (now == 10_000) {
                atTen = r.latest();
            }
            if (now <= 20_000) {
                assertThat(baseline).isSameAs(first);
            }
        }
        // the baseline moved to the histogram taken one window after the first, when the first was two windows old
        assertThat(h.take(40_000).baseline()).isNotSameAs(first);
        assertThat(atTen).isNotNull();
    }

    @Test
    void theBaselineMovesOnlyToAHistogramAtLeastAWindowOld() {
        Texts source = new Texts();
        source.texts.add(sessions(100));
        source.texts.add(sessions(200));
        source.texts.add(sessions(300));
        source.texts.add(sessions(400));
        ClassHistograms h = new ClassHistograms(source, 0, 10_000, 100);
        ClassHistogram first = h.take(0).latest();
        ClassHistograms.Result second = h.take(12_000);
        assertThat(second.baseline()).isSameAs(first);
        // two windows after the first, but the candidate taken at 12 s is only 9 s old: the baseline stays
        ClassHistograms.Result third = h.take(21_000);
        assertThat(third.baseline()).isSameAs(first);
        assertThat(third.growth().get(0).growthInstances()).isEqualTo(200);
        ClassHistograms.Result fourth = h.take(22_000);
        assertThat(fourth.baseline()).isSameAs(second.latest());
        assertThat(fourth.growth().get(0).growthInstances()).isEqualTo(200);
    }
}
