package io.jtrace.analysis.timeline;

import io.jtrace.format.WakerKind;

/**
 * Who made a thread runnable: a thread ({@code kind} CURRENT or THREAD, {@code thread} its id), a
 * timer, or nobody the recorder could see (UNKNOWN).
 *
 * @param late the JVM reported it after the fact (docs/format.md, "Late events"): the previous
 *             owner of a contended monitor, the notifier of an Object.wait
 */
public record Waker(WakerKind kind, long thread, boolean late) {
    public static final Waker UNKNOWN = new Waker(WakerKind.UNKNOWN, 0);
    public static final Waker TIMER = new Waker(WakerKind.TIMER, 0);

    /** A waker the live events named. */
    public Waker(WakerKind kind, long thread) {
        this(kind, thread, false);
    }

    Waker reportedLate() {
        return new Waker(kind, thread, true);
    }

    /** The waking thread's id, or 0 for a timer or an unknown waker. */
    public long wakerThread() {
        return kind == WakerKind.CURRENT || kind == WakerKind.THREAD ? thread : 0;
    }
}
