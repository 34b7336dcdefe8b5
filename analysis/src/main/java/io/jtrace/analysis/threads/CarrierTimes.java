package io.jtrace.analysis.threads;

import io.jtrace.analysis.timeline.TimelineListener;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per carrier thread: how long it ran virtual threads (mounted time, mounts) and which ones —
 * Go's per-proc view. Its own blocks, idle waits and own running time come from its
 * {@link ThreadTimes} breakdown. Memory: per carrier, at most {@link #KEPT_PER_CARRIER} virtual
 * threads by id; the time of the rest is summed.
 */
public final class CarrierTimes implements TimelineListener {
    /** Virtual threads kept by id per carrier; beyond, their time goes to {@link Carrier#otherNanos()}. */
    public static final int KEPT_PER_CARRIER = 4096;

    /** One carrier's totals. */
    public static final class Carrier {
        private long mountedNanos;
        private long mounts;
        private long otherNanos;
        private final Map<Long, Long> byVirtualThread = new HashMap<>();

        /** Time with a virtual thread mounted. */
        public long mountedNanos() {
            return mountedNanos;
        }

        public long mounts() {
            return mounts;
        }

        /** Virtual threads it ran that are not kept by id (more than {@link #KEPT_PER_CARRIER}). */
        public long otherNanos() {
            return otherNanos;
        }

        /** Distinct virtual threads kept by id. */
        public int virtualThreads() {
            return byVirtualThread.size();
        }

        /** The {@code n} virtual threads it ran longest: {id, nanos}, longest first. */
        public List<long[]> top(int n) {
            List<long[]> all = new ArrayList<>(byVirtualThread.size());
            byVirtualThread.forEach((id, nanos) -> all.add(new long[] {id, nanos}));
            all.sort((a, b) -> a[1] != b[1] ? Long.compare(b[1], a[1]) : Long.compare(a[0], b[0]));
            return all.subList(0, Math.min(n, all.size()));
        }
    }

    private final Map<Long, Carrier> byCarrier = new HashMap<>();

    @Override
    public void mounted(long carrier, long vthread, long start, long end) {
        Carrier c = byCarrier.computeIfAbsent(carrier, k -> new Carrier());
        long d = end - start;
        c.mountedNanos += d;
        c.mounts++;
        Long kept = c.byVirtualThread.get(vthread);
        if (kept != null || c.byVirtualThread.size() < KEPT_PER_CARRIER) {
            c.byVirtualThread.put(vthread, (kept == null ? 0 : kept) + d);
        } else {
            c.otherNanos += d;
        }
    }

    /** By carrier thread id: the threads that mounted a virtual thread. */
    public Map<Long, Carrier> byCarrier() {
        return byCarrier;
    }
}
