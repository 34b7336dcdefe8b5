package io.jtrace.agent.hooks;

import io.jtrace.format.BlockReason;
import io.jtrace.format.UnmountReason;
import io.jtrace.format.WakerKind;
import io.jtrace.recorder.Events;

import java.util.concurrent.locks.LockSupport;

/**
 * The static methods the instrumented JDK classes call (see
 * {@link io.jtrace.agent.instrument.HookPoints}). Loaded from the bootstrap class path so that
 * java.base can see it, and initialized in premain, before any hook can run.
 *
 * <p>A hook must never park, block, lock, print or throw: each one translates the JDK's view
 * into a recorder call ({@link Events}, which catches everything itself) and returns.
 */
public final class Hooks {
    private Hooks() {}

    // java.lang.VirtualThread states (JDK 25), read at unmount
    private static final int RUNNING = 2;
    private static final int PARKING = 3;
    private static final int TIMED_PARKING = 6;
    private static final int YIELDING = 10;
    private static final int BLOCKING = 12;
    private static final int WAITING = 15;
    private static final int TIMED_WAITING = 17;

    /** LockSupport.park*: the current thread parks on {@code blocker}. */
    public static void park(Object blocker) {
        // java.util.concurrent often sets the blocker first and then calls park() without one
        Object b = blocker != null ? blocker : LockSupport.getBlocker(Thread.currentThread());
        Events.blockIfRunning(BlockerReasons.of(b), b == null ? null : b.getClass().getName());
    }

    /** A park, sleep or wait returns: the thread runs again. */
    public static void returned() {
        Events.blockingCallReturned(WakerKind.UNKNOWN);
    }

    /** Thread.sleep returns: unless something woke it, its timer did. */
    public static void sleepReturned() {
        Events.blockingCallReturned(WakerKind.TIMER);
    }

    /** LockSupport.unpark: the current thread wakes {@code target}. */
    public static void unpark(Thread target) {
        if (target != null) {
            Events.wake(target);
        }
    }

    /** Thread.interrupt: wakes the target out of any park, sleep or wait. */
    public static void interrupt(Thread target) {
        Events.wake(target);
    }

    /** Thread.sleepNanos: a sleep of 0 or less only yields (a virtual thread unmounts as runnable). */
    public static void sleep(long nanos) {
        if (nanos > 0) {
            Events.blockIfRunning(BlockReason.SLEEP, null);
        }
    }

    public static void objectWait(Object monitor) {
        Events.blockIfRunning(BlockReason.WAIT, monitor.getClass().getName());
    }

    public static void joinEnter() {
        Events.reasonContext(BlockReason.JOIN);
    }

    public static void joinExit() {
        Events.endReasonContext();
    }

    public static void queueEnter() {
        Events.reasonContext(BlockReason.QUEUE);
    }

    public static void queueExit() {
        Events.endReasonContext();
    }

    /**
     * A socket or selector waits for readiness. A platform thread blocks in a native poll here;
     * a virtual thread parks inside, where the park hook records its block with this reason.
     */
    public static void ioWaitEnter(BlockReason reason) {
        Events.reasonContext(reason);
        if (!Thread.currentThread().isVirtual()) {
            Events.blockIfRunning(reason, null);
        }
    }

    public static void socketWaitEnter() {
        ioWaitEnter(BlockReason.SOCKET);
    }

    public static void selectEnter() {
        ioWaitEnter(BlockReason.SELECT);
    }

    /** The readiness wait returns: the network (or a timeout) woke the thread; no thread did. */
    public static void ioWaitExit() {
        if (!Thread.currentThread().isVirtual()) {
            Events.blockingCallReturned(WakerKind.UNKNOWN);
        }
        Events.endReasonContext();
    }

    /** The JDK's poller thread wakes threads whose sockets are ready. */
    public static void pollerWakeEnter() {
        Events.wakingForIo(true);
    }

    public static void pollerWakeExit() {
        Events.wakingForIo(false);
    }

    /**
     * A socket call: on a platform thread a blocking native call (read, write, accept, connect);
     * a virtual thread instead parks for readiness, which {@link #socketWaitEnter} records.
     */
    public static void socketCallEnter(String what) {
        if (!Thread.currentThread().isVirtual()) {
            Events.nativeCallEnter(what);
        }
    }

    public static void socketReadEnter() {
        socketCallEnter("socket read");
    }

    public static void socketWriteEnter() {
        socketCallEnter("socket write");
    }

    public static void socketAcceptEnter() {
        socketCallEnter("socket accept");
    }

    public static void socketConnectEnter() {
        socketCallEnter("socket connect");
    }

    public static void socketCallExit() {
        if (!Thread.currentThread().isVirtual()) {
            Events.nativeCallExit();
        }
    }

    public static void fileReadEnter() {
        Events.nativeCallEnter("file read");
    }

    public static void fileWriteEnter() {
        Events.nativeCallEnter("file write");
    }

    public static void fileIoExit() {
        Events.nativeCallExit();
    }

    public static void threadStart(Thread started) {
        Events.threadCreate(started);
    }

    public static void threadExit() {
        Events.threadEnd();
    }

    /** VirtualThread.mount, entered on the carrier. */
    public static void mount(Thread vthread) {
        Events.mountWoken(vthread);
    }

    /** VirtualThread.unmount, left on the carrier; {@code state} tells why the virtual thread left. */
    public static void unmounted(Thread vthread, int state) {
        switch (state) {
            case PARKING, TIMED_PARKING -> Events.unmount(vthread, UnmountReason.BLOCK, BlockReason.PARK);
            case BLOCKING -> Events.unmount(vthread, UnmountReason.BLOCK, BlockReason.MONITOR);
            case WAITING, TIMED_WAITING -> Events.unmount(vthread, UnmountReason.BLOCK, BlockReason.WAIT);
            case YIELDING -> Events.unmount(vthread, UnmountReason.YIELD, BlockReason.NONE);
            case RUNNING -> Events.unmount(vthread, UnmountReason.END, BlockReason.NONE); // done; TERMINATED comes later
            default -> Events.unmount(vthread, UnmountReason.BLOCK, BlockReason.NONE);
        }
    }

    /** VirtualThread.unblock, called by the JDK's unblocker thread: the real waker is not visible. */
    public static void unblockedByJdk(Thread vthread) {
        Events.wokenBy(vthread, WakerKind.UNKNOWN);
    }

    /** A virtual thread's timed park or wait expired. */
    public static void timedOut(Thread vthread) {
        Events.wokenBy(vthread, WakerKind.TIMER);
    }
}
