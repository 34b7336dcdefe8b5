package io.jtrace.recorder;

import io.jtrace.format.ThreadState;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What the recorder knows of one thread: its last recorded state (for the STATUS event at its
 * first appearance in each generation) and the generation whose status was already written.
 */
final class ThreadRecord {
    private static final VarHandle STATUS_GEN;
    private static final VarHandle STATE;
    private static final VarHandle THREAD;
    /** {@link #slotNext}, for the plain store of a record not yet published ({@link ThreadTable#add}). */
    static final VarHandle SLOT_NEXT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATUS_GEN = lookup.findVarHandle(ThreadRecord.class, "statusGen", long.class);
            STATE = lookup.findVarHandle(ThreadRecord.class, "stateWord", int.class);
            THREAD = lookup.findVarHandle(ThreadRecord.class, "thread", Thread.class);
            SLOT_NEXT = lookup.findVarHandle(ThreadRecord.class, "slotNext", ThreadRecord.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The thread; null once a virtual thread ended and the registry let go of it ({@link #letGo}). */
    volatile Thread thread;
    final long threadId;
    final boolean virtual;
    /**
     * The thread's state: its {@link ThreadState} code in the low {@link #CODE_BITS} bits, and
     * above them a count of the changes. A waker reads the word, then the clock, then moves the
     * thread on only if the word is still the one it read ({@link #wake}): so its UNBLOCK is
     * never timed before the BLOCK it ends. With the state alone, a waker that read the clock,
     * lost the CPU, and found the thread blocked again (woken by a timeout or another waker
     * meanwhile, run, blocked anew) ended the new block with a time before it began.
     */
    private volatile int stateWord;
    volatile int reason;
    /** The thread whose unpark found this one not blocked: the waker when it next parks. */
    volatile long permitFrom;
    /**
     * A THREAD_CREATE was written: the thread's first event is preceded by its THREAD_START. Set
     * by the creator before Thread.start (which orders it before the new thread's reads).
     */
    boolean startPending;
    /**
     * A platform thread seen through Thread.start, which the JVM runs from its own entry (not one
     * attached from native code): its outermost Java frame stays for its life, so the {@code fp}
     * tier's walks stop there ({@link FpHelper#STARTED}). Set by the creator like {@link #startPending}.
     */
    boolean startedByJvm;
    /** Set while the thread is inside a call that names its blocks (a queue's take): owner thread only. */
    io.jtrace.format.BlockReason contextReason;
    int contextDepth;
    /** A thread of the tracer's own: its events are not recorded. */
    volatile boolean excluded;
    /** Nesting of native calls (a public read calling another): owner thread only. */
    int nativeDepth;
    /** Set while the thread wakes threads because their I/O is ready (the JDK's poller): owner thread only. */
    boolean wakesForIo;
    /**
     * Held from an unpark's entry to its exit: the writer whose last event is this thread's
     * UNBLOCK of the unparked thread, all but its stack, which is taken after the unpark so that
     * no woken thread waits for its waker's stack walk. Owner thread only.
     */
    Writer pendingUnblock;
    /**
     * The {@code fp} tier's key of the frames of this virtual thread's last stack capture
     * ({@link Backtraces#contentKey}; 0: none yet). Owner thread only.
     */
    long lastStackKey;
    /**
     * The key of the stack this virtual thread's blocking-call hook captured for its BLOCK, from
     * that capture until the thread unmounts or the call returns; else 0. A waker that makes it
     * runnable before the unmount changes nothing: it still freezes with those frames (on a busy
     * server the network often wakes a selector before its carrier has unmounted it). Written by
     * the thread, read and cleared by its carrier at the unmount.
     */
    long blockStackKey;
    /**
     * A BLOCK of this virtual thread was written while it was mounted, and it has not run again
     * since: that BLOCK is also its unmount (format version 4), so the carrier's unmount hook
     * writes no UNMOUNT for it. Written by the thread or its carrier, ordered by the unmount.
     */
    boolean blockUnmounts;
    /**
     * The key of the stack this virtual thread froze with at its last unmount, when its
     * blocking-call hook captured that stack just before ({@link #blockStackKey},
     * {@link FrozenFrames}); else 0. Set by the carrier at
     * unmount, read by the thread after its next mount (ordered by the mount itself).
     */
    long frozenKey;
    /**
     * The links of the lists of threads that appeared in a generation ({@link GenerationTables#appeared}),
     * one per generation parity: a thread is in the current generation's list and the one being
     * written out at the same time.
     */
    ThreadRecord appearedNext0;
    ThreadRecord appearedNext1;
    /** The next record in its {@link ThreadTable} slot's chain. */
    volatile ThreadRecord slotNext;
    /** A terminated platform thread's record, leaving the table at this prune (the writer's only). */
    boolean retired;
    /** The name and daemon flag of an ended virtual thread, kept when the record let go of it. */
    private String endedName;
    private boolean endedDaemon;
    @SuppressWarnings("unused") // accessed through STATUS_GEN
    private volatile long statusGen;

    /**
     * A record nobody else sees until {@link ThreadTable#add} publishes it with a CAS, which
     * orders these stores before it: so they are plain stores, not volatile ones (each of which
     * is a full fence on x86, and a record is made per virtual thread, on a server one per
     * request: {@code ThreadRegistry.get} under Thread.start was the largest leaf of the
     * tracer's samples on the jetty workload, docs/performance.md).
     */
    ThreadRecord(Thread thread, ThreadState initial) {
        THREAD.set(this, thread);
        this.threadId = thread.threadId();
        this.virtual = thread.isVirtual();
        STATE.set(this, initial.code);
        STATUS_GEN.set(this, -1L);
    }

    private static final int CODE_BITS = 4;
    private static final int CODE_MASK = (1 << CODE_BITS) - 1;

    /** The thread's last recorded state, a {@link ThreadState} code. */
    int state() {
        return stateWord & CODE_MASK;
    }

    /** The state and its change count, for {@link #wake}. */
    int stateWord() {
        return stateWord;
    }

    /** The {@link ThreadState} code of a {@link #stateWord()}. */
    static int code(int word) {
        return word & CODE_MASK;
    }

    private static int next(int word, ThreadState s) {
        return ((word >>> CODE_BITS) + 1) << CODE_BITS | s.code; // the count wraps: only equality matters
    }

    /**
     * True exactly once per generation: for whoever must write this thread's STATUS in {@code gen}.
     * Read {@link #state} before calling, so that the status is the state before any event of
     * {@code gen} changed it.
     */
    boolean claimStatus(long gen) {
        long g = (long) STATUS_GEN.getVolatile(this);
        return g < gen && STATUS_GEN.compareAndSet(this, g, gen);
    }

    /**
     * Makes the thread runnable if its state is still {@code seen} (a word read from
     * {@link #stateWord()} before the caller read the clock); true if it did.
     */
    boolean wake(int seen) {
        return STATE.compareAndSet(this, seen, next(seen, ThreadState.RUNNABLE));
    }

    /** The thread's name (as it ended, for an ended virtual thread). */
    String name() {
        Thread t = thread;
        return t != null ? t.getName() : endedName;
    }

    boolean daemon() {
        Thread t = thread;
        return t != null ? t.isDaemon() : endedDaemon;
    }

    boolean terminated() {
        Thread t = thread;
        return t == null || t.getState() == Thread.State.TERMINATED;
    }

    /** Keeps what the thread table needs of the thread and drops the reference (the registry, at its end). */
    void letGo() {
        Thread t = thread;
        if (t != null) {
            endedName = t.getName();
            endedDaemon = t.isDaemon();
            thread = null; // volatile: orders the two fields before it for readers of thread
        }
    }

    /**
     * Sets the state (the thread itself, or the one that writes its event). A CAS, not a store:
     * a waker may move the thread from blocked at the same moment, and each change must count.
     */
    void setState(ThreadState s, int reasonCode) {
        reason = reasonCode;
        int w;
        do {
            w = stateWord;
        } while (!STATE.compareAndSet(this, w, next(w, s)));
    }
}
