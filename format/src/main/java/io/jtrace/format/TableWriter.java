package io.jtrace.format;

import java.util.function.ToLongFunction;

/**
 * Builds the bodies of the per-generation table records (docs/format.md, "Tables").
 * The caller appends entries, then hands {@link #body()} to {@link TraceEncoder#record}.
 */
public final class TableWriter {
    private final ByteSink entries = new ByteSink(4096);
    private final ByteSink body = new ByteSink(4096);
    private int count;

    /** Starts a new table; entries appended before are discarded. */
    public TableWriter reset() {
        entries.reset();
        count = 0;
        return this;
    }

    public TableWriter string(long id, String s) {
        entries.varint(id).string(s);
        count++;
        return this;
    }

    /** A stack entry; frame strings become ids through {@code stringId}. */
    public TableWriter stack(StackTrace stack, ToLongFunction<String> stringId) {
        entries.varint(stack.id()).varint(stack.truncated() ? Wire.STACK_TRUNCATED : 0)
                .varint(stack.frames().size());
        for (StackFrame f : stack.frames()) {
            entries.varint(stringId.applyAsLong(f.className()))
                    .varint(stringId.applyAsLong(f.methodName()))
                    .varint(stringId.applyAsLong(f.descriptor()))
                    .varint(stringId.applyAsLong(f.fileName()))
                    .varint(f.line() + 1L)
                    .varint(f.bci() + 1L)
                    .varint(f.kind());
        }
        count++;
        return this;
    }

    public TableWriter thread(ThreadInfo t) {
        return thread(t.threadId(), t.name(), t.virtual(), t.daemon(), t.ended(), t.tracer());
    }

    /**
     * A thread entry from its parts: the recorder writes one per thread, no object each. The name
     * goes inline, not through the string table: most threads' names are used once (a virtual
     * thread per request), so interning them only cost the writer a map insert each.
     */
    public TableWriter thread(long threadId, String name, boolean virtual, boolean daemon, boolean ended, boolean tracer) {
        int flags = (virtual ? Wire.THREAD_VIRTUAL : 0) | (daemon ? Wire.THREAD_DAEMON : 0)
                | (ended ? Wire.THREAD_ENDED : 0) | (tracer ? Wire.THREAD_TRACER : 0);
        entries.varint(threadId).string(name).varint(flags);
        count++;
        return this;
    }

    public int count() {
        return count;
    }

    /** The record body: generation, entry count, entries. Valid until the next call. */
    public ByteSink body(long gen) {
        body.reset().varint(gen).varint(count).bytes(entries.array(), 0, entries.size());
        return body;
    }
}
