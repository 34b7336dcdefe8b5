package io.jtrace.recorder;

import io.jtrace.format.ThreadState;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every thread the recorder has seen and not yet seen die: found from the Thread through a
 * {@link ThreadTable} (by thread id, no hashing, no allocation but the record). A record is
 * created once per thread. A virtual thread's lets go of the Thread at its end ({@link #ended}),
 * so that a hundred thousand short-lived virtual threads a second cost no table scan and no
 * garbage kept alive until the generation's end; it leaves the table at once if it heads its slot
 * (else at the background writer's next {@link #prune}, which prunes platform threads' records too).
 */
final class ThreadRegistry {
    /** How often (in generations) records of virtual threads whose end no hook saw are swept. */
    private static final int SWEEP_GENERATIONS = 8;
    private static final ThreadTable.Gone RETIRED = r -> r.retired;
    private static final ThreadTable.Gone RETIRED_OR_TERMINATED =
            r -> r.retired || (r.virtual && terminated(r.thread));

    private final ThreadTable live = new ThreadTable();
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
        ThreadRecord r = live.find(t);
        if (r != null) {
            return r;
        }
        if (!t.isVirtual()) {
            ThreadRecord ended = recentlyEnded.get(t.threadId());
            if (ended != null && ended.thread == t) {
                return ended; // a late event of a thread that has terminated since
            }
        }
        ThreadRecord created = new ThreadRecord(t, initial);
        ThreadRecord in = live.add(created);
        if (in == created && !created.virtual) {
            CarrierPin.pin(); // the map locks a bin to insert
            try {
                byId.put(created.threadId, created); // the JDK reports late facts of platform threads only
            } finally {
                CarrierPin.unpin();
            }
        }
        return in;
    }

    /** The record of the platform thread with this id, or null if the recorder has not seen it. */
    ThreadRecord findById(long threadId) {
        ThreadRecord r = byId.get(threadId);
        return r != null ? r : recentlyEnded.get(threadId);
    }

    /** The record of {@code t}, or null if the recorder has not seen it. */
    ThreadRecord find(Thread t) {
        return live.find(t);
    }

    /**
     * Virtual thread {@code r} has written its last event: its record lets go of the Thread, so
     * lookups no longer find it and the next prune unlinks it (a generation's thread table still
     * finds it in the list of threads that appeared in the generation, {@link GenerationTables#appeared}).
     */
    void ended(ThreadRecord r) {
        if (r.virtual) {
            r.letGo(); // platform threads' records are pruned by the writer (late events may still name them)
            live.unlinkIfHead(r);
        }
    }

    /** The records of live platform threads (for their statuses at a generation's start). */
    Iterable<ThreadRecord> platformThreads() {
        return byId.values();
    }

    /**
     * Retires the records of terminated platform threads (they stay findable by id for a few more
     * calls), unlinks them and those of ended virtual threads and, every few generations, of
     * virtual threads whose end no hook saw (the {@code vthreads} event family off). Called by the
     * background writer only, once per generation.
     */
    void prune() {
        List<ThreadRecord> ended = new ArrayList<>();
        for (ThreadRecord r : byId.values()) {
            if (terminated(r.thread)) {
                r.retired = true;
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
        live.sweep(++prunes % SWEEP_GENERATIONS == 0 ? RETIRED_OR_TERMINATED : RETIRED);
    }

    private static boolean terminated(Thread t) {
        return t != null && t.getState() == Thread.State.TERMINATED;
    }

    /** How many threads the registry holds (tests). */
    int size() {
        int[] n = new int[1];
        live.forEachLive(r -> {
            if (!r.retired) {
                n[0]++;
            }
        });
        return n[0];
    }
}
