package io.jtrace.format;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds traces byte by byte with the real {@link TraceEncoder}, for tests of the reader on inputs
 * the recorder never writes (unknown event types, broken tables). Unlike
 * {@link TraceEncoder#header()} it can declare extra event specs in the header.
 */
final class HandBuiltTrace {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final TraceEncoder enc = new TraceEncoder(out);

    /** A header declaring every known event type plus {@code extra}. */
    static HandBuiltTrace withSpecs(EventSpec... extra) {
        HandBuiltTrace t = new HandBuiltTrace();
        List<EventSpec> specs = new ArrayList<>();
        for (EventType type : EventType.values()) {
            specs.add(type.spec());
        }
        specs.addAll(List.of(extra));
        t.out.writeBytes(Wire.MAGIC);
        t.out.write(Wire.VERSION);
        t.out.write(0);
        ByteSink body = new ByteSink(512).varint(specs.size());
        for (EventSpec s : specs) {
            body.varint(s.code()).string(s.name()).varint(s.flags()).varint(s.argCount());
        }
        t.record(Wire.SPECS, body);
        return t;
    }

    /** A header written by {@link TraceEncoder#header()} itself. */
    static HandBuiltTrace standard() {
        HandBuiltTrace t = new HandBuiltTrace();
        try {
            t.enc.header();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return t;
    }

    HandBuiltTrace beginGeneration(long gen, long startTime) {
        return io(() -> enc.beginGeneration(gen, startTime, 1_700_000_000_000_000_000L));
    }

    HandBuiltTrace batch(long writer, long gen, long baseTime, Batch events) {
        return io(() -> enc.batch(writer, gen, baseTime, events.sink.array(), 0, events.sink.size()));
    }

    /** The string, stack and thread tables, the lost count and the generation end. */
    HandBuiltTrace endGeneration(long gen, long endTime, TableWriter strings, TableWriter stacks,
                                 TableWriter threads, long lost) {
        return endGeneration(gen, endTime, strings, stacks, threads.body(gen), lost);
    }

    /** As above, with the thread table's body given as bytes (an older version's layout). */
    HandBuiltTrace endGeneration(long gen, long endTime, TableWriter strings, TableWriter stacks,
                                 ByteSink threads, long lost) {
        record(Wire.STRINGS, strings.body(gen));
        record(Wire.STACKS, stacks.body(gen));
        record(Wire.THREADS, threads);
        return io(() -> {
            enc.lost(gen, lost);
            enc.endGeneration(gen, endTime);
        });
    }

    /** A generation end with empty tables. */
    HandBuiltTrace endGeneration(long gen, long endTime) {
        return endGeneration(gen, endTime, new TableWriter(), new TableWriter(), new TableWriter(), 0);
    }

    HandBuiltTrace record(int kind, ByteSink body) {
        return io(() -> enc.record(kind, body.array(), 0, body.size()));
    }

    HandBuiltTrace end() {
        return io(enc::end);
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** Reads every generation of {@code trace}; the reader's truncated flag is in the result. */
    static Read read(byte[] trace) throws IOException {
        try (TraceReader r = new TraceReader(new ByteArrayInputStream(trace))) {
            List<Generation> gens = new ArrayList<>();
            for (Generation g; (g = r.next()) != null; ) {
                gens.add(g);
            }
            return new Read(gens, r.truncated());
        }
    }

    record Read(List<Generation> generations, boolean truncated) {}

    private interface IoAction {
        void run() throws IOException;
    }

    private HandBuiltTrace io(IoAction a) {
        try {
            a.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** The event bytes of one batch: code, time delta if timed, varint args, tail if any. */
    static final class Batch {
        final ByteSink sink = new ByteSink(256);

        /** A known event type, laid out by its spec. */
        Batch event(EventType type, long delta, long... args) {
            if (args.length != type.args.size()) {
                throw new IllegalArgumentException(type + " takes " + type.args.size() + " args");
            }
            return raw(type.code, type.timed ? delta : null, args, type.hasTail ? "" : null);
        }

        /** A LOG event with its message. */
        Batch log(long delta, long task, long category, long stack, String message) {
            return raw(EventType.LOG.code, delta, new long[] {task, category, stack}, message);
        }

        Batch threadSwitch(long thread) {
            return raw(EventType.THREAD_SWITCH.code, null, new long[] {thread}, null);
        }

        /** Any event: {@code delta} null for untimed, {@code tail} null for none. */
        Batch raw(int code, Long delta, long[] args, String tail) {
            sink.u8(code);
            if (delta != null) {
                sink.varint(delta);
            }
            for (long a : args) {
                sink.varint(a);
            }
            if (tail != null) {
                byte[] b = tail.getBytes(StandardCharsets.UTF_8);
                sink.varint(b.length).bytes(b, 0, b.length);
            }
            return this;
        }
    }
}
