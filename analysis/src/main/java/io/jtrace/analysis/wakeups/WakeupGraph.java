package io.jtrace.analysis.wakeups;

import io.jtrace.analysis.timeline.Timeline;
import io.jtrace.analysis.timeline.TimelineSummary;
import io.jtrace.format.ReadProgress;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code jtrace wakeups} prints: which groups of threads wake which, how often, how long the
 * woken threads then waited to run, and the wakers' stacks.
 *
 * @param edges        edges, most wake-ups first
 * @param wakeups      all wake-ups counted
 * @param unmatchedLateNotifies late notifier reports with no Object.wait wake-up to attribute them to
 * @param truncated    the trace ended without its end record
 */
public record WakeupGraph(List<WakeEdge> edges, long wakeups, long unmatchedLateNotifies, boolean truncated) {

    /**
     * Reads {@code file} in one streaming pass: the {@link Timeline}'s, which every analysis shares.
     *
     * @param byThread  keep threads apart instead of grouping them ({@link io.jtrace.analysis.ThreadGroups})
     * @param frames    innermost frames that make a waker stack
     * @param topStacks stacks kept per edge
     * @param progress  told how far the read has got
     */
    public static WakeupGraph of(Path file, boolean byThread, int frames, int topStacks, ReadProgress progress)
            throws IOException {
        return of(file, byThread, frames, topStacks, progress, false);
    }

    /** As {@link #of(Path, boolean, int, int, ReadProgress)}; {@code tracerThreads}: with the tracer's own threads' wake-ups. */
    public static WakeupGraph of(Path file, boolean byThread, int frames, int topStacks, ReadProgress progress,
                                 boolean tracerThreads) throws IOException {
        WakeupAnalysis a = new WakeupAnalysis(byThread, frames);
        TimelineSummary s = Timeline.read(file, progress, tracerThreads, a);
        return a.finish(topStacks, s.truncated(), s.unmatchedNotifies());
    }
}
