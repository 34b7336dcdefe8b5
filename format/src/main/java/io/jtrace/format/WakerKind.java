package io.jtrace.format;

/** Who made a thread runnable in an {@link EventType#UNBLOCK}. Codes are wire values. */
public enum WakerKind {
    /** The thread that wrote the event (the batch's current thread). */
    CURRENT(0),
    /** A timeout expired. */
    TIMER(1),
    /** The waker could not be observed; never a JDK helper thread's name in its place. */
    UNKNOWN(2),
    /** The thread in the event's {@code wakerThread} argument (known after the fact). */
    THREAD(3);

    public final int code;

    WakerKind(int code) {
        this.code = code;
    }

    /** The kind with this code, or null. */
    public static WakerKind ofCode(long code) {
        for (WakerKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        return null;
    }
}
