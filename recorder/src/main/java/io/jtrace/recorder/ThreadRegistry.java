package io.jtrace.recorder;

import io.jtrace.format.ThreadState;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every thread the recorder has seen and not yet seen die, keyed by the Thread object itself
 * (identity hash: no boxing on lookup). A record is created once per thread. A virtual thread's
 * is removed when it ends ({@link #ended}), and lets go of the Thread then, so that a hundred
 * thousand short-lived virtual threads a second cost no table scan and no garbage kept alive
 * until the generation's end; platform threads' are pruned by the background writer.
 */
final class ThreadRegistry {
    /** How often (in generations) records of virtual threads whose end no hook saw are swept. */
    private static final int SWEEP_GENERATIONS = 8;

    private final ConcurrentHashMap<Thread, ThreadRecord> records = new ConcurrentHashMap<>();
    /**
     * The records of platform threads by thread id, for the events the JDK reports by id after the
     * fact (monitor contention, Object.wait notifiers: never of virtual threads), and for the
     * statuses written at each generation's start. Virtual threads stay out: a hundred thousand
     * of them a second would cost a boxed key and a map insert each.
     */
    private final ConcurrentHashMap<Long, ThreadRecord> byId = new ConcurrentHashMap<>();
    /**
     * Records of terminated platform threads, kept some generations for the monitor waits the
     * JDK reports after the fact (its event stream can lag by seconds). Virtual threads get no
     * such reports, so they are not kept.
     */
    private final ConcurrentHashMap<Long, ThreadRecord> recentlyEnded = new ConcurrentHashMap<>();
    private final java.util.ArrayDeque<java.util.List<ThreadRecord>> endedByGeneration = new java.util.ArrayDeque<>();
    private static final int KEEP_ENDED_GENERATIONS = 10;
    private int prunes;

    /** The record of {@code t}, created with {@code initial} state on first sight. */
    ThreadRecord get(Thread t, ThreadState initial) {
        ThreadRecord r = records.get(t);
        if (r != null) {
            return r;
        }
        ThreadRecord ended = recentlyEnded.get(t.threadId());
        if (ended != null && ended.thread == t) {
            return ended; // a late event of a thread that has terminated since
        }
        CarrierPin.pin(); // the maps lock a bin to insert
        try {
            return records.computeIfAbsent(t, k -> {
                ThreadRecord created = new ThreadRecord(k, initial);
                if (!created.virtual) {
                    byId.put(created.threadId, created); // the JDK reports late facts of platform threads only
                }
                return created;
            });
        } finally {
            CarrierPin.unpin();
        }
    }

    /** The record of the platform thread with this id, or null if the recorder has not seen it. */
    ThreadRecord findById(long threadId) {
        ThreadRecord r = byId.get(threadId);
        return r != null ? r : recentlyEnded.get(threadId);
    }

    /** The record of {@code t}, or null if the recorder has not seen it. */
    ThreadRecord find(Thread t) {
        return records.get(t);
    }

    /**
     * Virtual thread {@code r} has written its last event: its record leaves the registry and
     * lets go of the Thread (a generation's thread table still finds it in the list of threads
     * that appeared in the generation, {@link GenerationTables#appeared}).
     */
    void ended(ThreadRecord r) {
        Thread t = r.thread;
        if (t == null || !r.virtual) {
            return; // platform threads' records are pruned by the writer (late events may still name them)
        }
        CarrierPin.pin();
        try {
            records.remove(t, r);
        } finally {
            CarrierPin.unpin();
        }
        r.letGo();
    }

    /** The records of live platform threads (for their statuses at a generation's start). */
    Iterable<ThreadRecord> platformThreads() {
        return byId.values();
    }

    /**
     * Removes the records of terminated platform threads (they stay findable by id for a few more
     * calls) and, every few generations, of virtual threads whose end no hook saw (the
     * {@code vthreads} event family off). Called by the background writer only, once per generation.
     */
    void prune() {
        List<ThreadRecord> ended = new ArrayList<>();
        for (ThreadRecord r : byId.values()) {
            Thread t = r.thread;
            if (t != null && t.getState() == Thread.State.TERMINATED) {
                records.remove(t, r);
                byId.remove(r.threadId, r);
                recentlyEnded.put(r.threadId, r);
                ended.add(r);
            }
        }
        endedByGeneration.addLast(ended);
        if (endedByGeneration.size() > KEEP_ENDED_GENERATIONS) {
            for (ThreadRecord r : endedByGeneration.removeFirst()) {
                recentlyEnded.remove(r.threadId, r);
            }
        }
        if (++prunes % SWEEP_GENERATIONS == 0) {
            for (ThreadRecord r : records.values()) {
                Thread t = r.thread;
                if (r.virtual && t != null && t.getState() == Thread.State.TERMINATED) {
                    records.remove(t, r);
                }
            }
        }
    }

    /** How many threads the registry holds (tests). */
    int size() {
        return records.size();
    }
}
