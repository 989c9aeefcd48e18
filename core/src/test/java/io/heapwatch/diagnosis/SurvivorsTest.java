package io.heapwatch.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a diagnosis ranks of a dump ({@link LeakDiagnostics#survivors}, then {@link LeakDiagnostics#rank}): from every
 * write, the samples seen alive two collections after their allocation; from the dump's own write, the samples
 * allocated before the second latest collection.
 */
class SurvivorsTest {

    static final DiagnosisSettings SETTINGS = HistogramRankingTest.SETTINGS;

    static ObjectSample sample(long allocated, long written) {
        return SampleWritesTest.sample(allocated, written);
    }

    static HeapHistory collectionsAt(long... times) {
        HeapHistory history = new HeapHistory();
        for (long t : times) {
            history.onLiveHeap(t, 1, 10);
        }
        return history;
    }

    /** The samples a diagnosis ranks: those the survivors keep, allocated from 0 and before their bound. */
    static List<ObjectSample> ranked(LeakDiagnostics.Survivors survivors) {
        return LeakDiagnostics.rank(
                        survivors.samples(),
                        0,
                        survivors.survivedBefore(),
                        Long.MIN_VALUE,
                        SETTINGS,
                        Double.NaN,
                        null,
                        List.of())
                .samples();
    }

    @Test
    void fromEveryWriteASampleNotSeenAliveTwoCollectionsAfterItsAllocationIsNotRanked() {
        HeapHistory history = collectionsAt(1000, 2000, 3000);
        ObjectSample twoAfter = sample(500, 2500);
        ObjectSample oneAfter = sample(2500, 3500);
        ObjectSample noneAfter = sample(3500, 4000); // alive at its write, the dump's own, but young

        LeakDiagnostics.Survivors s = LeakDiagnostics.survivors(List.of(twoAfter, oneAfter, noneAfter), true, history);

        assertThat(s.samples()).containsExactly(twoAfter);
        assertThat(ranked(s)).containsExactly(twoAfter);
    }

    @Test
    void fromEveryWriteNoCollectionTimeBoundsTheSurvivorsAgainWhenTheClockSteppedBack() {
        // Two collections handled at 9.5 s and 9.8 s, then the wall clock stepped back a second: the collection seen
        // second latest (8.9 s) is not the second latest in time. The sample, allocated at 9 s and written at 9.9 s,
        // was seen alive after the collections of 9.5 s and 9.8 s.
        HeapHistory history = collectionsAt(9500, 9800, 8900, 9000);
        ObjectSample survivor = sample(9000, 9900);

        LeakDiagnostics.Survivors s = LeakDiagnostics.survivors(List.of(survivor), true, history);

        assertThat(s.samples()).containsExactly(survivor);
        assertThat(ranked(s)).containsExactly(survivor);
        assertThat(s.survivedBefore()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void fromItsOwnWriteEverySampleIsAliveAndThoseAllocatedBeforeTheSecondLatestCollectionRank() {
        HeapHistory history = collectionsAt(1000, 2000, 3000);
        ObjectSample beforeBoth = sample(1500, 4000);
        ObjectSample beforeTheLatest = sample(2500, 4000);
        ObjectSample afterBoth = sample(3500, 4000);

        LeakDiagnostics.Survivors s =
                LeakDiagnostics.survivors(List.of(beforeBoth, beforeTheLatest, afterBoth), false, history);

        assertThat(s.samples()).containsExactly(beforeBoth, beforeTheLatest, afterBoth);
        assertThat(s.survivedBefore()).isEqualTo(2000);
        assertThat(ranked(s)).containsExactly(beforeBoth);
    }

    @Test
    void fromItsOwnWriteAfterOneCollectionThoseAllocatedBeforeItRankAndBeforeAnyNone() {
        ObjectSample early = sample(500, 4000);
        ObjectSample late = sample(1500, 4000);

        LeakDiagnostics.Survivors one = LeakDiagnostics.survivors(List.of(early, late), false, collectionsAt(1000));
        LeakDiagnostics.Survivors none = LeakDiagnostics.survivors(List.of(early, late), false, collectionsAt());

        assertThat(one.survivedBefore()).isEqualTo(1000);
        assertThat(ranked(one)).containsExactly(early);
        assertThat(none.survivedBefore()).isEqualTo(Long.MIN_VALUE);
        assertThat(ranked(none)).isEmpty();
    }
}
