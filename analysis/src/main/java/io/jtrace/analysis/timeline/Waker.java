package io.jtrace.analysis.timeline;

import io.jtrace.format.WakerKind;

/**
 * Who made a thread runnable: a thread ({@code kind} CURRENT or THREAD, {@code thread} its id), a
 * timer, or nobody the recorder could see (UNKNOWN).
 */
public record Waker(WakerKind kind, long thread) {
    public static final Waker UNKNOWN = new Waker(WakerKind.UNKNOWN, 0);
    public static final Waker TIMER = new Waker(WakerKind.TIMER, 0);

    /** The waking thread's id, or 0 for a timer or an unknown waker. */
    public long wakerThread() {
        return kind == WakerKind.CURRENT || kind == WakerKind.THREAD ? thread : 0;
    }
}
