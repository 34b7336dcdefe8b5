package io.jtrace.analysis.timeline;

import io.jtrace.analysis.ThreadGroups;
import io.jtrace.analysis.state.ThreadStateMachine;
import io.jtrace.format.BlockReason;
import io.jtrace.format.Event;
import io.jtrace.format.EventType;
import io.jtrace.format.Generation;
import io.jtrace.format.ThreadInfo;
import io.jtrace.format.ThreadState;
import io.jtrace.format.ReadProgress;
import io.jtrace.format.TraceReader;
import io.jtrace.format.WakerKind;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One streaming pass over a trace that turns it into per-thread {@link ThreadInterval}s: the
 * {@link ThreadStateMachine}'s states, cut where regions begin and end, each with the stack that
 * began it and, for blocks and runnable time, the waker.
 *
 * <p>Late facts (docs/format.md, "Late events") are applied to the past: a platform thread's
 * contended {@code synchronized}, which live events showed as running, becomes a monitor block
 * carved out of that running time; the notifier of an {@code Object.wait} replaces the live
 * "unknown" waker. For that, a platform thread's intervals are held back for
 * {@link #LATE_WINDOW_NANOS} of trace time before they are delivered; virtual threads' are
 * delivered at once. Memory: per-thread state, the distinct stacks, the open tasks and that window
 * of platform threads' intervals — not the trace.
 */
public final class Timeline {
    /** How far back in trace time a late fact may reach; the JVM's stream delivers about once a second. */
    public static final long LATE_WINDOW_NANOS = 5_000_000_000L;
    /** How far a late notifier's time may be from the end of the live wait it names. */
    static final long NOTIFY_MATCH_NANOS = 50_000_000L;

    private final TimelineListener out;
    private final Stacks stacks = new Stacks();
    private final Map<Long, Track> tracks = new HashMap<>();
    private final Set<Track> holding = new LinkedHashSet<>();
    private final Map<Long, String> openTasks = new HashMap<>();
    private final Map<Long, ThreadInfo> infos = new HashMap<>();
    private final Map<Long, String> entries = new HashMap<>();
    /**
     * Carrier → {virtual thread, mounted since, blocked at (−1: not blocked)}: one entry per carrier
     * that has one mounted. A virtual thread's BLOCK on its carrier is its unmount (format version
     * 4) unless it runs again without a MOUNT (it never left: pinned, or the call did not yield);
     * which of the two is known at the carrier's or the thread's next event, so the interval waits.
     */
    private final Map<Long, long[]> mounted = new HashMap<>();
    /** Virtual thread → the carrier it is mounted on (the inverse of {@link #mounted}). */
    private final Map<Long, Long> carrierOf = new HashMap<>();
    private final ThreadStateMachine machine;
    private Generation g;
    private long lateApplied;
    private long lateTooLate;
    private long unmatchedNotifies;

    /** Deliver the tracer's own threads too (ThreadInfo#tracer); else they and wake-ups by them are left out. */
    private final boolean tracerThreads;

    private Timeline(TimelineListener out, boolean tracerThreads) {
        this.out = out;
        this.tracerThreads = tracerThreads;
        this.machine = new ThreadStateMachine(new ThreadStateMachine.Listener() {
            @Override
            public void transition(long thread, long time, ThreadState from, ThreadState to, BlockReason reason, Event cause) {
                Timeline.this.transition(thread, time, to, reason, cause);
            }

            @Override
            public void applied(Event e) {
                Timeline.this.applied(e);
            }

            @Override
            public void late(Event e) {
                Timeline.this.late(e);
            }
        });
    }

    /** Reads {@code file}, delivering its intervals to every listener; throws on an invalid trace. */
    public static TimelineSummary read(Path file, TimelineListener... listeners) throws IOException {
        return read(file, ReadProgress.NONE, listeners);
    }

    /** As {@link #read(Path, TimelineListener...)}, telling {@code progress} how far the read has got. */
    public static TimelineSummary read(Path file, ReadProgress progress, TimelineListener... listeners)
            throws IOException {
        return read(file, progress, false, listeners);
    }

    /**
     * As {@link #read(Path, ReadProgress, TimelineListener...)}; with {@code tracerThreads} the
     * tracer's own threads (docs/format.md, thread flags) are delivered too.
     */
    public static TimelineSummary read(Path file, ReadProgress progress, boolean tracerThreads,
                                       TimelineListener... listeners) throws IOException {
        TimelineListener all = listeners.length == 1 ? listeners[0] : new AllListeners(List.of(listeners));
        Timeline t = new Timeline(all, tracerThreads);
        all.started(t::describe);
        try (TraceReader reader = TraceReader.open(file, progress)) {
            long first = -1;
            long last = 0;
            long wallClockZero = 0;
            long generations = 0;
            long lost = 0;
            Generation gen;
            while ((gen = reader.next()) != null) {
                generations++;
                if (first < 0) {
                    first = gen.startTime();
                    wallClockZero = gen.wallClockStart() - gen.startTime();
                }
                last = gen.endTime();
                lost += gen.lostEvents();
                t.generation(gen);
            }
            t.finish(last);
            return new TimelineSummary(Math.max(first, 0), last, wallClockZero, generations, reader.truncated(), lost,
                    t.machine.errorCount(), t.lateApplied, t.lateTooLate, t.unmatchedNotifies, t.descriptions());
        }
    }

    private static final class Track {
        final long id;
        boolean virtual;
        ThreadState state; // null: unknown
        BlockReason reason = BlockReason.NONE;
        long start;
        Stack stack;
        String what = "";
        Waker waker;
        boolean continued;
        List<OpenRegion> regions = List.of();
        final ArrayDeque<ThreadInterval> pending = new ArrayDeque<>();
        long delivered = Long.MIN_VALUE;
        long lateBlockStart = -1;
        BlockReason lateReason;
        Stack lateStack;
        String lateWhat;
        Waker lateNotifier; // the notifier of the wait still open
        /** Start of the RUNNABLE interval from the thread's creation: the recorder sees its start only at its first event. */
        long createdAt = -1;
        long endedAt = -1;

        Track(long id) {
            this.id = id;
        }

        boolean inInterval() {
            return state == ThreadState.RUNNING || state == ThreadState.RUNNABLE || state == ThreadState.BLOCKED
                    || state == ThreadState.NATIVE;
        }
    }

    private void generation(Generation gen) {
        g = gen;
        for (ThreadInfo ti : gen.threads().values()) {
            infos.put(ti.threadId(), ti);
            Track t = tracks.get(ti.threadId());
            if (t != null) {
                t.virtual = ti.virtual();
            }
        }
        long horizon = gen.startTime() - LATE_WINDOW_NANOS;
        release(horizon);
        out.horizon(horizon);
        machine.generation(gen);
    }

    private void finish(long endTime) {
        mounted.forEach((carrier, m) -> out.mounted(carrier, m[0], m[1], m[2] >= 0 ? m[2] : Math.max(endTime, m[1])));
        mounted.clear();
        carrierOf.clear();
        for (Track t : tracks.values()) {
            if (t.inInterval() && t.start <= endTime) {
                close(t, Math.max(endTime, t.start), null);
            }
            t.state = null;
        }
        release(Long.MAX_VALUE);
        out.horizon(Long.MAX_VALUE);
    }

    /** Delivers every held interval that ends at or before {@code horizon}. */
    private void release(long horizon) {
        for (Iterator<Track> it = holding.iterator(); it.hasNext(); ) {
            Track t = it.next();
            while (!t.pending.isEmpty() && t.pending.peekFirst().end() <= horizon) {
                deliver(t, t.pending.pollFirst());
            }
            if (t.pending.isEmpty()) {
                it.remove();
                if (t.endedAt >= 0 && t.endedAt <= horizon) {
                    tracks.remove(t.id);
                }
            }
        }
    }

    private Map<Long, ThreadDescription> descriptions() {
        Map<Long, ThreadDescription> d = new HashMap<>();
        for (ThreadInfo ti : infos.values()) {
            if (tracerThreads || !ti.tracer()) {
                d.put(ti.threadId(), new ThreadDescription(ti.threadId(), ti.name(), ti.virtual(), entries.get(ti.threadId())));
            }
        }
        for (Long id : entries.keySet()) {
            if (!tracerThreads && isTracer(id)) {
                continue;
            }
            d.putIfAbsent(id, new ThreadDescription(id, "", false, entries.get(id)));
        }
        return d;
    }

    private ThreadDescription describe(long thread) {
        ThreadInfo ti = infos.get(thread);
        return new ThreadDescription(thread, ti == null ? null : ti.name(), ti != null && ti.virtual(), entries.get(thread));
    }

    private Track track(long id) {
        Track t = tracks.get(id);
        if (t == null) {
            t = new Track(id);
            ThreadInfo ti = infos.get(id);
            t.virtual = ti != null && ti.virtual();
            tracks.put(id, t);
        }
        return t;
    }

    // ---- live events -------------------------------------------------------------------------

    private void transition(long thread, long time, ThreadState to, BlockReason reason, Event cause) {
        Track t = track(thread);
        Waker waker = wakerOf(cause);
        if (waker != null && waker.kind() == WakerKind.UNKNOWN && t.lateNotifier != null && waits(t.reason)) {
            waker = t.lateNotifier;
        }
        t.lateNotifier = null;
        Stack blockedAt = t.state == ThreadState.BLOCKED ? t.stack : null;
        if (t.inInterval()) {
            close(t, time, t.state == ThreadState.BLOCKED && cause.type() == EventType.UNBLOCK ? waker : t.waker);
        }
        t.state = to;
        t.reason = reason;
        t.start = time;
        t.stack = null;
        t.what = "";
        t.waker = null;
        t.continued = false;
        switch (to) {
            case BLOCKED -> {
                if (cause.type() == EventType.BLOCK) {
                    t.stack = stacks.resolve(g, cause.stackId());
                    t.what = g.string(cause.arg("blocker"));
                }
            }
            case NATIVE -> {
                if (cause.type() == EventType.NATIVE_BEGIN) {
                    t.stack = stacks.resolve(g, cause.stackId());
                    t.what = g.string(cause.arg("what"));
                }
            }
            case RUNNABLE -> {
                t.waker = waker;
                if (cause.type() == EventType.THREAD_CREATE) {
                    t.createdAt = time;
                }
                Stack madeRunnable = cause.type() == EventType.UNBLOCK || cause.type() == EventType.THREAD_CREATE
                        ? stacks.resolve(g, cause.stackId()) : null;
                // Go's scheduler-latency profile: the stack that made the thread runnable; where no
                // thread did (a timer, an unknown waker), where the thread itself had blocked
                t.stack = madeRunnable != null && waker != null && waker.kind() == WakerKind.CURRENT ? madeRunnable : blockedAt;
            }
            case TERMINATED -> {
                t.endedAt = time;
                if (t.virtual) {
                    tracks.remove(thread); // nothing late comes for virtual threads: forget it now
                }
            }
            default -> { }
        }
    }

    private static Waker wakerOf(Event cause) {
        if (cause.type() == EventType.UNBLOCK) {
            WakerKind k = WakerKind.ofCode(cause.arg("waker"));
            return switch (k) {
                case CURRENT -> new Waker(k, cause.thread());
                case THREAD -> new Waker(k, cause.arg("wakerThread"));
                case TIMER -> Waker.TIMER;
                default -> Waker.UNKNOWN;
            };
        }
        if (cause.type() == EventType.THREAD_CREATE) {
            return new Waker(WakerKind.CURRENT, cause.thread());
        }
        return null;
    }

    private void applied(Event e) {
        long actor = e.thread();
        if (actor != 0 && e.stackId() != 0 && !entries.containsKey(actor)) {
            Stack s = stacks.resolve(g, e.stackId());
            String entry = s == null ? null : ThreadGroups.entryOf(s.frames());
            if (entry != null) {
                entries.put(actor, entry);
            }
        }
        switch (e.type()) {
            case REGION_BEGIN -> {
                Track t = track(actor);
                long task = e.arg("task");
                OpenRegion r = new OpenRegion(task, task == 0 ? "" : openTasks.getOrDefault(task, ""),
                        g.string(e.arg("type")), e.time());
                List<OpenRegion> next = new ArrayList<>(t.regions.size() + 1);
                next.add(r);
                next.addAll(t.regions);
                cut(t, e.time(), List.copyOf(next));
            }
            case REGION_END -> {
                Track t = track(actor);
                String type = g.string(e.arg("type"));
                for (int i = 0; i < t.regions.size(); i++) {
                    OpenRegion r = t.regions.get(i);
                    if (r.type().equals(type)) {
                        List<OpenRegion> next = new ArrayList<>(t.regions);
                        next.remove(i);
                        cut(t, e.time(), List.copyOf(next));
                        out.region(actor, r, e.time());
                        break;
                    }
                }
            }
            case MOUNT -> {
                long v = e.arg("vthread");
                Long before = carrierOf.get(v);
                if (before != null && before != actor) {
                    unmountBlocked(before, v); // mounted elsewhere now: it left its old carrier at its BLOCK
                }
                long[] last = mounted.get(actor);
                if (last != null) {
                    unmountBlocked(actor, last[0]); // the carrier's last thread blocked: it left at its BLOCK
                    carrierOf.remove(last[0], actor); // (or its UNMOUNT was lost: its interval is dropped, as before)
                }
                mounted.put(actor, new long[] {v, e.time(), -1});
                carrierOf.put(v, actor);
            }
            case UNMOUNT -> {
                long[] m = mounted.get(actor);
                if (m != null && m[0] == e.arg("vthread")) {
                    mounted.remove(actor);
                    carrierOf.remove(m[0]);
                    out.mounted(actor, m[0], m[1], e.time()); // versions 1-3 write it after the BLOCK
                }
            }
            case BLOCK, RUN -> {
                Long carrier = e.late() ? null : carrierOf.get(actor);
                long[] m = carrier == null ? null : mounted.get(carrier);
                if (m != null && m[0] == actor) {
                    m[2] = e.type() == EventType.BLOCK ? e.time() : -1; // RUN: it never left its carrier
                }
            }
            case TASK_BEGIN -> {
                String type = g.string(e.arg("type"));
                openTasks.put(e.arg("task"), type);
                out.taskBegin(e.arg("task"), e.arg("parent"), type, e.time(), actor);
            }
            case TASK_END -> {
                String type = openTasks.remove(e.arg("task"));
                out.taskEnd(e.arg("task"), type == null ? "" : type, e.time(), actor);
            }
            default -> { }
        }
    }

    /** Ends {@code vthread}'s mounted interval on {@code carrier} at its BLOCK, if it blocked there. */
    private void unmountBlocked(long carrier, long vthread) {
        long[] m = mounted.get(carrier);
        if (m != null && m[0] == vthread && m[2] >= 0) {
            mounted.remove(carrier);
            carrierOf.remove(m[0]);
            out.mounted(carrier, m[0], m[1], m[2]);
        }
    }

    /** The thread's open regions change at {@code time}: its current interval ends there and goes on. */
    private void cut(Track t, long time, List<OpenRegion> regions) {
        if (t.inInterval() && t.start < time) {
            close(t, time, t.waker);
            t.start = time;
            t.continued = true;
        }
        t.regions = regions;
    }

    private void close(Track t, long end, Waker waker) {
        emit(t, new ThreadInterval(t.id, t.state, t.state == ThreadState.BLOCKED ? t.reason : BlockReason.NONE,
                t.start, end, t.stack, t.what, waker, t.regions, t.continued));
    }

    private void emit(Track t, ThreadInterval iv) {
        if (t.virtual) {
            deliver(t, iv); // the JVM reports nothing late about virtual threads
        } else {
            t.pending.addLast(iv);
            holding.add(t);
        }
    }

    private void deliver(Track t, ThreadInterval iv) {
        t.delivered = iv.end();
        if (tracerThreads) {
            out.interval(iv);
        } else if (!isTracer(t.id)) {
            Waker w = iv.waker();
            out.interval(w != null && w.wakerThread() != 0 && isTracer(w.wakerThread()) ? iv.withWaker(Waker.UNKNOWN) : iv);
        }
    }

    private boolean isTracer(long thread) {
        ThreadInfo ti = infos.get(thread);
        return ti != null && ti.tracer();
    }

    // ---- late facts --------------------------------------------------------------------------

    private void late(Event e) {
        switch (e.type()) {
            case BLOCK -> {
                if (e.thread() == 0) {
                    return;
                }
                Track t = track(e.thread());
                t.lateBlockStart = e.time();
                t.lateReason = BlockReason.ofCode(e.arg("reason"));
                t.lateStack = stacks.resolve(g, e.stackId());
                t.lateWhat = g.string(e.arg("blocker"));
            }
            case UNBLOCK -> {
                Track t = tracks.get(e.arg("target"));
                Waker waker = wakerOf(e).reportedLate();
                if (t == null || t.virtual) {
                    lateTooLate++;
                } else if (t.lateBlockStart >= 0) {
                    long from = t.lateBlockStart;
                    t.lateBlockStart = -1;
                    carve(t, from, Math.max(from, e.time()), waker);
                } else if (waker.wakerThread() != 0) {
                    notified(t, e.time(), waker);
                }
            }
            default -> { } // RUN: carve already resumed the thread; GC and safepoints concern no thread
        }
    }

    /**
     * A block the JVM reported late, [from, to): carved out of the thread's running time. A new
     * thread's time from its creation to its first live event shows as runnable (the recorder
     * learns that it started only then); a late block in it proves it ran: the block is carved out
     * of it, and it runs from the block's end.
     */
    private void carve(Track t, long from, long to, Waker waker) {
        if (t.delivered > from) {
            lateTooLate++;
            return;
        }
        List<ThreadInterval> rebuilt = new ArrayList<>(t.pending.size() + 4);
        boolean first = true;
        for (ThreadInterval iv : t.pending) {
            boolean startUnseen = iv.state() == ThreadState.RUNNABLE && iv.start() == t.createdAt;
            if (!(iv.state() == ThreadState.RUNNING || startUnseen) || iv.end() <= from || iv.start() >= to) {
                rebuilt.add(iv);
                continue;
            }
            long bs = Math.max(iv.start(), from);
            long be = Math.min(iv.end(), to);
            if (bs > iv.start()) {
                rebuilt.add(iv.between(iv.start(), bs, iv.continued()));
            }
            rebuilt.add(new ThreadInterval(t.id, ThreadState.BLOCKED, t.lateReason, bs, be, t.lateStack, t.lateWhat,
                    waker, iv.regions(), !first));
            first = false;
            if (be < iv.end()) {
                rebuilt.add(new ThreadInterval(t.id, ThreadState.RUNNING, BlockReason.NONE, be, iv.end(),
                        null, "", null, iv.regions(), false));
            }
        }
        boolean currentStartUnseen = t.state == ThreadState.RUNNABLE && t.start == t.createdAt;
        if ((t.state == ThreadState.RUNNING || currentStartUnseen) && t.start < to) {
            long bs = Math.max(t.start, from);
            if (bs > t.start) {
                rebuilt.add(new ThreadInterval(t.id, t.state, BlockReason.NONE, t.start, bs, t.stack, t.what,
                        t.waker, t.regions, t.continued));
            }
            rebuilt.add(new ThreadInterval(t.id, ThreadState.BLOCKED, t.lateReason, bs, to, t.lateStack, t.lateWhat,
                    waker, t.regions, !first));
            first = false;
            t.state = ThreadState.RUNNING;
            t.stack = null;
            t.what = "";
            t.waker = null;
            t.start = to;
            t.continued = false;
        }
        if (first) {
            lateTooLate++; // it overlaps no running time we still hold
            return;
        }
        lateApplied++;
        t.pending.clear();
        t.pending.addAll(rebuilt);
        holding.add(t);
    }

    /** The JVM named who notified a wait (or a join) that live events could only call unknown. */
    private void notified(Track t, long time, Waker waker) {
        List<ThreadInterval> list = new ArrayList<>(t.pending);
        int best = -1;
        long bestDistance = NOTIFY_MATCH_NANOS + 1;
        for (int i = 0; i < list.size(); i++) {
            ThreadInterval iv = list.get(i);
            long d = Math.abs(iv.end() - time);
            if (iv.state() == ThreadState.BLOCKED && waits(iv.reason()) && iv.waker() != null
                    && iv.waker().kind() == WakerKind.UNKNOWN && d < bestDistance) {
                best = i;
                bestDistance = d;
            }
        }
        if (best < 0) {
            if (t.state == ThreadState.BLOCKED && waits(t.reason) && t.start <= time) {
                t.lateNotifier = waker; // the wait's live end is yet to come
                lateApplied++;
            } else {
                lateTooLate++;
                unmatchedNotifies++;
            }
            return;
        }
        ThreadInterval wait = list.get(best);
        list.set(best, wait.withWaker(waker));
        if (best + 1 < list.size()) {
            ThreadInterval next = list.get(best + 1);
            if (next.state() == ThreadState.RUNNABLE && next.start() == wait.end() && isUnknown(next.waker())) {
                list.set(best + 1, next.withWaker(waker));
            }
        } else if (t.state == ThreadState.RUNNABLE && t.start == wait.end() && isUnknown(t.waker)) {
            t.waker = waker;
        }
        t.pending.clear();
        t.pending.addAll(list);
        lateApplied++;
    }

    /** Blocks that are an Object.wait underneath (Thread.join waits on the thread). */
    private static boolean waits(BlockReason r) {
        return r == BlockReason.WAIT || r == BlockReason.JOIN;
    }

    private static boolean isUnknown(Waker w) {
        return w != null && w.kind() == WakerKind.UNKNOWN;
    }

    /** Hands every delivery to several listeners. */
    private record AllListeners(List<TimelineListener> all) implements TimelineListener {
        @Override
        public void started(ThreadDirectory threads) {
            all.forEach(l -> l.started(threads));
        }

        @Override
        public void interval(ThreadInterval interval) {
            all.forEach(l -> l.interval(interval));
        }

        @Override
        public void mounted(long carrier, long vthread, long start, long end) {
            all.forEach(l -> l.mounted(carrier, vthread, start, end));
        }

        @Override
        public void taskBegin(long task, long parent, String type, long time, long thread) {
            all.forEach(l -> l.taskBegin(task, parent, type, time, thread));
        }

        @Override
        public void taskEnd(long task, String type, long time, long thread) {
            all.forEach(l -> l.taskEnd(task, type, time, thread));
        }

        @Override
        public void region(long thread, OpenRegion region, long end) {
            all.forEach(l -> l.region(thread, region, end));
        }

        @Override
        public void horizon(long time) {
            all.forEach(l -> l.horizon(time));
        }
    }
}
