package io.jtrace.format;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte array with varint writers: builds record bodies off the hot path
 * (string, stack and thread tables; test traces). Reused across records with {@link #reset}.
 */
public final class ByteSink {
    private byte[] buf;
    private int pos;

    public ByteSink(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    public ByteSink varint(long v) {
        ensure(Varint.MAX_BYTES);
        pos = Varint.put(buf, pos, v);
        return this;
    }

    public ByteSink u8(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
        return this;
    }

    public ByteSink bytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
        return this;
    }

    /**
     * A varint length, then the UTF-8 bytes of {@code s}. An ASCII string (nearly every class,
     * method and thread name) is copied char by char, with no byte array per string: the writer
     * writes tens of thousands of names a generation.
     */
    public ByteSink string(String s) {
        int n = s.length();
        if (isAscii(s, n)) {
            ensure(Varint.MAX_BYTES + n);
            pos = Varint.put(buf, pos, n);
            for (int i = 0; i < n; i++) {
                buf[pos + i] = (byte) s.charAt(i);
            }
            pos += n;
            return this;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        varint(b.length);
        return bytes(b, 0, b.length);
    }

    private static boolean isAscii(String s, int n) {
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    public int size() {
        return pos;
    }

    public byte[] array() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    public ByteSink reset() {
        pos = 0;
        return this;
    }

    private void ensure(int n) {
        if (pos + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }
}
