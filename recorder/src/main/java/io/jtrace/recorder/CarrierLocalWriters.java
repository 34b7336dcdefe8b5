package io.jtrace.recorder;

import jdk.internal.misc.CarrierThreadLocal;

/**
 * One writer per platform thread, virtual threads writing into their carrier's: the JDK's
 * {@code CarrierThreadLocal} keeps its value on the carrier even when read from a mounted
 * virtual thread (10,000 virtual threads → as many writers as carriers).
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
            return newWriter(t.isVirtual() ? null : t);
        }
    };

    static Writers create() {
        return new CarrierLocalWriters();
    }

    @Override
    Writer acquire() {
        Writer w = local.get();
        return w.tryAcquire() ? w : null;
    }

    @Override
    String strategy() {
        return "carrier-local writers";
    }
}
