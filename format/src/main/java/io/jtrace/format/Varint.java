package io.jtrace.format;

/**
 * Unsigned LEB128: seven bits per byte, low bits first, high bit set on every byte but the
 * last. A value takes 1 byte below 128, 2 below 16384, at most 10 for a full long.
 * The put methods are on the recorder's hot path: no checks, the caller guarantees room.
 */
public final class Varint {
    private Varint() {}

    /** The most bytes one varint takes. */
    public static final int MAX_BYTES = 10;

    /** Writes {@code v} at {@code pos}; returns the position after it. */
    public static int put(byte[] buf, int pos, long v) {
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
        return pos;
    }

    /** How many bytes {@link #put} writes for {@code v}. */
    public static int size(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }
}
