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

    static {
        try {
            STATUS_GEN = MethodHandles.lookup().findVarHandle(ThreadRecord.class, "statusGen", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Thread thread;
    final long threadId;
    final boolean virtual;
    volatile int state;
    volatile int reason;
    @SuppressWarnings("unused") // accessed through STATUS_GEN
    private volatile long statusGen = -1;

    ThreadRecord(Thread thread, ThreadState initial) {
        this.thread = thread;
        this.threadId = thread.threadId();
        this.virtual = thread.isVirtual();
        this.state = initial.code;
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

    void setState(ThreadState s, int reasonCode) {
        reason = reasonCode;
        state = s.code;
    }
}
