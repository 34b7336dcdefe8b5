package io.jtrace.recorder;

import jdk.internal.misc.Unsafe;

/**
 * Whether a virtual thread's park is about to return at once: {@code VirtualThread.park} and
 * {@code parkNanos} complete without yielding if the thread's park permit is set (an unpark came
 * while it ran) or it is interrupted, and only the thread itself clears either, so what the park
 * hook reads here still holds when the JDK's park reads it. Such a park blocks nobody: the
 * recorder writes no BLOCK, UNBLOCK and RUN for it (a fifth of all parks on a virtual-thread
 * server whose socket reads find the poller's unpark already there). A platform thread's permit
 * lives inside the VM, out of reach: its parks are recorded as they come.
 *
 * <p>Reads the JDK's private field {@code VirtualThread.parkPermit}; on a JDK without it, every
 * park is recorded.
 */
final class ParkPermits {
    private static final Unsafe U;
    private static final Class<?> VIRTUAL_THREAD;
    private static final long PARK_PERMIT;

    static {
        Unsafe u = null;
        Class<?> vthread = null;
        long permit = -1;
        try {
            u = Unsafe.getUnsafe();
            // not initialized here: that starts the virtual-thread scheduler, in every traced JVM
            vthread = Class.forName("java.lang.VirtualThread", false, null);
            // that the field is a boolean, ParkPermitsTest checks: reflecting on VirtualThread's
            // fields here would cost ~3 ms of the agent's start-up
            permit = u.objectFieldOffset(vthread, "parkPermit"); // InternalError if there is none
        } catch (ReflectiveOperationException | RuntimeException | LinkageError | InternalError e) {
            u = null;
            vthread = null;
        }
        U = u;
        VIRTUAL_THREAD = vthread;
        PARK_PERMIT = permit;
    }

    private ParkPermits() {}

    /** Whether this JDK's virtual threads have the permit field this class reads. */
    static boolean available() {
        return U != null;
    }

    /** Whether {@code current}, a virtual thread about to park, will return from the park without yielding. */
    static boolean parkReturnsAtOnce(Thread current) {
        return current.getClass() == VIRTUAL_THREAD
                && (U.getBooleanVolatile(current, PARK_PERMIT) || current.isInterrupted());
    }
}
