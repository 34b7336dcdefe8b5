package io.jtrace.analysis.mmu;

/**
 * Minimum mutator utilization: for a window size w, the smallest fraction of any window
 * [x, x + w) inside the trace's span during which the application ran, i.e. was not in a pause.
 *
 * <p>Computed exactly: the paused time of [x, x + w) is piecewise linear in x, changing slope only
 * where x or x + w crosses a pause's edge, so its maximum is at one of those points or at an end
 * of the span. Those candidates are 4 per pause, each evaluated in O(log pauses).
 */
public final class MinimumMutatorUtilization {
    private MinimumMutatorUtilization() {}

    /**
     * The result for one window size.
     *
     * @param windowNanos   w
     * @param utilization   the minimum fraction of a window not paused, 0..1
     * @param worstStart    the start of a window that has it
     */
    public record Window(long windowNanos, double utilization, long worstStart) {}

    /** MMU(w) over the span [from, to); needs 0 < w ≤ to - from. */
    public static Window of(PauseSet pauses, long from, long to, long w) {
        if (w <= 0 || w > to - from) {
            throw new IllegalArgumentException("window " + w + " ns does not fit the span of " + (to - from) + " ns");
        }
        long last = to - w; // the latest window start
        long worstPaused = pauses.pausedBetween(from, from + w);
        long worstStart = from;
        for (int i = 0; i < pauses.count(); i++) {
            long s = pauses.start(i);
            long e = pauses.end(i);
            long[] candidates = {s, e, s - w, e - w};
            for (long x : candidates) {
                long c = Math.max(from, Math.min(last, x));
                long p = pauses.pausedBetween(c, c + w);
                if (p > worstPaused || (p == worstPaused && c < worstStart)) {
                    worstPaused = p;
                    worstStart = c;
                }
            }
        }
        long p = pauses.pausedBetween(last, to);
        if (p > worstPaused) {
            worstPaused = p;
            worstStart = last;
        }
        return new Window(w, 1.0 - (double) worstPaused / w, worstStart);
    }
}
