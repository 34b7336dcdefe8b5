package io.jtrace.recorder;

import io.jtrace.format.BlockReason;
import io.jtrace.format.EventType;
import io.jtrace.format.UnmountReason;
import io.jtrace.format.WakerKind;

/**
 * The entry points hooks call (the agent's instrumentation of JDK classes, and the tests that
 * stand in for it until then). Each is a static method that costs one volatile read when tracing
 * is off, never throws, never blocks: a failure disables recording and is reported once.
 */
public final class Events {
    private Events() {}

    /** The current thread created {@code created}. */
    public static void threadCreate(Thread created) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.threadCreate(created);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /** The current thread started running. */
    public static void threadStart() {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.threadStart();
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /** The current thread, started and not yet seen, runs its first code: its THREAD_START, now. */
    public static void threadRunning() {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.threadRunning();
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /** The current thread is about to terminate. */
    public static void threadEnd() {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.threadEnd();
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /** The current thread blocks; {@code blocker} names the kind of object (class name) or is null. */
    public static void block(BlockReason reason, String blocker) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.block(reason, blocker);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /** The current thread makes {@code target} runnable. */
    public static void unblock(Thread target) {
        unblock(target, WakerKind.CURRENT, 0);
    }

    /** {@code target} becomes runnable, woken by a timer, an unknown thread or {@code wakerThread}. */
    public static void unblock(Thread target, WakerKind waker, long wakerThread) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.unblock(target, waker, wakerThread);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /** The current (platform) thread runs again after a block or native call. */
    public static void run() {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.run();
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /** The current carrier thread mounts {@code vthread}. */
    public static void mount(Thread vthread) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.mount(vthread);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /** The current carrier thread unmounts {@code vthread}. */
    public static void unmount(Thread vthread, UnmountReason reason) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.unmount(vthread, reason);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /** The current thread enters a blocking native call described by {@code what}. */
    public static void nativeBegin(String what) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.nativeBegin(what);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /** The current thread returns from its native call. */
    public static void nativeEnd() {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.nativeEnd();
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    public static void gcBegin(long gcId, String name) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.gcBegin(gcId, name);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    public static void gcEnd(long gcId) {
        numbers(EventType.GC_END, gcId, 0, 1);
    }

    public static void safepointBegin() {
        numbers(EventType.SAFEPOINT_BEGIN, 0, 0, 0);
    }

    public static void safepointEnd() {
        numbers(EventType.SAFEPOINT_END, 0, 0, 0);
    }

    public static void heap(long used, long committed) {
        numbers(EventType.HEAP, used, committed, 2);
    }

    /** A CPU sample of {@code sampled}, with the current thread's stack (the sampler runs on it). */
    public static void cpuSample(Thread sampled) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.cpuSample(sampled);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /** Leaves the frames of {@code classes} (hook classes calling into this one) out of every stack. */
    public static void hideFrames(Class<?>... classes) {
        SlowStacks.hide(classes);
    }

    // ---- state-aware entry points for the agent's hooks (see Recorder) ----

    /** The current thread enters a blocking call; a nested one records nothing more. */
    public static void blockIfRunning(BlockReason reason, String blocker) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.blockIfRunning(reason, blocker);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /** The current thread enters LockSupport.park (a virtual thread's park that returns at once is no block). */
    public static void park(BlockReason reason, String blocker) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.park(reason, blocker);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /** The current thread, a pool's worker, waits for work (ended by {@link #blockingCallReturned}). */
    public static void poolIdle() {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.poolIdle();
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /** The current thread returns from a blocking call; {@code fallback} is the waker if none was seen. */
    public static void blockingCallReturned(WakerKind fallback) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.blockingCallReturned(fallback);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /** The current thread wakes {@code target} (unpark, interrupt). */
    public static void wake(Thread target) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.wake(target);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /**
     * LockSupport.unpark entered: the current thread wakes {@code target}; the wake-up is written,
     * with the waker's stack, by {@link #unparkReturned()} once the target is on its way.
     */
    public static void unparkEntered(Thread target) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.unparkEntered(target);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /**
     * LockSupport.unpark returns. Also while the session stops: an unpark that began while it was
     * active holds a writer, which the session's last generation waits for.
     */
    public static void unparkReturned() {
        Recorder r = Recorder.active;
        if (r == null) {
            r = Recorder.ending;
        }
        if (r != null) {
            try {
                r.unparkReturned();
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /** The JDK wakes {@code target}: a timer, or a helper thread whose name must not stand for the waker. */
    public static void wokenBy(Thread target, WakerKind waker) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.wokenBy(target, waker);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /** The current carrier mounts {@code vthread}; a missed wake-up is written first (waker unknown). */
    public static void mountWoken(Thread vthread) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.mountWoken(vthread);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /**
     * The current carrier unmounted {@code vthread}; {@code blockedAs} is the reason of a block no
     * park hook saw, {@code frozen} (or null) a walker over the virtual thread's frozen frames.
     */
    public static void unmount(Thread vthread, UnmountReason reason, BlockReason blockedAs, StackWalker frozen) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.unmount(vthread, reason, blockedAs, frozen);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /** The current thread enters a blocking native call ({@code what}: "file read", …); nested calls record one. */
    public static void nativeCallEnter(String what) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.nativeCallEnter(what);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    public static void nativeCallExit() {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.nativeCallExit();
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /** The current thread's unparks are I/O readiness (the JDK's poller) while {@code on}. */
    public static void wakingForIo(boolean on) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.wakingForIo(on);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /** Blocks of the current thread are for {@code reason} until {@link #endReasonContext()}. */
    public static void reasonContext(BlockReason reason) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.reasonContext(reason);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    public static void endReasonContext() {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.endReasonContext();
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    private static void numbers(EventType type, long a, long b, int count) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.numbers(type, a, b, count);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }
}
