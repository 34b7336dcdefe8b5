package io.jtrace.recorder;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The recorder's fixed memory budget: at most {@code capacity} buffers ever exist. Buffers are
 * created on demand up to the budget, then recycled. When none is free the caller drops its event
 * (and counts it): the application is never made to wait for the tracer's I/O.
 *
 * <p>The free list is a bounded multi-producer multi-consumer array queue (Vyukov's design:
 * a sequence number per slot), lock-free, allocation-free and free of ABA problems.
 */
final class BufferPool {
    private final int bufferSize;
    private final int capacity;
    private final AtomicInteger created = new AtomicInteger();
    private final AtomicReferenceArray<Buffer> slots;
    private final AtomicLongArray sequences;
    private final int mask;
    private final AtomicLongPadded enqueuePos = new AtomicLongPadded();
    private final AtomicLongPadded dequeuePos = new AtomicLongPadded();

    BufferPool(int bufferSize, int capacity) {
        this.bufferSize = bufferSize;
        this.capacity = capacity;
        int n = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
        slots = new AtomicReferenceArray<>(n);
        sequences = new AtomicLongArray(n);
        for (int i = 0; i < n; i++) {
            sequences.set(i, i);
        }
        mask = n - 1;
    }

    int bufferSize() {
        return bufferSize;
    }

    int capacity() {
        return capacity;
    }

    /** About how many buffers a take could get now: free ones and those not created yet (read racily). */
    int available() {
        long free = enqueuePos.get() - dequeuePos.get();
        return (int) Math.max(0, Math.min(capacity, free + capacity - created.get()));
    }

    /** A free buffer, a new one while under budget, or null when the budget is exhausted. */
    Buffer take() {
        Buffer b = poll();
        if (b != null) {
            return b;
        }
        int c;
        while ((c = created.get()) < capacity) {
            if (created.compareAndSet(c, c + 1)) {
                return new Buffer(bufferSize);
            }
        }
        return poll();
    }

    /** Returns a buffer to the free list. */
    void give(Buffer b) {
        b.length = 0;
        b.next = null;
        long pos;
        while (true) {
            pos = enqueuePos.get();
            int i = (int) pos & mask;
            long seq = sequences.get(i);
            long dif = seq - pos;
            if (dif == 0) {
                if (enqueuePos.compareAndSet(pos, pos + 1)) {
                    slots.set(i, b);
                    sequences.set(i, pos + 1);
                    return;
                }
            } else if (dif < 0) {
                // Cannot happen: the queue has room for every buffer ever created.
                throw new IllegalStateException("buffer pool overflow");
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private Buffer poll() {
        while (true) {
            long pos = dequeuePos.get();
            int i = (int) pos & mask;
            long seq = sequences.get(i);
            long dif = seq - (pos + 1);
            if (dif == 0) {
                if (dequeuePos.compareAndSet(pos, pos + 1)) {
                    Buffer b = slots.getAndSet(i, null);
                    sequences.set(i, pos + mask + 1);
                    return b;
                }
            } else if (dif < 0) {
                return null; // empty
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /** An AtomicLong on a cache line of its own, so producers and consumers don't false-share. */
    @SuppressWarnings("unused")
    private static final class AtomicLongPadded extends java.util.concurrent.atomic.AtomicLong {
        private static final long serialVersionUID = 1L;
        long p1, p2, p3, p4, p5, p6, p7;
    }
}
