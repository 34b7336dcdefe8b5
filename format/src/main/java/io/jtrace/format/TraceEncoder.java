package io.jtrace.format;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes the file-level records of a trace (header, generation markers, batches, tables) to a
 * stream. Used off the hot path: by the recorder's background writer and by test generators.
 * Table bodies are built by the caller with a {@link ByteSink} in the layouts of docs/format.md;
 * {@link TableWriter} has helpers for them.
 */
public final class TraceEncoder {
    private final OutputStream out;
    private final byte[] head = new byte[1 + Varint.MAX_BYTES];
    private final ByteSink scratch = new ByteSink(256);
    private long bytesWritten;

    public TraceEncoder(OutputStream out) {
        this.out = out;
    }

    /** Magic, version and the spec table of every event type this version writes. */
    public void header() throws IOException {
        out.write(Wire.MAGIC);
        out.write(Wire.VERSION);
        out.write(0);
        bytesWritten += Wire.HEADER_BYTES;
        ByteSink body = new ByteSink(512);
        EventType[] types = EventType.values();
        body.varint(types.length);
        for (EventType t : types) {
            EventSpec s = t.spec();
            body.varint(s.code()).string(s.name()).varint(s.flags()).varint(s.argCount());
        }
        record(Wire.SPECS, body.array(), 0, body.size());
    }

    public void beginGeneration(long gen, long startTime, long wallClockEpochNanos) throws IOException {
        scratch.reset().varint(gen).varint(startTime).varint(wallClockEpochNanos);
        record(Wire.GEN_BEGIN, scratch.array(), 0, scratch.size());
    }

    /** One writer buffer's events: {@code events[off, off+len)} encoded against {@code baseTime}. */
    public void batch(long writerId, long gen, long baseTime, byte[] events, int off, int len)
            throws IOException {
        scratch.reset().varint(writerId).varint(gen).varint(baseTime);
        int headerLen = scratch.size();
        int bodyLen = headerLen + len;
        head[0] = (byte) Wire.BATCH;
        int n = Varint.put(head, 1, bodyLen);
        out.write(head, 0, n);
        out.write(scratch.array(), 0, headerLen);
        out.write(events, off, len);
        bytesWritten += n + bodyLen;
    }

    public void lost(long gen, long lostEvents) throws IOException {
        scratch.reset().varint(gen).varint(lostEvents);
        record(Wire.LOST, scratch.array(), 0, scratch.size());
    }

    public void endGeneration(long gen, long endTime) throws IOException {
        scratch.reset().varint(gen).varint(endTime);
        record(Wire.GEN_END, scratch.array(), 0, scratch.size());
    }

    /** The clean end of a trace: without it a reader reports the file as truncated. */
    public void end() throws IOException {
        record(Wire.END, scratch.array(), 0, 0);
    }

    /** Any record: kind, varint body length, body. */
    public void record(int kind, byte[] body, int off, int len) throws IOException {
        head[0] = (byte) kind;
        int n = Varint.put(head, 1, len);
        out.write(head, 0, n);
        out.write(body, off, len);
        bytesWritten += n + len;
    }

    public void flush() throws IOException {
        out.flush();
    }

    /** Bytes written so far, header included. */
    public long bytesWritten() {
        return bytesWritten;
    }
}
