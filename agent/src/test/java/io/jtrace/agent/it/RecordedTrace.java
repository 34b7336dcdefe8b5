package io.jtrace.agent.it;

import io.jtrace.analysis.state.ThreadStateMachine;
import io.jtrace.analysis.state.ValidationError;
import io.jtrace.format.BlockReason;
import io.jtrace.format.Event;
import io.jtrace.format.EventType;
import io.jtrace.format.Generation;
import io.jtrace.format.StackFrame;
import io.jtrace.format.StackTrace;
import io.jtrace.format.ThreadInfo;
import io.jtrace.format.TraceReader;
import io.jtrace.format.UnmountReason;
import io.jtrace.format.WakerKind;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A whole recorded trace in memory (test traces are small), with the questions the tests ask of it. */
final class RecordedTrace {
    /** An event and the generation whose tables resolve it. */
    record Ev(Generation gen, Event event) {
        EventType type() {
            return event.type();
        }

        long thread() {
            return event.thread();
        }

        long arg(String name) {
            return event.arg(name);
        }

        List<StackFrame> stack() {
            StackTrace s = gen.stack(event.stackId());
            return s == null ? List.of() : s.frames();
        }

        BlockReason reason() {
            return BlockReason.ofCode(event.arg("reason"));
        }

        WakerKind waker() {
            return WakerKind.ofCode(event.arg("waker"));
        }

        /** Short, for assertion messages: the generation's whole content would drown the report. */
        @Override
        public String toString() {
            return event.type() + " at " + event.time() + " ns, thread " + event.thread() + ", generation " + gen.number();
        }

        /** The first frame outside the JDK: where the application called into it. */
        StackFrame firstAppFrame() {
            for (StackFrame f : stack()) {
                if (!f.className().startsWith("java.") && !f.className().startsWith("jdk.") && !f.className().startsWith("sun.")) {
                    return f;
                }
            }
            return null;
        }
    }

    final List<Ev> events = new ArrayList<>();
    final Map<Long, ThreadInfo> threads = new HashMap<>();
    final List<ValidationError> errors;
    final long validationErrors;
    long lost;
    final boolean truncated;

    private RecordedTrace(Path file) throws IOException {
        ThreadStateMachine states = new ThreadStateMachine();
        try (TraceReader r = TraceReader.open(file)) {
            Generation g;
            while ((g = r.next()) != null) {
                states.generation(g);
                threads.putAll(g.threads());
                lost += g.lostEvents();
                for (Event e : g.events()) {
                    events.add(new Ev(g, e));
                }
            }
            truncated = r.truncated();
        }
        errors = states.errors();
        validationErrors = states.errorCount();
    }

    static RecordedTrace read(Path file) throws IOException {
        return new RecordedTrace(file);
    }

    /** The id of the thread with this name (the tests name their threads uniquely). */
    long thread(String name) {
        List<Long> ids = threads.values().stream().filter(t -> t.name().equals(name)).map(ThreadInfo::threadId).toList();
        if (ids.size() != 1) {
            throw new AssertionError("expected one thread named " + name + ", found " + ids + " among " + threads.values());
        }
        return ids.get(0);
    }

    List<Ev> of(EventType type) {
        return events.stream().filter(e -> e.type() == type).toList();
    }

    List<Ev> of(EventType type, long thread) {
        return events.stream().filter(e -> e.type() == type && e.thread() == thread).toList();
    }

    /** A virtual thread's unmount: an UNMOUNT event, or its BLOCK while mounted (docs/format.md, MOUNT / UNMOUNT). */
    record Unmount(long vthread, UnmountReason reason, long time) {}

    /**
     * Every unmount of a virtual thread, written or implied, by the format's rule: a virtual
     * thread's BLOCK while mounted is its unmount, unless its next event is a RUN (it never left
     * its carrier); versions before 4 write the UNMOUNT after the BLOCK, which then counts once.
     */
    List<Unmount> unmounts() {
        List<Ev> byTime = new ArrayList<>(events);
        byTime.sort(java.util.Comparator.comparingLong(e -> e.event().time()));
        Map<Long, Long> blockedAt = new HashMap<>();
        java.util.Set<Long> mounted = new java.util.HashSet<>();
        List<Unmount> out = new ArrayList<>();
        for (Ev e : byTime) {
            switch (e.type()) {
                case MOUNT -> {
                    long v = e.arg("vthread");
                    Long blocked = blockedAt.remove(v);
                    if (blocked != null) {
                        out.add(new Unmount(v, UnmountReason.BLOCK, blocked));
                    }
                    mounted.add(v);
                }
                case UNMOUNT -> {
                    long v = e.arg("vthread");
                    blockedAt.remove(v);
                    mounted.remove(v);
                    out.add(new Unmount(v, UnmountReason.ofCode(e.arg("reason")), e.event().time()));
                }
                case BLOCK -> {
                    if (!e.event().late() && mounted.contains(e.thread())) {
                        blockedAt.put(e.thread(), e.event().time());
                    }
                }
                case RUN -> blockedAt.remove(e.thread());
                default -> { }
            }
        }
        blockedAt.forEach((v, time) -> out.add(new Unmount(v, UnmountReason.BLOCK, time)));
        out.sort(java.util.Comparator.comparingLong(Unmount::time));
        return out;
    }

    /** UNBLOCK events whose target is {@code thread}. */
    List<Ev> unblocksOf(long thread) {
        return events.stream().filter(e -> e.type() == EventType.UNBLOCK && e.arg("target") == thread).toList();
    }
}
