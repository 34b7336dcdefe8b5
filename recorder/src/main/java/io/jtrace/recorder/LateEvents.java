package io.jtrace.recorder;

import io.jtrace.format.EventType;
import io.jtrace.format.StackFrame;

import java.util.List;
import java.util.Set;

/**
 * Entry points for events the JDK reports after the fact, with their own times (the agent's
 * bridge from the JDK's in-process event stream): contended monitor enters of platform threads,
 * collector pauses, safepoints. Times are trace times ({@link #traceTime()}); each call is
 * written in the current generation even when its time lies in an earlier one
 * (docs/format.md, "Late events"). Like {@link Events}, nothing here throws or blocks.
 */
public final class LateEvents {
    private LateEvents() {}

    /** Now on the trace clock, or -1 when tracing is off. */
    public static long traceTime() {
        Recorder r = Recorder.active;
        return r == null ? -1 : r.clock();
    }

    /** Never traces {@code t} (a thread of the tracer's own). */
    public static void excludeThread(Thread t) {
        Recorder r = Recorder.active;
        if (r != null) {
            r.exclude(t);
        }
    }

    /** Threads named {@code names} work for the tracer (see {@link Recorder#tracerThreadNames}). */
    public static void tracerThreadNames(Set<String> names) {
        Recorder r = Recorder.active;
        if (r != null) {
            r.tracerThreadNames(names);
        }
    }

    /** The reporter of the JDK's events is starting (it will say {@link #jdkEventsRunning} or {@link #jdkEventsOver}). */
    public static void jdkEventsStarting() {
        jdkEvents(Recorder.JDK_EVENTS_STARTING);
    }

    /** The reporter of the JDK's events records from now on. */
    public static void jdkEventsRunning() {
        jdkEvents(Recorder.JDK_EVENTS_RUNNING);
    }

    /** The reporter of the JDK's events will report nothing more (it failed, was cancelled or stopped). */
    public static void jdkEventsOver() {
        jdkEvents(Recorder.JDK_EVENTS_OVER);
    }

    private static void jdkEvents(int state) {
        Recorder r = Recorder.active;
        if (r != null) {
            r.jdkEvents(state);
        }
    }

    /**
     * Runs {@code task} when the recording stops, before its last generation is written. Returns
     * false, and will not run it, if there is no recording or its stop has begun already.
     */
    public static boolean beforeStop(Runnable task) {
        Recorder r = Recorder.active;
        return r != null && r.beforeStop(task);
    }

    /** Platform thread {@code threadId} waited for a monitor from {@code start} to {@code end}. */
    public static void monitorBlocked(long threadId, long start, long end, String monitorClass, long previousOwner,
                                      List<StackFrame> frames, boolean truncated) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.lateMonitorBlock(threadId, start, end, monitorClass, previousOwner,
                        frames.isEmpty() ? null : CapturedStack.innermost(frames, truncated, r.options.stackDepth()));
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /**
     * {@link #monitorBlocked} in two halves, for a reporter that writes many overlapping blocks in
     * time order: the block's start ...
     */
    public static void monitorEnter(long threadId, long start, String monitorClass, List<StackFrame> frames,
                                    boolean truncated) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.lateMonitorEnter(threadId, start, monitorClass,
                        frames.isEmpty() ? null : CapturedStack.innermost(frames, truncated, r.options.stackDepth()));
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /** ... and its end, when {@code previousOwner} (0: unknown) left the monitor. */
    public static void monitorEntered(long threadId, long end, long previousOwner) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.lateMonitorEntered(threadId, end, previousOwner);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /** Platform thread {@code threadId}'s Object.wait ended at {@code time} by {@code notifier}'s notify. */
    public static void notified(long threadId, long time, long notifier) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.lateNotify(threadId, time, notifier);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    public static void gcPause(long gcId, String name, long start, long end) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.latePause(EventType.GC_BEGIN, EventType.GC_END, gcId, name, start, end);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    public static void safepoint(long start, long end) {
        Recorder r = Recorder.active;
        if (r != null) {
            try {
                r.latePause(EventType.SAFEPOINT_BEGIN, EventType.SAFEPOINT_END, 0, null, start, end);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }
}
