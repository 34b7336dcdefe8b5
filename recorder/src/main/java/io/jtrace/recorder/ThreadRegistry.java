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

    /** The record of {@code t}, created with {@code initial} state on first sight. */
    ThreadRecord get(Thread t, ThreadState initial) {
        ThreadRecord r = records.get(t);
        if (r != null) {
            return r;
        }
        return records.computeIfAbsent(t, k -> new ThreadRecord(k, initial));
    }

    /** The record of {@code t}, or null if the recorder has not seen it. */
    ThreadRecord find(Thread t) {
        return records.get(t);
    }

    /** All records; those of terminated threads are removed after this call returned them. */
    List<ThreadRecord> snapshotAndPrune() {
        List<ThreadRecord> list = new ArrayList<>(records.values());
        for (ThreadRecord r : list) {
            if (r.thread.getState() == Thread.State.TERMINATED) {
                records.remove(r.thread, r);
            }
        }
        return list;
    }
}
