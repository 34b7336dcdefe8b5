package io.jtrace.recorder;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The records of live threads, found from the {@code Thread} by its id: slot {@code id mod SIZE}
 * heads a chain linked through {@link ThreadRecord#slotNext}. Thread ids are handed out in
 * sequence, so the threads alive at one time fill the slots evenly and a chain is mostly one
 * record long: a lookup is one array read and one record read, with no hashing, and an insert is
 * one CAS, with no map node, boxed key or lambda (a {@code ConcurrentHashMap} of a hundred thousand
 * live virtual threads cost both: ~4 % of a virtual-thread server's CPU, docs/performance.md).
 *
 * <p>Any thread may look up and add; only one thread, the background writer, unlinks ({@link
 * #sweep}) a record in a chain, so such an unlink never races another, and an add that races it
 * retries on the slot's CAS. A record leaves in two steps: its owner marks it gone (a virtual thread's record
 * lets go of the Thread at its end, so lookups stop matching it at once), and the next sweep
 * unlinks it (or the ended thread itself, if its record heads its slot: {@link #unlinkIfHead}).
 * Records are never reused, so a CAS on a slot has no ABA.
 */
final class ThreadTable {
    /** Slots: 2^17, 512 KB of references; more live threads than that make chains longer, not wrong. */
    static final int SIZE = 1 << 17;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(ThreadRecord[].class);

    private final ThreadRecord[] slots = new ThreadRecord[SIZE];

    private static int index(long threadId) {
        return (int) threadId & (SIZE - 1);
    }

    private ThreadRecord head(int i) {
        return (ThreadRecord) SLOT.getAcquire(slots, i);
    }

    /** The record of {@code t}, or null. */
    ThreadRecord find(Thread t) {
        for (ThreadRecord r = head(index(t.threadId())); r != null; r = r.slotNext) {
            if (r.thread == t) {
                return r;
            }
        }
        return null;
    }

    /**
     * Adds {@code created} (a new record of a live thread) unless its thread has one already;
     * returns the one in the table. Two threads adding for the same thread at once: one CAS
     * wins, the other sees the slot changed, looks again and returns the winner's.
     */
    ThreadRecord add(ThreadRecord created) {
        Thread t = created.thread;
        int i = index(created.threadId);
        while (true) {
            ThreadRecord head = head(i);
            for (ThreadRecord r = head; r != null; r = r.slotNext) {
                if (r.thread == t) {
                    return r;
                }
            }
            ThreadRecord.SLOT_NEXT.set(created, head); // plain: the CAS below publishes the record
            if (SLOT.compareAndSet(slots, i, head, created)) {
                return created;
            }
        }
    }

    /**
     * Unlinks {@code gone} (a record whose thread has ended and let go) if it heads its slot, as
     * it mostly does: thread ids come in sequence, so a slot's chain is mostly one record. Called
     * by the ended thread's last hook, so that its record does not stay reachable until the next
     * {@link #sweep}; if another record came in front meanwhile, or the sweep unlinked it first,
     * the CAS fails and the sweep does it (an unlink only ever skips records already gone, so
     * this and the sweep's can interleave in any order).
     */
    void unlinkIfHead(ThreadRecord gone) {
        int i = index(gone.threadId);
        if (head(i) == gone) {
            SLOT.compareAndSet(slots, i, gone, gone.slotNext);
        }
    }

    /** Something that decides, for the sweep, whether a record is to leave. */
    interface Gone {
        boolean test(ThreadRecord r);
    }

    /**
     * Unlinks every record {@code gone} says is gone, and those of ended virtual threads (no
     * Thread any more). The background writer's only: see the class comment.
     */
    void sweep(Gone gone) {
        for (int i = 0; i < SIZE; i++) {
            ThreadRecord h = head(i);
            while (h != null && (h.thread == null || gone.test(h))) {
                if (SLOT.compareAndSet(slots, i, h, h.slotNext)) {
                    h = h.slotNext;
                } else {
                    h = head(i); // an add put a new head in front: the old one is unlinked below
                }
            }
            for (ThreadRecord live = h; live != null; ) {
                ThreadRecord next = live.slotNext;
                while (next != null && (next.thread == null || gone.test(next))) {
                    next = next.slotNext;
                }
                if (next != live.slotNext) {
                    live.slotNext = next; // only adds write a record's link, and only a new record's
                }
                live = next;
            }
        }
    }

    /** Calls {@code each} for every record whose thread is still held (the writer, at a sweep). */
    void forEachLive(java.util.function.Consumer<ThreadRecord> each) {
        for (int i = 0; i < SIZE; i++) {
            for (ThreadRecord r = head(i); r != null; r = r.slotNext) {
                if (r.thread != null) {
                    each.accept(r);
                }
            }
        }
    }
}
