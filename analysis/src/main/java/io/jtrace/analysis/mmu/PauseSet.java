package io.jtrace.analysis.mmu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The union of stop-the-world intervals [start, end): overlapping pauses (a collection inside its
 * safepoint) count once. Holds sorted, disjoint intervals and their prefix sums, so the paused
 * time inside any window is two binary searches.
 */
public final class PauseSet {
    private final long[] starts;
    private final long[] ends;
    /** before[i]: paused time of intervals 0..i-1. */
    private final long[] before;

    private PauseSet(long[] starts, long[] ends) {
        this.starts = starts;
        this.ends = ends;
        this.before = new long[starts.length + 1];
        for (int i = 0; i < starts.length; i++) {
            before[i + 1] = before[i] + (ends[i] - starts[i]);
        }
    }

    /** The union of {@code intervals} (each {start, end}, end ≥ start), clipped to [from, to). */
    public static PauseSet union(List<long[]> intervals, long from, long to) {
        List<long[]> clipped = new ArrayList<>();
        for (long[] p : intervals) {
            long s = Math.max(from, p[0]);
            long e = Math.min(to, p[1]);
            if (e > s) {
                clipped.add(new long[] {s, e});
            }
        }
        clipped.sort((a, b) -> Long.compare(a[0], b[0]));
        long[] s = new long[clipped.size()];
        long[] e = new long[clipped.size()];
        int n = 0;
        for (long[] p : clipped) {
            if (n > 0 && p[0] <= e[n - 1]) {
                e[n - 1] = Math.max(e[n - 1], p[1]);
            } else {
                s[n] = p[0];
                e[n] = p[1];
                n++;
            }
        }
        return new PauseSet(Arrays.copyOf(s, n), Arrays.copyOf(e, n));
    }

    /** Disjoint paused intervals. */
    public int count() {
        return starts.length;
    }

    public long start(int i) {
        return starts[i];
    }

    public long end(int i) {
        return ends[i];
    }

    /** All paused time. */
    public long total() {
        return before[starts.length];
    }

    /** The longest disjoint paused interval; 0 when there is none. */
    public long longest() {
        long m = 0;
        for (int i = 0; i < starts.length; i++) {
            m = Math.max(m, ends[i] - starts[i]);
        }
        return m;
    }

    /** Paused time inside [a, b). */
    public long pausedBetween(long a, long b) {
        return pausedBefore(b) - pausedBefore(a);
    }

    /** Paused time before {@code t}. */
    private long pausedBefore(long t) {
        // the intervals that start before t: all of them before the last one count whole
        int i = Arrays.binarySearch(starts, t);
        int k = i >= 0 ? i : -i - 1; // intervals 0..k-1 start before t (or at t when found: counts 0)
        if (k == 0) {
            return 0;
        }
        return before[k - 1] + Math.min(t, ends[k - 1]) - starts[k - 1];
    }
}
