package io.jtrace.analysis.mmu;

import io.jtrace.format.Event;
import io.jtrace.format.Generation;
import io.jtrace.format.ReadProgress;
import io.jtrace.format.TraceReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code jtrace mmu} prints: the trace's stop-the-world pauses and its minimum mutator
 * utilization for several window sizes. One streaming pass; memory holds the pauses only.
 *
 * @param spanStart     the first generation's start (ns since the trace started)
 * @param spanEnd       the last generation's end
 * @param gcPauses      collections (GC_BEGIN/GC_END pairs) counted
 * @param safepoints    safepoints (SAFEPOINT_BEGIN/SAFEPOINT_END pairs) counted
 * @param pauseCount    disjoint paused intervals after the union of the pauses used
 * @param pausedNanos   their total
 * @param longestPauseNanos the longest of them
 * @param windows       MMU for each window size that fits the span, in the order asked
 * @param truncated     the trace ended without its end record
 */
public record MmuReport(long spanStart, long spanEnd, long gcPauses, long safepoints, long pauseCount,
                        long pausedNanos, long longestPauseNanos, List<MinimumMutatorUtilization.Window> windows,
                        boolean truncated) {

    /** Which pauses count as time the application could not run. */
    public enum Pauses {
        /** Collections and safepoints, their union (a collection's pause lies inside a safepoint). */
        ALL,
        /** Collections only (for concurrent collectors a collection also spans concurrent work). */
        GC,
        /** Safepoints only: every stop of the world, whatever the JVM stopped it for. */
        SAFEPOINTS
    }

    /** Default window sizes: 1 ms to 10 s by powers of ten (those that fit the span are used). */
    public static final List<Long> DEFAULT_WINDOWS = List.of(1_000_000L, 10_000_000L, 100_000_000L,
            1_000_000_000L, 10_000_000_000L);

    public long spanNanos() {
        return spanEnd - spanStart;
    }

    /**
     * Reads {@code file}. {@code windows} null means {@link #DEFAULT_WINDOWS} that fit the span;
     * given windows that do not fit are refused. {@code progress} is told how far the read has got.
     */
    public static MmuReport of(Path file, List<Long> windows, Pauses which, ReadProgress progress) throws IOException {
        List<long[]> intervals = new ArrayList<>();
        Map<Long, Long> gcStarts = new HashMap<>();
        long safepointStart = -1;
        long gcs = 0;
        long safepoints = 0;
        long first = -1;
        long last = 0;
        boolean truncated;
        try (TraceReader reader = TraceReader.open(file, progress)) {
            Generation g;
            while ((g = reader.next()) != null) {
                if (first < 0) {
                    first = g.startTime();
                }
                last = g.endTime();
                for (Event e : g.events()) {
                    switch (e.type()) {
                        case GC_BEGIN -> gcStarts.put(e.arg("gcId"), e.time());
                        case GC_END -> {
                            Long s = gcStarts.remove(e.arg("gcId"));
                            if (s != null && e.time() >= s) {
                                gcs++;
                                if (which != Pauses.SAFEPOINTS) {
                                    intervals.add(new long[] {s, e.time()});
                                }
                            }
                        }
                        // safepoints never overlap one another: an end closes the open one
                        case SAFEPOINT_BEGIN -> safepointStart = e.time();
                        case SAFEPOINT_END -> {
                            if (safepointStart >= 0 && e.time() >= safepointStart) {
                                safepoints++;
                                if (which != Pauses.GC) {
                                    intervals.add(new long[] {safepointStart, e.time()});
                                }
                            }
                            safepointStart = -1;
                        }
                        default -> { }
                    }
                }
            }
            truncated = reader.truncated();
        }
        if (first < 0) {
            first = 0;
        }
        PauseSet pauses = PauseSet.union(intervals, first, last);
        long span = last - first;
        List<MinimumMutatorUtilization.Window> results = new ArrayList<>();
        if (windows == null) {
            for (long w : DEFAULT_WINDOWS) {
                if (w <= span) {
                    results.add(MinimumMutatorUtilization.of(pauses, first, last, w));
                }
            }
        } else {
            for (long w : windows) {
                if (w <= 0 || w > span) {
                    throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                            "a window of %.3f ms does not fit the trace's span of %.3f ms", w / 1e6, span / 1e6));
                }
                results.add(MinimumMutatorUtilization.of(pauses, first, last, w));
            }
        }
        return new MmuReport(first, last, gcs, safepoints, pauses.count(), pauses.total(), pauses.longest(),
                List.copyOf(results), truncated);
    }
}
