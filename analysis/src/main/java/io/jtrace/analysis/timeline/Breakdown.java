package io.jtrace.analysis.timeline;

import io.jtrace.format.BlockReason;

import java.util.HashMap;
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
    /** Native time by call ("socket accept", "file read", …): {nanos, count}; null until the first one. */
    private Map<String, long[]> nativeByKind;

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
                addNative(iv.what().isEmpty() ? OTHER_NATIVE : iv.what(), d, n);
            }
            case BLOCKED -> {
                blockedNanos[iv.reason().ordinal()] += d;
                blockedCount[iv.reason().ordinal()] += n;
            }
            default -> { }
        }
    }

    /** The kind of a native interval whose call the recorder did not name. */
    public static final String OTHER_NATIVE = "other";

    private void addNative(String kind, long nanos, long count) {
        if (nativeByKind == null) {
            nativeByKind = new HashMap<>();
        }
        long[] v = nativeByKind.computeIfAbsent(kind, k -> new long[2]);
        v[0] += nanos;
        v[1] += count;
    }

    public void addAll(Breakdown o) {
        if (o.nativeByKind != null) {
            o.nativeByKind.forEach((k, v) -> addNative(k, v[0], v[1]));
        }
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

    /** Native time by call ("socket accept", "file read", {@value #OTHER_NATIVE}), largest first. */
    public Map<String, Long> nativeByKind() {
        Map<String, Long> m = new LinkedHashMap<>();
        if (nativeByKind != null) {
            nativeByKind.entrySet().stream()
                    .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
                    .forEach(e -> m.put(e.getKey(), e.getValue()[0]));
        }
        return m;
    }

    /** How many native calls of {@code kind} began. */
    public long nativeCount(String kind) {
        long[] v = nativeByKind == null ? null : nativeByKind.get(kind);
        return v == null ? 0 : v[1];
    }

    /** Time in every state together. */
    public long totalNanos() {
        return runningNanos + runnableNanos + nativeNanos + blockedNanos();
    }
}
