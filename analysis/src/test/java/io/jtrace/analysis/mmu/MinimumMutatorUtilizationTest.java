package io.jtrace.analysis.mmu;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** MMU on hand-made pause lists; expected values worked out by hand in the comments. */
class MinimumMutatorUtilizationTest {
    private static List<long[]> pauses(long... bounds) {
        List<long[]> l = new ArrayList<>();
        for (int i = 0; i < bounds.length; i += 2) {
            l.add(new long[] {bounds[i], bounds[i + 1]});
        }
        return l;
    }

    private static double mmu(PauseSet p, long from, long to, long w) {
        return MinimumMutatorUtilization.of(p, from, to, w).utilization();
    }

    @Test
    void twoPausesInASpanOfHundred() {
        // span [0,100); pauses [10,20) (10) and [50,55) (5), 30 apart
        PauseSet p = PauseSet.union(pauses(10, 20, 50, 55), 0, 100);
        // w=10: [10,20) is all pause → 0
        assertThat(mmu(p, 0, 100, 10)).isEqualTo(0.0);
        // w=20: at most the 10 of the first pause (the second is 30 away) → 1 - 10/20
        assertThat(mmu(p, 0, 100, 20)).isEqualTo(0.5);
        // w=50: [5,55) holds both, 15 → 1 - 15/50
        assertThat(mmu(p, 0, 100, 50)).isCloseTo(0.7, within(1e-12));
        // w=100: the whole span, 15 → 0.85
        assertThat(mmu(p, 0, 100, 100)).isCloseTo(0.85, within(1e-12));
        // w=5: the worst window is the earliest all-pause one
        assertThat(MinimumMutatorUtilization.of(p, 0, 100, 5).worstStart()).isEqualTo(10);
        assertThat(p.total()).isEqualTo(15);
        assertThat(p.count()).isEqualTo(2);
        assertThat(p.longest()).isEqualTo(10);
    }

    @Test
    void overlappingPausesCountOnce() {
        // a collection [10,20) inside a safepoint [8,22), another safepoint [21,30): union [8,30), 22
        PauseSet p = PauseSet.union(pauses(10, 20, 8, 22, 21, 30), 0, 1000);
        assertThat(p.count()).isEqualTo(1);
        assertThat(p.total()).isEqualTo(22);
        assertThat(p.longest()).isEqualTo(22);
        assertThat(mmu(p, 0, 1000, 11)).isEqualTo(0.0);
        // w=44: the 22 of the union → 1 - 22/44
        assertThat(mmu(p, 0, 1000, 44)).isEqualTo(0.5);
    }

    @Test
    void pausesAreClippedToTheSpan() {
        // span [0,100); pauses [-5,3) → [0,3) and [95,110) → [95,100)
        PauseSet p = PauseSet.union(pauses(-5, 3, 95, 110), 0, 100);
        assertThat(p.total()).isEqualTo(8);
        // w=10: windows cannot leave the span: [90,100) holds 5 → 0.5
        assertThat(mmu(p, 0, 100, 10)).isEqualTo(0.5);
        assertThat(MinimumMutatorUtilization.of(p, 0, 100, 10).worstStart()).isEqualTo(90);
    }

    @Test
    void noPausesIsFullUtilization() {
        PauseSet p = PauseSet.union(List.of(), 0, 100);
        assertThat(mmu(p, 0, 100, 7)).isEqualTo(1.0);
    }

    @Test
    void exactPerWindowSizeEvenWhereTheCurveIsNotMonotone() {
        // pauses [0,1), [2,3), …, [10,11) in [0,12): every window of 2 holds exactly 1 → 0.5,
        // but [0,3) holds 2 of 3 → 1/3: per window size, not the smallest over larger windows
        PauseSet p = PauseSet.union(pauses(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 0, 12);
        assertThat(mmu(p, 0, 12, 1)).isEqualTo(0.0);
        assertThat(mmu(p, 0, 12, 2)).isEqualTo(0.5);
        assertThat(mmu(p, 0, 12, 3)).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(mmu(p, 0, 12, 12)).isEqualTo(0.5);
    }

    @Test
    void agreesWithBruteForceOnRandomPauses() {
        // with integer pause edges the worst window starts at an integer: trying them all is exact
        Random rnd = new Random(42);
        for (int round = 0; round < 300; round++) {
            long span = 20 + rnd.nextInt(200);
            List<long[]> list = new ArrayList<>();
            int n = rnd.nextInt(8);
            for (int i = 0; i < n; i++) {
                long s = rnd.nextInt((int) span + 10) - 5;
                list.add(new long[] {s, s + rnd.nextInt(15)});
            }
            PauseSet p = PauseSet.union(list, 0, span);
            boolean[] paused = new boolean[(int) span];
            for (long[] q : list) {
                for (long t = Math.max(0, q[0]); t < Math.min(span, q[1]); t++) {
                    paused[(int) t] = true;
                }
            }
            for (long w = 1; w <= span; w += 1 + rnd.nextInt(7)) {
                long worst = 0;
                for (int x = 0; x + w <= span; x++) {
                    long c = 0;
                    for (int t = x; t < x + w; t++) {
                        c += paused[t] ? 1 : 0;
                    }
                    worst = Math.max(worst, c);
                }
                assertThat(mmu(p, 0, span, w)).as("round %d, window %d", round, w).isEqualTo(1.0 - (double) worst / w);
            }
        }
    }

    @Test
    void aWindowLongerThanTheSpanIsRefused() {
        PauseSet p = PauseSet.union(List.of(), 0, 100);
        assertThatThrownBy(() -> MinimumMutatorUtilization.of(p, 0, 100, 101)).isInstanceOf(IllegalArgumentException.class);
    }
}
