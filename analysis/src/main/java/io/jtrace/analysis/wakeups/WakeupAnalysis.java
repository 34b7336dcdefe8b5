package io.jtrace.analysis.wakeups;

import io.jtrace.analysis.ThreadGroups;
import io.jtrace.analysis.latency.LatencyHistogram;
import io.jtrace.format.BlockReason;
import io.jtrace.format.Event;
import io.jtrace.format.Generation;
import io.jtrace.format.StackFrame;
import io.jtrace.format.StackTrace;
import io.jtrace.format.ThreadInfo;
import io.jtrace.format.ThreadState;
import io.jtrace.format.UnmountReason;
import io.jtrace.format.WakerKind;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@link WakeupGraph} generation by generation. Memory: the edges and their stacks,
 * the threads blocked or waiting to run at the moment, the thread tables of the last seconds
 * ({@link RecentThreads}), and the Object.wait wake-ups of the last seconds whose notifier the JVM
 * may still report.
 *
 * <p>A wake-up is an UNBLOCK; its latency ends at the wakee's next RUN (platform) or MOUNT
 * (virtual). Late events (docs/format.md) are applied after the generation's live ones: a late
 * BLOCK(monitor)/UNBLOCK/RUN of a platform thread is a monitor handed over by its previous owner,
 * an edge of its own; a lone late UNBLOCK naming a thread is the notifier of an Object.wait whose
 * live UNBLOCK could only say "unknown", and replaces that unknown waker.
 */
final class WakeupAnalysis {
    /** How far apart (ns) a notifier report and the live wake-up of the same wait may be. */
    static final long NOTIFY_MATCH_NANOS = 10_000_000L;

    private final boolean byThread;
    private final int frames;
    private final Map<EdgeKey, EdgeStats> edges = new HashMap<>();
    private final RecentThreads threads = new RecentThreads();
    private final Map<Long, BlockReason> blocked = new HashMap<>();
    private final Map<Long, Pending> runnable = new HashMap<>();
    private final Map<Long, Long> lateBlocked = new HashMap<>();
    private final Map<Long, Pending> lateRunnable = new HashMap<>();
    private final ArrayDeque<WaitWake> awaitingNotifier = new ArrayDeque<>(); // in time order
    private final Map<Long, List<WaitWake>> awaitingByThread = new HashMap<>();
    private final Map<Long, List<String>> stackKeys = new HashMap<>(); // of the current generation
    /**
     * Entry methods ({@link ThreadGroups#entryOf}) of the threads seen with a stack: the same
     * grouping as {@code threads}. A virtual thread's goes when it ends (no late event names it).
     */
    private final Map<Long, String> entries = new HashMap<>();
    private long wakeups;
    private long unmatchedLateNotifies;

    /** Count wake-ups of and by the tracer's own threads (ThreadInfo#tracer) too. */
    private final boolean tracerThreads;

    WakeupAnalysis(boolean byThread, int frames) {
        this(byThread, frames, false);
    }

    WakeupAnalysis(boolean byThread, int frames, boolean tracerThreads) {
        this.byThread = byThread;
        this.frames = frames;
        this.tracerThreads = tracerThreads;
    }

    /** A wake-up that involves a thread of the tracer's, left out unless asked for. */
    private boolean hidden(long target, long waker) {
        return !tracerThreads && (isTracer(target) || isTracer(waker));
    }

    private boolean isTracer(long thread) {
        ThreadInfo i = thread == 0 ? null : threads.get(thread);
        return i != null && i.tracer();
    }

    private record EdgeKey(WakeNode waker, WakeNode wakee) {}

    private static final class EdgeStats {
        final LatencyHistogram latency = new LatencyHistogram();
        final Map<List<String>, long[]> stacks = new HashMap<>();
        long count;
        long late;
    }

    /** A woken thread not yet seen running: since when, and whose edge gets the latency. */
    private static final class Pending {
        final long since;
        final EdgeStats edge;
        final WaitWake wait;

        Pending(long since, EdgeStats edge, WaitWake wait) {
            this.since = since;
            this.edge = edge;
            this.wait = wait;
        }
    }

    /** A platform thread's Object.wait (or join) ended, waker unknown so far: the JVM may name its notifier. */
    private static final class WaitWake {
        final long thread;
        final long time;
        final WakeNode wakee;
        long latency = -1;
        EdgeStats edge; // set once attributed

        WaitWake(long thread, long time, WakeNode wakee) {
            this.thread = thread;
            this.time = time;
            this.wakee = wakee;
        }
    }

    void generation(Generation g) {
        threads.add(g);
        stackKeys.clear();
        for (Event e : g.events()) {
            if (!e.late()) {
                live(g, e);
            }
        }
        for (Event e : g.events()) {
            if (e.late()) {
                late(e);
            }
        }
        attributeUnknownBefore(g.startTime() - RecentThreads.KEEP_NANOS);
    }

    WakeupGraph finish(int topStacks, boolean truncated) {
        attributeUnknownBefore(Long.MAX_VALUE);
        List<WakeEdge> list = new ArrayList<>(edges.size());
        for (Map.Entry<EdgeKey, EdgeStats> en : edges.entrySet()) {
            EdgeStats s = en.getValue();
            List<WakeEdge.StackCount> stacks = new ArrayList<>();
            for (Map.Entry<List<String>, long[]> st : s.stacks.entrySet()) {
                stacks.add(new WakeEdge.StackCount(st.getValue()[0], st.getKey()));
            }
            stacks.sort(Comparator.comparingLong(WakeEdge.StackCount::count).reversed()
                    .thenComparing(c -> String.join("\n", c.frames())));
            LatencyHistogram h = s.latency;
            list.add(new WakeEdge(en.getKey().waker(), en.getKey().wakee(), s.count, s.late, h.count(),
                    h.percentile(0.5), h.percentile(0.99), h.max(), h.sum(),
                    List.copyOf(stacks.subList(0, Math.min(topStacks, stacks.size()))), stacks.size()));
        }
        list.sort(Comparator.comparingLong(WakeEdge::count).reversed()
                .thenComparing(e -> e.waker().name()).thenComparing(e -> e.wakee().name()));
        return new WakeupGraph(List.copyOf(list), wakeups, unmatchedLateNotifies, truncated);
    }

    private void live(Generation g, Event e) {
        if (e.thread() != 0 && e.stackId() != 0 && !entries.containsKey(e.thread())) {
            StackTrace s = g.stack(e.stackId());
            String entry = s == null ? null : ThreadGroups.entryOf(s.frames());
            if (entry != null) {
                entries.put(e.thread(), entry);
            }
        }
        switch (e.type()) {
            case STATUS -> {
                long t = e.arg("thread");
                ThreadState s = ThreadState.ofCode(e.arg("state"));
                if (s == ThreadState.BLOCKED) {
                    blocked.put(t, BlockReason.ofCode(e.arg("reason")));
                } else {
                    blocked.remove(t);
                }
                if (s != ThreadState.RUNNABLE) {
                    runnable.remove(t); // events were lost: what it waited for is not known
                }
            }
            case BLOCK -> {
                blocked.put(e.thread(), BlockReason.ofCode(e.arg("reason")));
                runnable.remove(e.thread());
            }
            case UNBLOCK -> unblock(g, e);
            case RUN -> ran(runnable.remove(e.thread()), e.time());
            case MOUNT -> ran(runnable.remove(e.arg("vthread")), e.time());
            case THREAD_END -> forgetThread(e.thread());
            case UNMOUNT -> {
                if (UnmountReason.ofCode(e.arg("reason")) == UnmountReason.END) {
                    forgetThread(e.arg("vthread"));
                    entries.remove(e.arg("vthread"));
                }
            }
            default -> { }
        }
    }

    private void forgetThread(long thread) {
        blocked.remove(thread);
        runnable.remove(thread);
    }

    private void unblock(Generation g, Event e) {
        long target = e.arg("target");
        BlockReason reason = blocked.remove(target);
        WakerKind kind = WakerKind.ofCode(e.arg("waker"));
        if (reason == BlockReason.IDLE
                || hidden(target, kind == WakerKind.CURRENT ? e.thread() : kind == WakerKind.THREAD ? e.arg("wakerThread") : 0)) {
            return; // a pool worker given work (the pool's own signal, not seen), or the tracer's
        }
        WakeNode wakee = node(target);
        ThreadInfo info = threads.get(target);
        wakeups++;
        if (kind == WakerKind.UNKNOWN && (reason == BlockReason.WAIT || reason == BlockReason.JOIN)
                && info != null && !info.virtual()) {
            // Object.wait, or Thread.join (which waits on the thread): the JVM may name the notifier
            WaitWake w = new WaitWake(target, e.time(), wakee);
            awaitingNotifier.addLast(w);
            awaitingByThread.computeIfAbsent(target, k -> new ArrayList<>(2)).add(w);
            runnable.put(target, new Pending(e.time(), null, w));
            return;
        }
        WakeNode waker = switch (kind) {
            case CURRENT -> e.thread() == 0 ? WakeNode.UNKNOWN : node(e.thread());
            case THREAD -> e.arg("wakerThread") == 0 ? WakeNode.UNKNOWN : node(e.arg("wakerThread"));
            case TIMER -> WakeNode.TIMER;
            case UNKNOWN -> WakeNode.UNKNOWN;
        };
        EdgeStats edge = edge(waker, wakee);
        edge.count++;
        if (kind == WakerKind.CURRENT && e.stackId() != 0) {
            List<String> key = stackKey(g, e.stackId());
            if (!key.isEmpty()) {
                edge.stacks.computeIfAbsent(key, k -> new long[1])[0]++;
            }
        }
        runnable.put(target, new Pending(e.time(), edge, null));
    }

    private void late(Event e) {
        switch (e.type()) {
            case BLOCK -> {
                if (BlockReason.ofCode(e.arg("reason")) == BlockReason.MONITOR) {
                    lateBlocked.put(e.thread(), e.time());
                }
            }
            case UNBLOCK -> {
                long target = e.arg("target");
                WakerKind kind = WakerKind.ofCode(e.arg("waker"));
                long wakerThread = e.arg("wakerThread");
                if (hidden(target, kind == WakerKind.THREAD ? wakerThread : 0)) {
                    lateBlocked.remove(target);
                    return;
                }
                WakeNode waker = kind == WakerKind.THREAD && wakerThread != 0 ? node(wakerThread) : WakeNode.UNKNOWN;
                Long blockedAt = lateBlocked.remove(target);
                if (blockedAt != null && blockedAt <= e.time()) {
                    // a monitor handed over: the trio's UNBLOCK, its RUN follows
                    EdgeStats edge = edge(waker, node(target));
                    edge.count++;
                    edge.late++;
                    wakeups++;
                    lateRunnable.put(target, new Pending(e.time(), edge, null));
                } else if (kind == WakerKind.THREAD) {
                    notified(target, e.time(), waker);
                }
            }
            case RUN -> ran(lateRunnable.remove(e.thread()), e.time());
            default -> { }
        }
    }

    /** The JVM names the notifier of {@code thread}'s wait that ended at {@code time}. */
    private void notified(long thread, long time, WakeNode notifier) {
        List<WaitWake> candidates = awaitingByThread.get(thread);
        WaitWake best = null;
        if (candidates != null) {
            for (WaitWake w : candidates) {
                long d = Math.abs(w.time - time);
                if (d <= NOTIFY_MATCH_NANOS && (best == null || d < Math.abs(best.time - time))) {
                    best = w;
                }
            }
        }
        if (best == null) {
            unmatchedLateNotifies++;
            return;
        }
        forget(best);
        attribute(best, notifier, true);
    }

    /** Wake-ups of waits older than {@code cutoff} keep their unknown waker. */
    private void attributeUnknownBefore(long cutoff) {
        while (!awaitingNotifier.isEmpty() && awaitingNotifier.peekFirst().time < cutoff) {
            WaitWake w = awaitingNotifier.pollFirst();
            if (w.edge == null) {
                forget(w);
                attribute(w, WakeNode.UNKNOWN, false);
            }
        }
    }

    private void forget(WaitWake w) {
        List<WaitWake> l = awaitingByThread.get(w.thread);
        if (l != null) {
            l.remove(w);
            if (l.isEmpty()) {
                awaitingByThread.remove(w.thread);
            }
        }
    }

    private void attribute(WaitWake w, WakeNode waker, boolean late) {
        EdgeStats edge = edge(waker, w.wakee);
        edge.count++;
        if (late) {
            edge.late++;
        }
        w.edge = edge;
        if (w.latency >= 0) {
            edge.latency.record(w.latency);
        }
    }

    private void ran(Pending p, long time) {
        if (p == null) {
            return;
        }
        long latency = time - p.since;
        if (p.edge != null) {
            p.edge.latency.record(latency);
        } else if (p.wait.edge != null) {
            p.wait.edge.latency.record(latency);
        } else {
            p.wait.latency = latency;
        }
    }

    private EdgeStats edge(WakeNode waker, WakeNode wakee) {
        return edges.computeIfAbsent(new EdgeKey(waker, wakee), k -> new EdgeStats());
    }

    private WakeNode node(long thread) {
        ThreadInfo i = threads.get(thread);
        String name = i == null ? null : i.name();
        boolean virtual = i != null && i.virtual();
        return WakeNode.threads(byThread ? ThreadGroups.byThread(thread, name, virtual)
                : ThreadGroups.group(name, virtual, entries.get(thread)));
    }

    private List<String> stackKey(Generation g, long stackId) {
        return stackKeys.computeIfAbsent(stackId, id -> {
            StackTrace s = g.stack(id);
            if (s == null) {
                return List.of();
            }
            List<String> top = new ArrayList<>(Math.min(frames, s.frames().size()));
            for (StackFrame f : s.frames()) {
                if (top.size() == frames) {
                    break;
                }
                top.add(f.toString());
            }
            return List.copyOf(top);
        });
    }
}
