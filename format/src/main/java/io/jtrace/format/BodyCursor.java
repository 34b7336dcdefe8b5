package io.jtrace.format;

import java.nio.charset.StandardCharsets;

/** Reads varints and strings from one record body, reporting errors at absolute file offsets. */
final class BodyCursor {
    private final byte[] b;
    private final long baseOffset;
    private int pos;
    private final int end;

    BodyCursor(byte[] body, long baseOffset) {
        this(body, 0, body.length, baseOffset);
    }

    BodyCursor(byte[] body, int from, int to, long baseOffset) {
        this.b = body;
        this.pos = from;
        this.end = to;
        this.baseOffset = baseOffset;
    }

    boolean hasMore() {
        return pos < end;
    }

    int remaining() {
        return end - pos;
    }

    /** Absolute file offset of the next byte. */
    long offset() {
        return baseOffset + pos;
    }

    int position() {
        return pos;
    }

    int u8() throws TraceFormatException {
        if (pos >= end) {
            throw error("record ends inside a value");
        }
        return b[pos++] & 0xFF;
    }

    long varint() throws TraceFormatException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw error("record ends inside a varint");
            }
            int x = b[pos++];
            if (shift == 63 && (x & 0x7E) != 0) {
                throw error("varint overflows 64 bits");
            }
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                return v;
            }
        }
        throw error("varint longer than 10 bytes");
    }

    /** A varint that must lie in [0, max]. */
    int bounded(long max, String what) throws TraceFormatException {
        long at = offset();
        long v = varint();
        if (v < 0 || v > max) {
            throw new TraceFormatException(at, what + " " + Long.toUnsignedString(v) + " out of range [0, " + max + "]");
        }
        return (int) v;
    }

    /** A count of entries each at least {@code minBytes} long: bounded by what the body holds. */
    int count(int minBytes, String what) throws TraceFormatException {
        return bounded(remaining() / Math.max(1, minBytes), what);
    }

    /** A varint byte length that must fit in what is left of the body after it. */
    int length(String what) throws TraceFormatException {
        long at = offset();
        long v = varint();
        if (v < 0 || v > remaining()) {
            throw new TraceFormatException(at, what + " " + Long.toUnsignedString(v) + " exceeds the "
                    + remaining() + " bytes left in the record");
        }
        return (int) v;
    }

    String string() throws TraceFormatException {
        return new String(stringBytes(), StandardCharsets.UTF_8);
    }

    /** A string's bytes as written, for a message about them: decoding would hide a damaged byte. */
    byte[] stringBytes() throws TraceFormatException {
        int len = length("string length");
        byte[] s = java.util.Arrays.copyOfRange(b, pos, pos + len);
        pos += len;
        return s;
    }

    void skip(int n) {
        pos += n;
    }

    TraceFormatException error(String message) {
        return new TraceFormatException(offset(), message);
    }
}
