package io.jtrace.agent.hooks;

import io.jtrace.format.BlockReason;
import io.jtrace.format.UnmountReason;
import io.jtrace.format.WakerKind;
import io.jtrace.recorder.Events;

import java.util.concurrent.locks.LockSupport;

/**
 * The static methods the instrumented JDK classes call (see
 * {@link io.jtrace.agent.instrument.HookPoints}). Defined in the bootstrap loader so that
 * java.base can see it, and initialized in premain, before any hook can run.
 *
 * <p>A hook must never park, block, lock, print or throw: each one translates the JDK's view
 * into a recorder call ({@link Events}, which catches everything itself) and returns. Should one
 * throw all the same, it turns itself off ({@link Hook}).
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
        if (Hook.PARK.off) {
            return;
        }
        try {
            // java.util.concurrent often sets the blocker first and then calls park() without one
            Object b = blocker != null ? blocker : LockSupport.getBlocker(Thread.currentThread());
            Events.park(BlockerReasons.of(b), b == null ? null : b.getClass().getName());
        } catch (Throwable t) {
            Hook.PARK.failed(t);
        }
    }

    /** A park, sleep or wait returns: the thread runs again. */
    public static void returned() {
        if (Hook.RETURNED.off) {
            return;
        }
        try {
            Events.blockingCallReturned(WakerKind.UNKNOWN);
        } catch (Throwable t) {
            Hook.RETURNED.failed(t);
        }
    }

    /**
     * A timed wait returns — Thread.sleep, LockSupport.parkNanos or parkUntil: unless a hook saw
     * something wake it (an unpark, an interrupt, a permit left before), its timeout did (a sleep
     * that ran out, a borrow that timed out, a poll that found nothing).
     */
    public static void timedCallReturned() {
        if (Hook.TIMED_CALL_RETURNED.off) {
            return;
        }
        try {
            Events.blockingCallReturned(WakerKind.TIMER);
        } catch (Throwable t) {
            Hook.TIMED_CALL_RETURNED.failed(t);
        }
    }

    /**
     * LockSupport.unpark entered: the current thread wakes {@code target}. Only claimed here; the
     * wake-up and its stack are written by {@link #unparked()}, after the target was unparked.
     */
    public static void unpark(Thread target) {
        if (Hook.UNPARK.off) {
            return;
        }
        try {
            if (target == null) {
                return;
            }
            if (Hook.UNPARKED.off) {
                Events.wake(target); // no exit hook to finish a deferred stack: all at once
            } else {
                Events.unparkEntered(target);
            }
        } catch (Throwable t) {
            Hook.UNPARK.failed(t);
        }
    }

    /** LockSupport.unpark returns: the woken thread is on its way; now the waker's stack is taken. */
    public static void unparked() {
        if (Hook.UNPARKED.off) {
            return;
        }
        try {
            Events.unparkReturned();
        } catch (Throwable t) {
            Hook.UNPARKED.failed(t);
        }
    }

    /** Thread.interrupt: wakes the target out of any park, sleep or wait. */
    public static void interrupt(Thread target) {
        if (Hook.INTERRUPT.off) {
            return;
        }
        try {
            Events.wake(target);
        } catch (Throwable t) {
            Hook.INTERRUPT.failed(t);
        }
    }

    /** Thread.sleepNanos: a sleep of 0 or less only yields (a virtual thread unmounts as runnable). */
    public static void sleep(long nanos) {
        if (Hook.SLEEP.off) {
            return;
        }
        try {
            if (nanos > 0) {
                Events.blockIfRunning(BlockReason.SLEEP, null);
            }
        } catch (Throwable t) {
            Hook.SLEEP.failed(t);
        }
    }

    public static void objectWait(Object monitor) {
        if (Hook.OBJECT_WAIT.off) {
            return;
        }
        try {
            Events.blockIfRunning(BlockReason.WAIT, monitor.getClass().getName());
        } catch (Throwable t) {
            Hook.OBJECT_WAIT.failed(t);
        }
    }

    /**
     * ForkJoinPool.awaitWork: a worker (a carrier, or a pool thread of the application) waits for
     * work in Unsafe.park, which no park hook sees. It may return at once when work came meanwhile.
     */
    public static void poolIdleEnter() {
        if (Hook.POOL_IDLE_ENTER.off) {
            return;
        }
        try {
            Events.poolIdle();
        } catch (Throwable t) {
            Hook.POOL_IDLE_ENTER.failed(t);
        }
    }

    /** ForkJoinPool.awaitWork returns: work came (who signalled it is not seen: Unsafe.unpark). */
    public static void poolIdleExit() {
        if (Hook.POOL_IDLE_EXIT.off) {
            return;
        }
        try {
            Events.blockingCallReturned(WakerKind.UNKNOWN);
        } catch (Throwable t) {
            Hook.POOL_IDLE_EXIT.failed(t);
        }
    }

    public static void joinEnter() {
        if (Hook.JOIN_ENTER.off) {
            return;
        }
        try {
            Events.reasonContext(BlockReason.JOIN);
        } catch (Throwable t) {
            Hook.JOIN_ENTER.failed(t);
        }
    }

    public static void joinExit() {
        if (Hook.JOIN_EXIT.off) {
            return;
        }
        try {
            Events.endReasonContext();
        } catch (Throwable t) {
            Hook.JOIN_EXIT.failed(t);
        }
    }

    public static void queueEnter() {
        if (Hook.QUEUE_ENTER.off) {
            return;
        }
        try {
            Events.reasonContext(BlockReason.QUEUE);
        } catch (Throwable t) {
            Hook.QUEUE_ENTER.failed(t);
        }
    }

    public static void queueExit() {
        if (Hook.QUEUE_EXIT.off) {
            return;
        }
        try {
            Events.endReasonContext();
        } catch (Throwable t) {
            Hook.QUEUE_EXIT.failed(t);
        }
    }

    /**
     * The socket and selector hooks' common part (not a hook itself): a socket or selector waits
     * for readiness. A platform thread blocks in a native poll here; a virtual thread parks
     * inside, where the park hook records its block with this reason.
     */
    private static void ioWaitEnter(BlockReason reason) {
        Events.reasonContext(reason);
        if (!Thread.currentThread().isVirtual()) {
            Events.blockIfRunning(reason, null);
        }
    }

    public static void socketWaitEnter() {
        if (Hook.SOCKET_WAIT_ENTER.off) {
            return;
        }
        try {
            ioWaitEnter(BlockReason.SOCKET);
        } catch (Throwable t) {
            Hook.SOCKET_WAIT_ENTER.failed(t);
        }
    }

    public static void selectEnter() {
        if (Hook.SELECT_ENTER.off) {
            return;
        }
        try {
            ioWaitEnter(BlockReason.SELECT);
        } catch (Throwable t) {
            Hook.SELECT_ENTER.failed(t);
        }
    }

    /** The readiness wait returns: the network (or a timeout) woke the thread; no thread did. */
    public static void ioWaitExit() {
        if (Hook.IO_WAIT_EXIT.off) {
            return;
        }
        try {
            if (!Thread.currentThread().isVirtual()) {
                Events.blockingCallReturned(WakerKind.UNKNOWN);
            }
            Events.endReasonContext();
        } catch (Throwable t) {
            Hook.IO_WAIT_EXIT.failed(t);
        }
    }

    /** The JDK's poller thread wakes threads whose sockets are ready. */
    public static void pollerWakeEnter() {
        if (Hook.POLLER_WAKE_ENTER.off) {
            return;
        }
        try {
            Events.wakingForIo(true);
        } catch (Throwable t) {
            Hook.POLLER_WAKE_ENTER.failed(t);
        }
    }

    public static void pollerWakeExit() {
        if (Hook.POLLER_WAKE_EXIT.off) {
            return;
        }
        try {
            Events.wakingForIo(false);
        } catch (Throwable t) {
            Hook.POLLER_WAKE_EXIT.failed(t);
        }
    }

    /**
     * The socket call hooks' common part (not a hook itself): on a platform thread a blocking
     * native call (read, write, accept, connect);
     * a virtual thread instead parks for readiness, which {@link #socketWaitEnter} records.
     */
    private static void socketCallEnter(String what) {
        if (!Thread.currentThread().isVirtual()) {
            Events.nativeCallEnter(what);
        }
    }

    public static void socketReadEnter() {
        if (Hook.SOCKET_READ_ENTER.off) {
            return;
        }
        try {
            socketCallEnter("socket read");
        } catch (Throwable t) {
            Hook.SOCKET_READ_ENTER.failed(t);
        }
    }

    public static void socketWriteEnter() {
        if (Hook.SOCKET_WRITE_ENTER.off) {
            return;
        }
        try {
            socketCallEnter("socket write");
        } catch (Throwable t) {
            Hook.SOCKET_WRITE_ENTER.failed(t);
        }
    }

    public static void socketAcceptEnter() {
        if (Hook.SOCKET_ACCEPT_ENTER.off) {
            return;
        }
        try {
            socketCallEnter("socket accept");
        } catch (Throwable t) {
            Hook.SOCKET_ACCEPT_ENTER.failed(t);
        }
    }

    public static void socketConnectEnter() {
        if (Hook.SOCKET_CONNECT_ENTER.off) {
            return;
        }
        try {
            socketCallEnter("socket connect");
        } catch (Throwable t) {
            Hook.SOCKET_CONNECT_ENTER.failed(t);
        }
    }

    public static void socketCallExit() {
        if (Hook.SOCKET_CALL_EXIT.off) {
            return;
        }
        try {
            if (!Thread.currentThread().isVirtual()) {
                Events.nativeCallExit();
            }
        } catch (Throwable t) {
            Hook.SOCKET_CALL_EXIT.failed(t);
        }
    }

    public static void fileReadEnter() {
        if (Hook.FILE_READ_ENTER.off) {
            return;
        }
        try {
            Events.nativeCallEnter("file read");
        } catch (Throwable t) {
            Hook.FILE_READ_ENTER.failed(t);
        }
    }

    public static void fileWriteEnter() {
        if (Hook.FILE_WRITE_ENTER.off) {
            return;
        }
        try {
            Events.nativeCallEnter("file write");
        } catch (Throwable t) {
            Hook.FILE_WRITE_ENTER.failed(t);
        }
    }

    public static void fileIoExit() {
        if (Hook.FILE_IO_EXIT.off) {
            return;
        }
        try {
            Events.nativeCallExit();
        } catch (Throwable t) {
            Hook.FILE_IO_EXIT.failed(t);
        }
    }

    public static void threadStart(Thread started) {
        if (Hook.THREAD_START.off) {
            return;
        }
        try {
            Events.threadCreate(started);
        } catch (Throwable t) {
            Hook.THREAD_START.failed(t);
        }
    }

    /** Thread.run entered: on the thread itself (not a direct call of run()), its start. */
    public static void threadRun(Thread thread) {
        if (Hook.THREAD_RUN.off) {
            return;
        }
        try {
            if (thread == Thread.currentThread()) {
                Events.threadRunning();
            }
        } catch (Throwable t) {
            Hook.THREAD_RUN.failed(t);
        }
    }

    public static void threadExit() {
        if (Hook.THREAD_EXIT.off) {
            return;
        }
        try {
            Events.threadEnd();
        } catch (Throwable t) {
            Hook.THREAD_EXIT.failed(t);
        }
    }

    /** VirtualThread.mount, entered on the carrier. */
    public static void mount(Thread vthread) {
        if (Hook.MOUNT.off) {
            return;
        }
        try {
            Events.mountWoken(vthread);
        } catch (Throwable t) {
            Hook.MOUNT.failed(t);
        }
    }

    /** VirtualThread.unmount, left on the carrier; {@code state} tells why the virtual thread left. */
    public static void unmounted(Thread vthread, int state, Object continuation) {
        if (Hook.UNMOUNTED.off) {
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
            Hook.UNMOUNTED.failed(t);
        }
    }

    /** VirtualThread.unblock, called by the JDK's unblocker thread: the real waker is not visible. */
    public static void unblockedByJdk(Thread vthread) {
        if (Hook.UNBLOCKED_BY_JDK.off) {
            return;
        }
        try {
            Events.wokenBy(vthread, WakerKind.UNKNOWN);
        } catch (Throwable t) {
            Hook.UNBLOCKED_BY_JDK.failed(t);
        }
    }

    /** A virtual thread's timed park or wait expired. */
    public static void timedOut(Thread vthread) {
        if (Hook.TIMED_OUT.off) {
            return;
        }
        try {
            Events.wokenBy(vthread, WakerKind.TIMER);
        } catch (Throwable t) {
            Hook.TIMED_OUT.failed(t);
        }
    }
}
