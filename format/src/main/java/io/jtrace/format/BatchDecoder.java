package io.jtrace.format;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Decodes and validates the events of one generation's batches. */
final class BatchDecoder {
    private final long gen;
    private final EventSpec[] specs;
    private final Map<Long, String> strings;
    private final Map<Long, StackTrace> stacks;
    private long skipped;

    BatchDecoder(long gen, EventSpec[] specs, Map<Long, String> strings, Map<Long, StackTrace> stacks) {
        this.gen = gen;
        this.specs = specs;
        this.strings = strings;
        this.stacks = stacks;
    }

    long skipped() {
        return skipped;
    }

    void decode(byte[] body, long bodyOffset, List<Event> out) throws TraceFormatException {
        BodyCursor c = new BodyCursor(body, bodyOffset);
        c.varint(); // writer id: identifies the buffer, not needed to order events
        long at = c.offset();
        long batchGen = c.varint();
        if (batchGen != gen) {
            throw new TraceFormatException(at, "batch of generation " + batchGen + " inside generation " + gen);
        }
        long time = c.varint();
        long thread = 0;
        boolean late = false;
        while (c.hasMore()) {
            long eventAt = c.offset();
            int code = c.u8();
            EventSpec spec = specs[code];
            if (spec == null) {
                throw new TraceFormatException(eventAt, "event code " + code + " is not declared in the trace header");
            }
            if (spec.timed()) {
                long delta = c.varint();
                time += delta;
                if (delta < 0 || time < 0) {
                    throw new TraceFormatException(eventAt, "time delta overflows");
                }
            }
            long[] args = new long[spec.argCount()];
            for (int i = 0; i < args.length; i++) {
                args[i] = c.varint();
            }
            String tail = null;
            if (spec.hasTail()) {
                int len = c.length("tail length");
                byte[] b = new byte[len];
                for (int i = 0; i < len; i++) {
                    b[i] = (byte) c.u8();
                }
                tail = new String(b, StandardCharsets.UTF_8);
            }
            EventType type = EventType.ofCode(code);
            if (type == null) {
                skipped++;
                continue;
            }
            validate(type, args, eventAt);
            if (type == EventType.THREAD_SWITCH) {
                thread = args[0];
                continue;
            }
            if (type == EventType.LATE) {
                late = true;
                continue;
            }
            out.add(new Event(type, time, thread, args, tail, late));
            late = false;
        }
    }

    private void validate(EventType type, long[] args, long at) throws TraceFormatException {
        for (int i = 0; i < args.length; i++) {
            long v = args[i];
            String bad = switch (type.args.get(i).kind()) {
                case STRING -> v != 0 && !strings.containsKey(v) ? "string id " + v + " is not in the string table" : null;
                case STACK -> v != 0 && !stacks.containsKey(v) ? "stack id " + v + " is not in the stack table" : null;
                case STATE -> ThreadState.ofCode(v) == null ? "unknown thread state " + v : null;
                case REASON -> BlockReason.ofCode(v) == null ? "unknown block reason " + v : null;
                case WAKER -> WakerKind.ofCode(v) == null ? "unknown waker kind " + v : null;
                case UNMOUNT_REASON -> UnmountReason.ofCode(v) == null ? "unknown unmount reason " + v : null;
                default -> null;
            };
            if (bad != null) {
                throw new TraceFormatException(at, type + ": " + bad + " of generation " + gen);
            }
        }
    }
}
