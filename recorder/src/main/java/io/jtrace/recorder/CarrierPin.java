package io.jtrace.recorder;

import jdk.internal.vm.Continuation;

/**
 * Keeps a virtual thread on its carrier while it waits for one of the tracer's own locks.
 *
 * <p>Since JDK 24 a virtual thread that blocks entering a contended monitor unmounts (JEP 491).
 * Inside the tracer that would be wrong twice over: the agent's unmount, unblock and mount hooks
 * would record the tracer's lock as the application's monitor block, and they would do it in the
 * middle of the event the thread is writing (already timed, its state not yet moved), so the
 * trace would show the thread block twice and then unmount while running. Pinned, the thread
 * waits on its carrier the way a platform thread does. The locks guard short inserts (a stack or
 * string new to a table), so the carrier waits microseconds, rarely.
 *
 * <p>Pinning needs {@code jdk.internal.vm}, which the agent exports to us; without the agent no
 * hook sees unmounts, and pinning is not needed (nor done).
 */
final class CarrierPin {
    private static final boolean OPEN =
            Object.class.getModule().isExported("jdk.internal.vm", CarrierPin.class.getModule());

    private CarrierPin() {}

    /** Until the matching {@link #unpin()}, the current virtual thread does not unmount (a no-op on platform threads). */
    static void pin() {
        if (OPEN) {
            Pins.pin();
        }
    }

    static void unpin() {
        if (OPEN) {
            Pins.unpin();
        }
    }

    /** Linked only when {@link #OPEN}: it names a class of an unexported package. */
    private static final class Pins {
        static void pin() {
            Continuation.pin(); // a counter on the mounted continuation; nothing without one
        }

        static void unpin() {
            Continuation.unpin();
        }
    }
}
