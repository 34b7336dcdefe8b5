package io.jtrace;

import io.jtrace.format.ArgKind;
import io.jtrace.format.BlockReason;
import io.jtrace.format.Event;
import io.jtrace.format.EventType;
import io.jtrace.format.Generation;
import io.jtrace.format.StackFrame;
import io.jtrace.format.StackTrace;
import io.jtrace.format.ThreadState;
import io.jtrace.format.TraceReader;
import io.jtrace.format.UnmountReason;
import io.jtrace.format.WakerKind;
import io.jtrace.format.Wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

/** Shared test helpers: record a trace, read it back, describe events, walk the file's records. */
final class TraceFiles {
    private TraceFiles() {}

    /** The seed of a randomized test: printed, and replayed with {@code -Djtrace.seed=N}. */
    static long seed(String test) {
        long seed = Long.getLong("jtrace.seed", System.nanoTime());
        System.out.println(test + " seed=" + seed + " (replay with -Djtrace.seed=" + seed + ")");
        return seed;
    }

    /** Code that may throw, run while tracing. */
    interface Body {
        void run() throws Exception;
    }

    /** Records {@code body} into {@code file}; tracing is stopped even if the body throws. */
    static void record(Path file, TraceOptions options, Body body) throws Exception {
        Trace.start(file, options);
        try {
            body.run();
        } finally {
            Trace.stop();
        }
    }

    /** Records {@code body} into memory and returns the trace's bytes. */
    static byte[] recordToBytes(TraceOptions options, Body body) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Trace.start(out, options);
        try {
            body.run();
        } finally {
            Trace.stop();
        }
        return out.toByteArray();
    }

    /** Every generation of a trace and whether it ended without its end record. */
    record ReadBack(List<Generation> generations, boolean truncated) {
        /** All events, generation after generation. */
        List<Event> events() {
            List<Event> all = new ArrayList<>();
            for (Generation g : generations) {
                all.addAll(g.events());
            }
            return all;
        }

        long lostEvents() {
            return generations.stream().mapToLong(Generation::lostEvents).sum();
        }

        /** {@link #describe} of every event of {@code thread} that {@code filter} accepts, in order. */
        List<String> describedEventsOf(long thread, Predicate<Event> filter) {
            List<String> list = new ArrayList<>();
            for (Generation g : generations) {
                for (Event e : g.events()) {
                    if (e.thread() == thread && filter.test(e)) {
                        list.add(describe(g, e));
                    }
                }
            }
            return list;
        }

        /** Every event paired with its generation, in order. */
        List<Located> located() {
            List<Located> list = new ArrayList<>();
            for (Generation g : generations) {
                for (Event e : g.events()) {
                    list.add(new Located(g, e));
                }
            }
            return list;
        }
    }

    /** An event and the generation that resolves its ids. */
    record Located(Generation g, Event e) {
        String string(String arg) {
            return g.string(e.arg(arg));
        }

        /** The innermost frame of the event's stack, or null when it has none. */
        StackFrame topFrame() {
            StackTrace s = g.stack(e.stackId());
            return s == null || s.frames().isEmpty() ? null : s.frames().getFirst();
        }
    }

    static ReadBack readAll(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    static ReadBack readAll(byte[] trace) throws IOException {
        return read(new ByteArrayInputStream(trace));
    }

    private static ReadBack read(InputStream in) throws IOException {
        try (TraceReader r = new TraceReader(in)) {
            List<Generation> gens = new ArrayList<>();
            for (Generation g; (g = r.next()) != null; ) {
                gens.add(g);
            }
            return new ReadBack(gens, r.truncated());
        }
    }

    /**
     * A reader-independent text form of an event: type, every argument resolved by its kind
     * (strings as text, stacks as their innermost frame, codes as enum names) and the tail. Two
     * reads of the same trace give the same text; so does a model of what a test wrote.
     */
    static String describe(Generation g, Event e) {
        StringBuilder sb = new StringBuilder(e.type().name()).append('{');
        for (int i = 0; i < e.type().args.size(); i++) {
            EventType.Arg arg = e.type().args.get(i);
            long v = e.args()[i];
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(arg.name()).append('=').append(value(g, arg.kind(), v));
        }
        sb.append('}');
        if (e.tail() != null) {
            sb.append(" tail=").append(e.tail());
        }
        return sb.toString();
    }

    private static String value(Generation g, ArgKind kind, long v) {
        return switch (kind) {
            case STRING -> {
                String s = g.string(v);
                if (s == null) {
                    throw new AssertionError("string id " + v + " does not resolve in generation " + g.number());
                }
                yield "\"" + s + "\"";
            }
            case STACK -> {
                if (v == 0) {
                    yield "-";
                }
                StackTrace s = g.stack(v);
                if (s == null) {
                    throw new AssertionError("stack id " + v + " does not resolve in generation " + g.number());
                }
                yield s.frames().isEmpty() ? "(no frames)" : site(s.frames().getFirst());
            }
            case STATE -> String.valueOf(ThreadState.ofCode(v));
            case REASON -> String.valueOf(BlockReason.ofCode(v));
            case WAKER -> String.valueOf(WakerKind.ofCode(v));
            case UNMOUNT_REASON -> String.valueOf(UnmountReason.ofCode(v));
            case NUMBER, THREAD, TASK -> Long.toString(v);
        };
    }

    /** "Class.method:line", how {@link #describe} prints a stack. */
    static String site(StackFrame f) {
        return f.className() + "." + f.methodName() + ":" + f.line();
    }

    /** The call site of the caller of this method, as {@link #site(StackFrame)} prints it. */
    static String here() {
        StackWalker.StackFrame f = StackWalker.getInstance().walk(s -> s.skip(1).findFirst()).orElseThrow();
        return f.getClassName() + "." + f.getMethodName() + ":" + f.getLineNumber();
    }

    /**
     * A small but complete real trace in {@code file}, returned as bytes: at least three
     * generations with every table in use (strings incl. non-ASCII, stacks, threads), written by a
     * platform and a virtual thread with shallow stacks.
     */
    static byte[] smallTrace(Path file) throws Exception {
        TraceOptions options = TraceOptions.defaults().withGenerationPeriod(java.time.Duration.ofMillis(10))
                .withStackDepth(8);
        record(file, options, () -> {
            for (int burst = 0; burst < 3; burst++) {
                int b = burst;
                runThreads(1, 1, i -> {
                    Task task = Trace.newTask("burst ✓");
                    try (Region r = task.region("region " + i)) {
                        task.log("k", "burst " + b + " thread " + i + " ünïcödé 😀");
                        io.jtrace.recorder.Events.block(io.jtrace.format.BlockReason.SLEEP, "java.lang.Thread");
                        io.jtrace.recorder.Events.run();
                    }
                    task.end();
                });
                Thread.sleep(25); // let the generation end
            }
        });
        byte[] bytes = Files.readAllBytes(file);
        if (readAll(bytes).generations().size() < 3) {
            throw new AssertionError("the small trace should have at least three generations");
        }
        return bytes;
    }

    /** Per generation: its number and the described events, to compare two reads. */
    static List<String> summary(Generation g) {
        List<String> list = new ArrayList<>();
        list.add("generation " + g.number() + " [" + g.startTime() + ", " + g.endTime() + "] lost " + g.lostEvents());
        for (Event e : g.events()) {
            list.add(e.time() + " " + e.thread() + " " + describe(g, e));
        }
        return list;
    }

    // ---- the file's record structure (docs: Wire) ----

    /** One top-level record: its kind and the offsets of its kind byte, body and end. */
    record Rec(int kind, int start, int bodyStart, int end) {}

    /** The records after the fixed header, in file order; stops at a record the bytes cut. */
    static List<Rec> records(byte[] trace) {
        List<Rec> list = new ArrayList<>();
        int pos = Wire.HEADER_BYTES;
        while (pos < trace.length) {
            int start = pos;
            int kind = trace[pos++] & 0xFF;
            long len = 0;
            for (int shift = 0; ; shift += 7) {
                if (pos >= trace.length) {
                    return list;
                }
                int b = trace[pos++];
                len |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    break;
                }
            }
            if (pos + len > trace.length) {
                return list;
            }
            list.add(new Rec(kind, start, pos, (int) (pos + len)));
            pos += (int) len;
        }
        return list;
    }

    /**
     * A trace of just generation {@code index} (0-based) of {@code trace}: the header and spec
     * table, that generation's records, and the end record.
     */
    static byte[] singleGeneration(byte[] trace, int index) {
        List<Rec> recs = records(trace);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Rec specs = recs.getFirst();
        out.write(trace, 0, specs.end());
        int seen = -1;
        for (Rec r : recs) {
            if (r.kind() == Wire.GEN_BEGIN) {
                seen++;
            }
            if (seen == index && r.kind() != Wire.END && r != specs) {
                out.write(trace, r.start(), r.end() - r.start());
            }
            if (seen == index && r.kind() == Wire.GEN_END) {
                break;
            }
        }
        out.write(Wire.END);
        out.write(0);
        return out.toByteArray();
    }

    // ---- threads ----

    /**
     * Runs {@code body(i)} on {@code platform} platform threads (i = 0..) and {@code virtual}
     * virtual threads (i = platform..), waits for all, and rethrows the first failure.
     */
    static List<Thread> runThreads(int platform, int virtual, IntConsumer body) throws InterruptedException {
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < platform + virtual; i++) {
            int n = i;
            Thread.Builder b = i < platform ? Thread.ofPlatform().name("p-" + i) : Thread.ofVirtual().name("v-" + i);
            threads.add(b.unstarted(() -> {
                try {
                    body.accept(n);
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError(failures.size() + " thread(s) failed", failures.peek());
            failures.stream().skip(1).limit(3).forEach(e::addSuppressed);
            throw e;
        }
        return threads;
    }

    /** Thread id → index in {@code threads}. */
    static Map<Long, Integer> ids(List<Thread> threads) {
        Map<Long, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < threads.size(); i++) {
            m.put(threads.get(i).threadId(), i);
        }
        return m;
    }
}
