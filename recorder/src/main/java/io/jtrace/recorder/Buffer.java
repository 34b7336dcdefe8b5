package io.jtrace.recorder;

/**
 * One batch in the making: a byte array owned by one {@link Writer} at a time, then handed to the
 * background writer when full or when its generation ends, then recycled through the
 * {@link BufferPool}.
 */
final class Buffer {
    final byte[] data;
    /** Bytes of events written (valid once handed off). */
    int length;
    /** The generation the events belong to. */
    long gen;
    /** Time of the buffer's first event, ns since trace start; event deltas count from here. */
    long baseTime;
    /** The writer that filled it (its id goes into the batch header). */
    int writerId;
    /** Link in the {@link FullBuffers} stack. */
    Buffer next;

    Buffer(int size) {
        data = new byte[size];
    }
}
