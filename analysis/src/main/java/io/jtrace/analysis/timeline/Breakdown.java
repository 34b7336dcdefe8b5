package io.jtrace.analysis.timeline;

import io.jtrace.format.BlockReason;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Time by state — running, runnable (scheduler latency), blocked by reason, native — with the
 * number of times each state was entered. Continuations of an interval (cut only by a region
 * boundary) add time but not a count.
 */
public final class Breakdown {
    private long runningNanos;
    private long runnableNanos;
    private long nativeNanos;
    private long runningCount;
    private long runnableCount;
    private long nativeCount;
    private final long[] blockedNanos = new long[BlockReason.values().length];
    private final long[] blockedCount = new long[BlockReason.values().length];

    public void add(ThreadInterval iv) {
        long d = iv.duration();
        int n = iv.continued() ? 0 : 1;
        switch (iv.state()) {
            case RUNNING -> {
                runningNanos += d;
                runningCount += n;
            }
            case RUNNABLE -> {
                runnableNanos += d;
                runnableCount += n;
            }
            case NATIVE -> {
                nativeNanos += d;
                nativeCount += n;
            }
            case BLOCKED -> {
                blockedNanos[iv.reason().ordinal()] += d;
                blockedCount[iv.reason().ordinal()] += n;
            }
            default -> { }
        }
    }

    public void addAll(Breakdown o) {
        runningNanos += o.runningNanos;
        runnableNanos += o.runnableNanos;
        nativeNanos += o.nativeNanos;
        runningCount += o.runningCount;
        runnableCount += o.runnableCount;
        nativeCount += o.nativeCount;
        for (int i = 0; i < blockedNanos.length; i++) {
            blockedNanos[i] += o.blockedNanos[i];
            blockedCount[i] += o.blockedCount[i];
        }
    }

    public long runningNanos() {
        return runningNanos;
    }

    public long runnableNanos() {
        return runnableNanos;
    }

    public long nativeNanos() {
        return nativeNanos;
    }

    public long runningCount() {
        return runningCount;
    }

    public long runnableCount() {
        return runnableCount;
    }

    public long nativeCount() {
        return nativeCount;
    }

    /** Blocked time over all reasons. */
    public long blockedNanos() {
        long sum = 0;
        for (long v : blockedNanos) {
            sum += v;
        }
        return sum;
    }

    /** Blocks over all reasons. */
    public long blockedCount() {
        long sum = 0;
        for (long v : blockedCount) {
            sum += v;
        }
        return sum;
    }

    public long blockedNanos(BlockReason r) {
        return blockedNanos[r.ordinal()];
    }

    public long blockedCount(BlockReason r) {
        return blockedCount[r.ordinal()];
    }

    /** Blocked time by reason label ("lock", "sleep", …), only reasons that occurred, largest first. */
    public Map<String, Long> blockedByReason() {
        Map<String, Long> m = new LinkedHashMap<>();
        BlockReason[] rs = BlockReason.values().clone();
        java.util.Arrays.sort(rs, (a, b) -> Long.compare(blockedNanos[b.ordinal()], blockedNanos[a.ordinal()]));
        for (BlockReason r : rs) {
            if (blockedCount[r.ordinal()] > 0 || blockedNanos[r.ordinal()] > 0) {
                m.put(r.label(), blockedNanos[r.ordinal()]);
            }
        }
        return m;
    }

    /** Time in every state together. */
    public long totalNanos() {
        return runningNanos + runnableNanos + nativeNanos + blockedNanos();
    }
}
