package io.jtrace.analysis.wakeups;

import io.jtrace.analysis.ThreadGroups;
import io.jtrace.analysis.latency.LatencyHistogram;
import io.jtrace.analysis.timeline.Stack;
import io.jtrace.analysis.timeline.ThreadDescription;
import io.jtrace.analysis.timeline.ThreadDirectory;
import io.jtrace.analysis.timeline.ThreadInterval;
import io.jtrace.analysis.timeline.TimelineListener;
import io.jtrace.analysis.timeline.Waker;
import io.jtrace.format.BlockReason;
import io.jtrace.format.StackFrame;
import io.jtrace.format.ThreadState;
import io.jtrace.format.WakerKind;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@link WakeupGraph} from the intervals of the one validated pass ({@link
 * io.jtrace.analysis.timeline.Timeline}), so that {@code wakeups} names the same waker for a wait
 * as {@code threads} and the profiles do, late facts included (a monitor's previous owner, the
 * notifier of an Object.wait). A wake-up is the end of a BLOCKED interval by a waker; its latency
 * runs from there to the end of the RUNNABLE time that follows (none: 0); the waker's stack is the
 * one that began that RUNNABLE time, when the waker was the thread that recorded it.
 *
 * <p>Memory: the edges and their stacks, and one entry per thread woken and not yet seen running.
 */
final class WakeupAnalysis implements TimelineListener {
    private final boolean byThread;
    private final int frames;
    private ThreadDirectory threads;
    private final Map<EdgeKey, EdgeStats> edges = new HashMap<>();
    /** A thread's last BLOCKED interval ended by a waker, until the thread's next interval. */
    private final Map<Long, ThreadInterval> lastBlock = new HashMap<>();
    /** Woken threads in their RUNNABLE time: since when, and whose edge gets the latency. */
    private final Map<Long, Pending> runnable = new HashMap<>();
    private final Map<Stack, List<String>> stackKeys = new IdentityHashMap<>();
    private long wakeups;

    WakeupAnalysis(boolean byThread, int frames) {
        this.byThread = byThread;
        this.frames = frames;
    }

    private record EdgeKey(WakeNode waker, WakeNode wakee) {}

    private static final class EdgeStats {
        final LatencyHistogram latency = new LatencyHistogram();
        final Map<List<String>, long[]> stacks = new HashMap<>();
        long count;
        long late;
    }

    private record Pending(long since, EdgeStats edge) {}

    @Override
    public void started(ThreadDirectory directory) {
        this.threads = directory;
    }

    @Override
    public void interval(ThreadInterval iv) {
        long thread = iv.thread();
        Pending p = runnable.remove(thread);
        if (p != null) {
            if (iv.state() == ThreadState.RUNNABLE) {
                runnable.put(thread, p); // still waiting to run
            } else {
                p.edge.latency.record(iv.start() - p.since);
            }
        }
        ThreadInterval block = lastBlock.remove(thread);
        if (iv.state() == ThreadState.BLOCKED && iv.waker() != null) {
            lastBlock.put(thread, iv); // a later piece of the same block (continued) replaces it
            return;
        }
        if (block != null && block.end() == iv.start() && !(iv.state() == ThreadState.BLOCKED && iv.continued())) {
            woken(block, iv);
        }
    }

    /** {@code block} ended by its waker; {@code next} is what the thread did from then on (null: the trace ended). */
    private void woken(ThreadInterval block, ThreadInterval next) {
        if (block.reason() == BlockReason.IDLE) {
            return; // a pool worker given work: the pool's own signal, which the recorder does not see
        }
        Waker w = block.waker();
        EdgeStats edge = edge(node(w), node(block.thread()));
        edge.count++;
        wakeups++;
        if (w.late()) {
            edge.late++;
        }
        if (next == null) {
            return; // woken as the trace ended: no latency to measure
        }
        if (next.state() == ThreadState.RUNNABLE) {
            if (w.kind() == WakerKind.CURRENT && next.stack() != null) {
                List<String> key = stackKey(next.stack());
                if (!key.isEmpty()) {
                    edge.stacks.computeIfAbsent(key, k -> new long[1])[0]++;
                }
            }
            runnable.put(block.thread(), new Pending(next.start(), edge));
        } else {
            edge.latency.record(next.start() - block.end()); // ran at once (a monitor's hand-over)
        }
    }

    WakeupGraph finish(int topStacks, boolean truncated, long unmatchedLateNotifies) {
        for (ThreadInterval block : lastBlock.values()) {
            woken(block, null);
        }
        lastBlock.clear();
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

    private EdgeStats edge(WakeNode waker, WakeNode wakee) {
        return edges.computeIfAbsent(new EdgeKey(waker, wakee), k -> new EdgeStats());
    }

    private WakeNode node(Waker w) {
        return switch (w.kind()) {
            case CURRENT, THREAD -> w.thread() == 0 ? WakeNode.UNKNOWN : node(w.thread());
            case TIMER -> WakeNode.TIMER;
            case UNKNOWN -> WakeNode.UNKNOWN;
        };
    }

    private WakeNode node(long thread) {
        ThreadDescription d = threads.describe(thread);
        return WakeNode.threads(byThread ? ThreadGroups.byThread(thread, d.name(), d.virtual())
                : ThreadGroups.group(d.name(), d.virtual(), d.entry()));
    }

    private List<String> stackKey(Stack s) {
        return stackKeys.computeIfAbsent(s, k -> {
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
