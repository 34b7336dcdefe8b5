package io.jtrace.recorder;

import jdk.internal.misc.CarrierThreadLocal;

/**
 * One writer per platform thread, virtual threads writing into their carrier's: the JDK's
 * {@code CarrierThreadLocal} keeps its value on the carrier even when read from a mounted
 * virtual thread (10,000 virtual threads → as many writers as carriers).
 *
 * <p>A virtual thread waits for the tracer's own locks pinned to its carrier ({@link CarrierPin}),
 * but where it still unmounts in the middle of an event (a blocking point inside the JDK, such as
 * class loading) it keeps its carrier's writer until it is mounted again, possibly elsewhere.
 * Meanwhile the other virtual threads on that carrier write into a few spare writers instead of
 * losing their events.
 *
 * <p>Only loaded after {@link Writers#carrierLocalsOpen()} said yes: linking this class needs
 * {@code jdk.internal.misc} exported to us.
 */
final class CarrierLocalWriters extends Writers {
    private final CarrierThreadLocal<Writer> local = new CarrierThreadLocal<>() {
        @Override
        protected Writer initialValue() {
            Thread t = Thread.currentThread();
            // Running on a virtual thread we can't name the carrier; pruning then goes by idleness.
            return t.isVirtual() ? newWriter(null) : ownWriter(t);
        }
    };

    private static final int SPARES = Integer.highestOneBit(Math.max(4, Runtime.getRuntime().availableProcessors() * 2));
    private final Writer[] spares = new Writer[SPARES];

    private CarrierLocalWriters() {
        for (int i = 0; i < SPARES; i++) {
            spares[i] = newWriter(null);
        }
    }

    static Writers create() {
        return new CarrierLocalWriters();
    }

    @Override
    Writer acquire(Writer home) {
        Writer w = home;
        Thread t = Thread.currentThread();
        if (w.tryAcquire()) {
            w.holder = t;
            return w;
        }
        if (w.holder == t) {
            return null; // the tracer re-entered itself
        }
        // held by a virtual thread that unmounted mid-event (on this carrier or, for the carrier
        // itself, one it ran): write into a spare writer instead of losing the event
        int start = (int) t.threadId();
        for (int i = 0; i < SPARES; i++) {
            Writer s = spares[(start + i) & (SPARES - 1)];
            if (s.tryAcquire()) {
                s.holder = t;
                return s;
            }
        }
        return null;
    }

    @Override
    Writer home() {
        return local.get();
    }

    @Override
    String strategy() {
        return "carrier-local writers";
    }
}
