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

    /** Set when a hook failed: every hook then returns at once (the JDK code around it goes on). */
    private static volatile boolean off;

    /** A hook threw (it must not: the JDK method that called it would): turn hooks off, say so once. */
    private static void failed(String hook, Throwable t) {
        if (!off) {
            off = true;
            // printed from a thread of its own: this one may hold the very lock printing takes
            Thread.ofPlatform().daemon().name("jtrace-report").start(() ->
                    System.err.println("jtrace: hook " + hook + " failed, JDK instrumentation is off from now on: " + t));
        }
    }

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
        if (off) {
            return;
        }
        try {
            // java.util.concurrent often sets the blocker first and then calls park() without one
            Object b = blocker != null ? blocker : LockSupport.getBlocker(Thread.currentThread());
            Events.blockIfRunning(BlockerReasons.of(b), b == null ? null : b.getClass().getName());
        } catch (Throwable t) {
            failed("park", t);
        }
    }

    /** A park, sleep or wait returns: the thread runs again. */
    public static void returned() {
        if (off) {
            return;
        }
        try {
            Events.blockingCallReturned(WakerKind.UNKNOWN);
        } catch (Throwable t) {
            failed("returned", t);
        }
    }

    /** Thread.sleep returns: unless something woke it, its timer did. */
    public static void sleepReturned() {
        if (off) {
            return;
        }
        try {
            Events.blockingCallReturned(WakerKind.TIMER);
        } catch (Throwable t) {
            failed("sleepReturned", t);
        }
    }

    /** LockSupport.unpark: the current thread wakes {@code target}. */
    public static void unpark(Thread target) {
        if (off) {
            return;
        }
        try {
            if (target != null) {
                Events.wake(target);
            }
        } catch (Throwable t) {
            failed("unpark", t);
        }
    }

    /** Thread.interrupt: wakes the target out of any park, sleep or wait. */
    public static void interrupt(Thread target) {
        if (off) {
            return;
        }
        try {
            Events.wake(target);
        } catch (Throwable t) {
            failed("interrupt", t);
        }
    }

    /** Thread.sleepNanos: a sleep of 0 or less only yields (a virtual thread unmounts as runnable). */
    public static void sleep(long nanos) {
        if (off) {
            return;
        }
        try {
            if (nanos > 0) {
                Events.blockIfRunning(BlockReason.SLEEP, null);
            }
        } catch (Throwable t) {
            failed("sleep", t);
        }
    }

    public static void objectWait(Object monitor) {
        if (off) {
            return;
        }
        try {
            Events.blockIfRunning(BlockReason.WAIT, monitor.getClass().getName());
        } catch (Throwable t) {
            failed("objectWait", t);
        }
    }

    public static void joinEnter() {
        if (off) {
            return;
        }
        try {
            Events.reasonContext(BlockReason.JOIN);
        } catch (Throwable t) {
            failed("joinEnter", t);
        }
    }

    public static void joinExit() {
        if (off) {
            return;
        }
        try {
            Events.endReasonContext();
        } catch (Throwable t) {
            failed("joinExit", t);
        }
    }

    public static void queueEnter() {
        if (off) {
            return;
        }
        try {
            Events.reasonContext(BlockReason.QUEUE);
        } catch (Throwable t) {
            failed("queueEnter", t);
        }
    }

    public static void queueExit() {
        if (off) {
            return;
        }
        try {
            Events.endReasonContext();
        } catch (Throwable t) {
            failed("queueExit", t);
        }
    }

    /**
     * A socket or selector waits for readiness. A platform thread blocks in a native poll here;
     * a virtual thread parks inside, where the park hook records its block with this reason.
     */
    public static void ioWaitEnter(BlockReason reason) {
        if (off) {
            return;
        }
        try {
            Events.reasonContext(reason);
            if (!Thread.currentThread().isVirtual()) {
                Events.blockIfRunning(reason, null);
            }
        } catch (Throwable t) {
            failed("ioWaitEnter", t);
        }
    }

    public static void socketWaitEnter() {
        if (off) {
            return;
        }
        try {
            ioWaitEnter(BlockReason.SOCKET);
        } catch (Throwable t) {
            failed("socketWaitEnter", t);
        }
    }

    public static void selectEnter() {
        if (off) {
            return;
        }
        try {
            ioWaitEnter(BlockReason.SELECT);
        } catch (Throwable t) {
            failed("selectEnter", t);
        }
    }

    /** The readiness wait returns: the network (or a timeout) woke the thread; no thread did. */
    public static void ioWaitExit() {
        if (off) {
            return;
        }
        try {
            if (!Thread.currentThread().isVirtual()) {
                Events.blockingCallReturned(WakerKind.UNKNOWN);
            }
            Events.endReasonContext();
        } catch (Throwable t) {
            failed("ioWaitExit", t);
        }
    }

    /** The JDK's poller thread wakes threads whose sockets are ready. */
    public static void pollerWakeEnter() {
        if (off) {
            return;
        }
        try {
            Events.wakingForIo(true);
        } catch (Throwable t) {
            failed("pollerWakeEnter", t);
        }
    }

    public static void pollerWakeExit() {
        if (off) {
            return;
        }
        try {
            Events.wakingForIo(false);
        } catch (Throwable t) {
            failed("pollerWakeExit", t);
        }
    }

    /**
     * A socket call: on a platform thread a blocking native call (read, write, accept, connect);
     * a virtual thread instead parks for readiness, which {@link #socketWaitEnter} records.
     */
    public static void socketCallEnter(String what) {
        if (off) {
            return;
        }
        try {
            if (!Thread.currentThread().isVirtual()) {
                Events.nativeCallEnter(what);
            }
        } catch (Throwable t) {
            failed("socketCallEnter", t);
        }
    }

    public static void socketReadEnter() {
        if (off) {
            return;
        }
        try {
            socketCallEnter("socket read");
        } catch (Throwable t) {
            failed("socketReadEnter", t);
        }
    }

    public static void socketWriteEnter() {
        if (off) {
            return;
        }
        try {
            socketCallEnter("socket write");
        } catch (Throwable t) {
            failed("socketWriteEnter", t);
        }
    }

    public static void socketAcceptEnter() {
        if (off) {
            return;
        }
        try {
            socketCallEnter("socket accept");
        } catch (Throwable t) {
            failed("socketAcceptEnter", t);
        }
    }

    public static void socketConnectEnter() {
        if (off) {
            return;
        }
        try {
            socketCallEnter("socket connect");
        } catch (Throwable t) {
            failed("socketConnectEnter", t);
        }
    }

    public static void socketCallExit() {
        if (off) {
            return;
        }
        try {
            if (!Thread.currentThread().isVirtual()) {
                Events.nativeCallExit();
            }
        } catch (Throwable t) {
            failed("socketCallExit", t);
        }
    }

    public static void fileReadEnter() {
        if (off) {
            return;
        }
        try {
            Events.nativeCallEnter("file read");
        } catch (Throwable t) {
            failed("fileReadEnter", t);
        }
    }

    public static void fileWriteEnter() {
        if (off) {
            return;
        }
        try {
            Events.nativeCallEnter("file write");
        } catch (Throwable t) {
            failed("fileWriteEnter", t);
        }
    }

    public static void fileIoExit() {
        if (off) {
            return;
        }
        try {
            Events.nativeCallExit();
        } catch (Throwable t) {
            failed("fileIoExit", t);
        }
    }

    public static void threadStart(Thread started) {
        if (off) {
            return;
        }
        try {
            Events.threadCreate(started);
        } catch (Throwable t) {
            failed("threadStart", t);
        }
    }

    public static void threadExit() {
        if (off) {
            return;
        }
        try {
            Events.threadEnd();
        } catch (Throwable t) {
            failed("threadExit", t);
        }
    }

    /** VirtualThread.mount, entered on the carrier. */
    public static void mount(Thread vthread) {
        if (off) {
            return;
        }
        try {
            Events.mountWoken(vthread);
        } catch (Throwable t) {
            failed("mount", t);
        }
    }

    /** VirtualThread.unmount, left on the carrier; {@code state} tells why the virtual thread left. */
    public static void unmounted(Thread vthread, int state, Object continuation) {
        if (off) {
            return;
        }
        try {
            switch (state) {
                case PARKING, TIMED_PARKING -> Events.unmount(vthread, UnmountReason.BLOCK, BlockReason.PARK, null);
                case BLOCKING -> Events.unmount(vthread, UnmountReason.BLOCK, BlockReason.MONITOR,
                        ContinuationStacks.walker(continuation));
                case WAITING, TIMED_WAITING -> Events.unmount(vthread, UnmountReason.BLOCK, BlockReason.WAIT, null);
                case YIELDING -> Events.unmount(vthread, UnmountReason.YIELD, BlockReason.NONE, null);
                case RUNNING -> Events.unmount(vthread, UnmountReason.END, BlockReason.NONE, null); // done; TERMINATED comes later
                default -> Events.unmount(vthread, UnmountReason.BLOCK, BlockReason.NONE, null);
            }
        } catch (Throwable t) {
            failed("unmounted", t);
        }
    }

    /** VirtualThread.unblock, called by the JDK's unblocker thread: the real waker is not visible. */
    public static void unblockedByJdk(Thread vthread) {
        if (off) {
            return;
        }
        try {
            Events.wokenBy(vthread, WakerKind.UNKNOWN);
        } catch (Throwable t) {
            failed("unblockedByJdk", t);
        }
    }

    /** A virtual thread's timed park or wait expired. */
    public static void timedOut(Thread vthread) {
        if (off) {
            return;
        }
        try {
            Events.wokenBy(vthread, WakerKind.TIMER);
        } catch (Throwable t) {
            failed("timedOut", t);
        }
    }
}
