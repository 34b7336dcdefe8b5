package io.jtrace.recorder;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Finds the current thread's {@link Writer} and keeps the list of all writers, which the
 * background writer walks at every generation's end to take partial buffers away.
 *
 * <p>Platform threads each get a writer of their own. A virtual thread uses its carrier's writer
 * when the JDK's carrier-local storage is open to us (the agent opens it; so does
 * {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED}); otherwise it takes one of a few
 * shared writers, chosen by thread id and acquired by CAS. Never a writer per virtual thread.
 */
abstract class Writers {
    private final CopyOnWriteArrayList<Writer> all = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    /** The best implementation this JVM allows. */
    static Writers create() {
        if (carrierLocalsOpen()) {
            return CarrierLocalWriters.create();
        }
        return new SharedVirtualWriters();
    }

    /** Whether java.base exports jdk.internal.misc to us, so CarrierLocalWriters can link. */
    static boolean carrierLocalsOpen() {
        return Object.class.getModule().isExported("jdk.internal.misc", Writers.class.getModule());
    }

    /** The current thread's writer, owned by the caller until {@link Writer#release}; null if busy. */
    final Writer acquire() {
        return acquire(home());
    }

    /** {@link #acquire()} when the caller already looked up {@code home}, the result of {@link #home()}. */
    abstract Writer acquire(Writer home);

    /**
     * The current carrier's (or platform thread's) own writer, not acquired, or null where there
     * is none (virtual threads without carrier-local storage). Only for its {@link Writer#lastRecord}
     * cache, which nothing but the carrier's own OS thread touches.
     */
    abstract Writer home();

    /** A human-readable name of the strategy, for diagnostics. */
    abstract String strategy();

    /**
     * Platform threads' own writers, by thread. A thread's thread-local slot can be emptied under
     * it: the common pool's workers erase their thread locals after every task. Such a thread gets
     * its writer back from here instead of a new writer (and a new buffer) per task. Consulted only
     * when the slot is empty; an entry goes when its writer is pruned after its thread died.
     */
    private final ConcurrentHashMap<Thread, Writer> owned = new ConcurrentHashMap<>();

    /** The writer of platform thread {@code t}: the one it had, or a new one. */
    final Writer ownWriter(Thread t) {
        Writer w = owned.get(t);
        if (w == null) {
            w = newWriter(t);
            owned.put(t, w);
        }
        return w;
    }

    final Writer newWriter(Thread owner) {
        Writer w = new Writer(ids.incrementAndGet(), owner);
        register(w);
        return w;
    }

    final void register(Writer w) {
        w.registered = true;
        CarrierPin.pin(); // the list locks to copy
        try {
            all.add(w);
        } finally {
            CarrierPin.unpin();
        }
    }

    final void unregister(Writer w) {
        w.registered = false;
        all.remove(w);
        if (w.owner != null && !w.owner.isAlive()) {
            owned.remove(w.owner, w);
        }
    }

    final List<Writer> all() {
        return all;
    }

    /** Platform threads: a writer each, in a plain ThreadLocal. Virtual threads: shared writers. */
    static final class SharedVirtualWriters extends Writers {
        private static final int SHARED = Integer.highestOneBit(Math.max(4, Runtime.getRuntime().availableProcessors() * 2));
        private final ThreadLocal<Writer> local = ThreadLocal.withInitial(() -> ownWriter(Thread.currentThread()));
        private final Writer[] shared = new Writer[SHARED];

        SharedVirtualWriters() {
            for (int i = 0; i < SHARED; i++) {
                shared[i] = newWriter(null);
            }
        }

        @Override
        Writer acquire(Writer home) {
            if (home != null) {
                return home.tryAcquire() ? home : null;
            }
            Thread t = Thread.currentThread();
            int start = (int) t.threadId();
            for (int i = 0; i < SHARED; i++) {
                Writer w = shared[(start + i) & (SHARED - 1)];
                if (w.tryAcquire()) {
                    return w;
                }
            }
            return null;
        }

        @Override
        Writer home() {
            return Thread.currentThread().isVirtual() ? null : local.get();
        }

        @Override
        String strategy() {
            return "thread-local writers, " + SHARED + " shared writers for virtual threads";
        }
    }
}
