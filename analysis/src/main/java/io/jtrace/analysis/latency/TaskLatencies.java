package io.jtrace.analysis.latency;

import io.jtrace.analysis.timeline.Breakdown;
import io.jtrace.analysis.timeline.OpenRegion;
import io.jtrace.analysis.timeline.ThreadInterval;
import io.jtrace.analysis.timeline.TimelineListener;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Task latencies by type (begin to end, on whatever threads), and for each task the time by state
 * inside its regions on every thread that worked on it. A task's time is known once every interval
 * before its end has been delivered (the timeline's horizon); only open tasks are held.
 */
public final class TaskLatencies implements TimelineListener {
    private static final class Open {
        final long id;
        final String type;
        final long begin;
        final long thread;
        long end = -1;
        long endThread;
        final Breakdown breakdown = new Breakdown();
        final Set<Long> threads = new LinkedHashSet<>();

        Open(long id, String type, long begin, long thread) {
            this.id = id;
            this.type = type;
            this.begin = begin;
            this.thread = thread;
        }
    }

    private final Map<Long, Open> open = new HashMap<>();
    private final ArrayDeque<Open> ended = new ArrayDeque<>();
    private final Map<String, TypeLatency> byType = new TreeMap<>();
    private long endedWithoutBegin;

    @Override
    public void taskBegin(long task, long parent, String type, long time, long thread) {
        open.put(task, new Open(task, type, time, thread));
    }

    @Override
    public void taskEnd(long task, String type, long time, long thread) {
        Open o = open.get(task);
        if (o == null) {
            endedWithoutBegin++; // began before the trace
            return;
        }
        o.end = time;
        o.endThread = thread;
        ended.add(o);
    }

    @Override
    public void interval(ThreadInterval iv) {
        List<Long> seen = new ArrayList<>(2);
        for (OpenRegion r : iv.regions()) {
            if (r.task() == 0 || seen.contains(r.task())) {
                continue;
            }
            seen.add(r.task());
            Open o = open.get(r.task());
            if (o != null) {
                o.breakdown.add(iv);
                o.threads.add(iv.thread());
            }
        }
    }

    @Override
    public void horizon(long time) {
        // tasks end in time order, so the queue is ordered by end
        while (!ended.isEmpty() && ended.peekFirst().end <= time) {
            Open o = ended.pollFirst();
            open.remove(o.id);
            TypeLatency t = type(o.type);
            t.breakdown().addAll(o.breakdown);
            t.finished(new Instance(o.id, o.thread, o.endThread, o.begin, o.end - o.begin, o.breakdown,
                    List.copyOf(o.threads)));
        }
        if (time == Long.MAX_VALUE) {
            for (Open o : open.values()) {
                type(o.type).unfinished();
            }
            open.clear();
        }
    }

    private TypeLatency type(String t) {
        return byType.computeIfAbsent(t, TypeLatency::new);
    }

    /** By type name. */
    public Map<String, TypeLatency> byType() {
        return byType;
    }

    /** Tasks whose end the trace saw but not their beginning. */
    public long endedWithoutBegin() {
        return endedWithoutBegin;
    }
}
