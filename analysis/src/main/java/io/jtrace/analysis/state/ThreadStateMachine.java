package io.jtrace.analysis.state;

import io.jtrace.format.BlockReason;
import io.jtrace.format.Event;
import io.jtrace.format.EventType;
import io.jtrace.format.Generation;
import io.jtrace.format.ThreadState;
import io.jtrace.format.UnmountReason;
import io.jtrace.format.WakerKind;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Derives every thread's state (NotExist → Runnable → Running → Blocked(reason) | Native → …
 * → Terminated) from the events of a trace, generation by generation, and reports every
 * impossible transition as a {@link ValidationError}. Analyses build on it through
 * {@link Listener}.
 *
 * <p>A thread first met without a STATUS has an unknown state: its first transition is taken as
 * it comes. Events written in the middle of a hook being installed (see the agent) can be
 * unmatched; they are reported, never fatal.
 */
public final class ThreadStateMachine {
    /** Keeps the first this many errors; all are counted. */
    private static final int MAX_KEPT_ERRORS = 1000;

    /** Called for every state change, after it is applied. */
    public interface Listener {
        /**
         * {@code thread} moved to {@code to} because of {@code cause}. {@code from} is null when the
         * state was unknown (a thread first met through an event rather than a STATUS: it runs).
         */
        void transition(long thread, long time, ThreadState from, ThreadState to, BlockReason reason, Event cause);

        /** Called after every live event is applied (after the transitions it caused). */
        default void applied(Event e) { }

        /** Called for every late event (docs/format.md, "Late events"), which moves no state. */
        default void late(Event e) { }
    }

    private static final class ThreadInfo {
        ThreadState state; // null: unknown
        BlockReason reason = BlockReason.NONE;
        final ArrayDeque<String> regionTypes = new ArrayDeque<>(); // open regions, innermost first
    }

    private final Map<Long, ThreadInfo> threads = new HashMap<>();
    private final Set<Long> seenThisGeneration = new HashSet<>();
    private final List<ValidationError> errors = new ArrayList<>();
    private final Listener listener;
    private long errorCount;
    private long lateEvents;
    private long previousLost;

    public ThreadStateMachine(Listener listener) {
        this.listener = listener;
    }

    public ThreadStateMachine() {
        this((t, time, from, to, reason, cause) -> { });
    }

    /** Applies every event of {@code g}, in order. */
    public void generation(Generation g) {
        seenThisGeneration.clear();
        for (Event e : g.events()) {
            if (e.late()) {
                lateEvents++; // reported after the fact: history, not the thread's current state
                listener.late(e);
                continue;
            }
            event(g, e);
            listener.applied(e);
        }
        previousLost = g.lostEvents();
    }

    /** The state of {@code thread} after the events applied so far; null if unknown. */
    public ThreadState state(long thread) {
        ThreadInfo t = threads.get(thread);
        return t == null ? null : t.state;
    }

    /** The block reason of a blocked thread. */
    public BlockReason reason(long thread) {
        ThreadInfo t = threads.get(thread);
        return t == null ? BlockReason.NONE : t.reason;
    }

    /** The first errors found (at most 1000). */
    public List<ValidationError> errors() {
        return Collections.unmodifiableList(errors);
    }

    /**
     * Events the JDK reported after the fact (a platform thread's monitor wait, a GC pause;
     * docs/format.md, "Late events"). They describe the past and do not move the current state.
     */
    public long lateEvents() {
        return lateEvents;
    }

    /** All errors found. */
    public long errorCount() {
        return errorCount;
    }

    private void event(Generation g, Event e) {
        long actor = e.thread();
        if (e.type() == EventType.STATUS) {
            status(e);
            return;
        }
        if (actor != 0) {
            seenThisGeneration.add(actor);
        }
        switch (e.type()) {
            case THREAD_CREATE -> {
                requireRunning(actor, e);
                long created = e.arg("newThread");
                seenThisGeneration.add(created);
                ThreadInfo t = info(created);
                if (t.state != null && t.state != ThreadState.NOT_EXIST) {
                    error(created, e, "created while " + label(t.state));
                }
                move(created, t, ThreadState.RUNNABLE, BlockReason.NONE, e);
            }
            case THREAD_START -> expectThenMove(actor, e, ThreadState.RUNNABLE, ThreadState.RUNNING, BlockReason.NONE);
            case THREAD_END -> expectThenMove(actor, e, ThreadState.RUNNING, ThreadState.TERMINATED, BlockReason.NONE);
            case BLOCK -> expectThenMove(actor, e, ThreadState.RUNNING, ThreadState.BLOCKED, BlockReason.ofCode(e.arg("reason")));
            case RUN -> expectThenMove(actor, e, ThreadState.RUNNABLE, ThreadState.RUNNING, BlockReason.NONE);
            case NATIVE_BEGIN -> expectThenMove(actor, e, ThreadState.RUNNING, ThreadState.NATIVE, BlockReason.NONE);
            case NATIVE_END -> expectThenMove(actor, e, ThreadState.NATIVE, ThreadState.RUNNING, BlockReason.NONE);
            case UNBLOCK -> {
                if (WakerKind.ofCode(e.arg("waker")) == WakerKind.CURRENT && actor != 0) {
                    requireRunning(actor, e);
                }
                long target = e.arg("target");
                seenThisGeneration.add(target);
                expectThenMove(target, e, ThreadState.BLOCKED, ThreadState.RUNNABLE, BlockReason.NONE);
            }
            case MOUNT -> {
                requireRunning(actor, e);
                long v = e.arg("vthread");
                seenThisGeneration.add(v);
                expectThenMove(v, e, ThreadState.RUNNABLE, ThreadState.RUNNING, BlockReason.NONE);
            }
            case UNMOUNT -> {
                requireRunning(actor, e);
                long v = e.arg("vthread");
                seenThisGeneration.add(v);
                ThreadInfo t = info(v);
                switch (UnmountReason.ofCode(e.arg("reason"))) {
                    case BLOCK -> {
                        // runnable too: a waker can unblock a parking virtual thread before its
                        // carrier has unmounted it (the JDK then resubmits it at once)
                        if (t.state != null && t.state != ThreadState.BLOCKED && t.state != ThreadState.RUNNABLE) {
                            error(v, e, "unmounted to block while " + label(t.state) + " (expected blocked)");
                        }
                    }
                    case YIELD -> expectThenMove(v, e, ThreadState.RUNNING, ThreadState.RUNNABLE, BlockReason.NONE);
                    case END -> {
                        if (t.state != ThreadState.TERMINATED) {
                            move(v, t, ThreadState.TERMINATED, BlockReason.NONE, e);
                        }
                    }
                }
            }
            case REGION_BEGIN -> {
                requireRunning(actor, e);
                ThreadInfo t = info(actor);
                t.regionTypes.push(g.string(e.arg("type")));
            }
            case REGION_END -> {
                requireRunning(actor, e);
                ThreadInfo t = info(actor);
                String type = g.string(e.arg("type"));
                if (t.regionTypes.isEmpty()) {
                    return; // began before the trace did: Go accepts this too
                }
                if (!t.regionTypes.peek().equals(type)) {
                    error(actor, e, "region \"" + type + "\" ended while region \"" + t.regionTypes.peek()
                            + "\" is the innermost open one");
                    t.regionTypes.remove(type);
                } else {
                    t.regionTypes.pop();
                }
            }
            case CPU_SAMPLE, GC_BEGIN, GC_END, SAFEPOINT_BEGIN, SAFEPOINT_END, HEAP -> { }
            default -> requireRunning(actor, e); // tasks, logs: only a running thread writes them
        }
    }

    private void status(Event e) {
        long thread = e.arg("thread");
        if (!seenThisGeneration.add(thread)) {
            return; // the thread already had events in this generation: the status is redundant
        }
        ThreadState s = ThreadState.ofCode(e.arg("state"));
        BlockReason r = BlockReason.ofCode(e.arg("reason"));
        ThreadInfo t = info(thread);
        if (t.state != null && t.state != s && previousLost == 0) {
            error(thread, e, "status says " + label(s) + " but the thread was " + label(t.state));
        }
        if (t.state != s || t.reason != r) {
            move(thread, t, s, r, e);
        }
    }

    private void requireRunning(long thread, Event e) {
        if (thread == 0) {
            return;
        }
        ThreadInfo t = info(thread);
        if (t.state == null) {
            move(thread, t, ThreadState.RUNNING, BlockReason.NONE, e); // first sight: it runs, since it writes an event
        } else if (t.state != ThreadState.RUNNING) {
            error(thread, e, "event from a thread that is " + label(t.state));
        }
    }

    private void expectThenMove(long thread, Event e, ThreadState expected, ThreadState next, BlockReason reason) {
        if (thread == 0) {
            return;
        }
        ThreadInfo t = info(thread);
        if (t.state != null && t.state != expected) {
            error(thread, e, "cannot go from " + label(t.state) + " to " + label(next) + " (expected " + label(expected) + ")");
        }
        move(thread, t, next, reason == null ? BlockReason.NONE : reason, e);
    }

    private void move(long thread, ThreadInfo t, ThreadState next, BlockReason reason, Event cause) {
        ThreadState from = t.state;
        t.state = next;
        t.reason = reason;
        listener.transition(thread, cause.time(), from, next, reason, cause);
    }

    private ThreadInfo info(long thread) {
        return threads.computeIfAbsent(thread, k -> new ThreadInfo());
    }

    private void error(long thread, Event e, String message) {
        errorCount++;
        if (errors.size() < MAX_KEPT_ERRORS) {
            errors.add(new ValidationError(thread, e.time(), e.type(), message));
        }
    }

    private static String label(ThreadState s) {
        return s == null ? "unknown" : s.name().toLowerCase(java.util.Locale.ROOT);
    }
}
