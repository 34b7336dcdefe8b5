package io.jtrace.recorder;

import io.jtrace.format.ThreadState;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every thread the recorder has seen and not yet seen die, keyed by the Thread object itself
 * (identity hash: no boxing on lookup). Entries are created once per thread and pruned by the
 * background writer after the thread terminates.
 */
final class ThreadRegistry {
    private final ConcurrentHashMap<Thread, ThreadRecord> records = new ConcurrentHashMap<>();
    /**
     * The records of platform threads by thread id, for the events the JDK reports by id after the
     * fact (monitor contention, Object.wait notifiers: never of virtual threads). Virtual threads
     * stay out: a hundred thousand of them a second would cost a boxed key and a map insert each.
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
     * All records; those of terminated threads are removed after this call returned them (and
     * stay findable by id for a few more calls). Called by the background writer only.
     */
    List<ThreadRecord> snapshotAndPrune() {
        List<ThreadRecord> list = new ArrayList<>(records.values());
        List<ThreadRecord> ended = new ArrayList<>();
        for (ThreadRecord r : list) {
            if (r.thread.getState() == Thread.State.TERMINATED) {
                records.remove(r.thread, r);
                byId.remove(r.threadId, r);
                if (!r.virtual) {
                    recentlyEnded.put(r.threadId, r);
                    ended.add(r);
                }
            }
        }
        endedByGeneration.addLast(ended);
        if (endedByGeneration.size() > KEEP_ENDED_GENERATIONS) {
            for (ThreadRecord r : endedByGeneration.removeFirst()) {
                recentlyEnded.remove(r.threadId, r);
            }
        }
        return list;
    }
}
