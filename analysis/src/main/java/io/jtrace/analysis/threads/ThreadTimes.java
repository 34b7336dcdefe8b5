package io.jtrace.analysis.threads;

import io.jtrace.analysis.timeline.Breakdown;
import io.jtrace.analysis.timeline.ThreadInterval;
import io.jtrace.analysis.timeline.TimelineListener;
import io.jtrace.analysis.timeline.Waker;
import io.jtrace.format.ThreadState;
import io.jtrace.format.WakerKind;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per thread: time by state with counts, and who ended its blocks. Memory: one entry per thread.
 */
public final class ThreadTimes implements TimelineListener {
    /** One thread's totals. */
    public static final class Times {
        private final Breakdown breakdown = new Breakdown();
        private final Map<String, Long> wokenBy = new LinkedHashMap<>();

        public Breakdown breakdown() {
            return breakdown;
        }

        /**
         * How many of its blocks each waker ended: a thread id in decimal, "timer" or "unknown"
         * (a block cut off by the end of the trace is not counted).
         */
        public Map<String, Long> wokenBy() {
            return wokenBy;
        }
    }

    private final Map<Long, Times> byThread = new HashMap<>();

    @Override
    public void interval(ThreadInterval iv) {
        Times t = byThread.computeIfAbsent(iv.thread(), k -> new Times());
        t.breakdown.add(iv);
        Waker w = iv.waker();
        if (iv.state() == ThreadState.BLOCKED && w != null && !iv.continued()) {
            String key = w.wakerThread() != 0 ? Long.toString(w.wakerThread())
                    : w.kind() == WakerKind.TIMER ? "timer" : "unknown";
            t.wokenBy.merge(key, 1L, Long::sum);
        }
    }

    /** By thread id; threads with no interval are absent. */
    public Map<Long, Times> byThread() {
        return byThread;
    }
}
