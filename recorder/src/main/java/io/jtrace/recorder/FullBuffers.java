package io.jtrace.recorder;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Lock-free handoff of filled buffers from any number of writers to the one background writer:
 * an intrusive Treiber stack that is only ever pushed onto or emptied whole, so it has no ABA
 * problem and allocates nothing.
 */
final class FullBuffers {
    private static final VarHandle HEAD;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(FullBuffers.class, "head", Buffer.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through HEAD
    private volatile Buffer head;

    void push(Buffer b) {
        Buffer h;
        do {
            h = head;
            b.next = h;
        } while (!HEAD.compareAndSet(this, h, b));
    }

    /** Takes every pushed buffer, oldest first, linked through {@link Buffer#next}. */
    Buffer takeAll() {
        Buffer b = (Buffer) HEAD.getAndSet(this, (Buffer) null);
        Buffer reversed = null;
        while (b != null) {
            Buffer n = b.next;
            b.next = reversed;
            reversed = b;
            b = n;
        }
        return reversed;
    }
}
