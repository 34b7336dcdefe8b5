package io.jtrace.format;

/** A thread's scheduling state, as carried by {@link EventType#STATUS}. Codes are wire values. */
public enum ThreadState {
    NOT_EXIST(0), RUNNABLE(1), RUNNING(2), BLOCKED(3), NATIVE(4), TERMINATED(5);

    public final int code;

    ThreadState(int code) {
        this.code = code;
    }

    /** The state with this code, or null. */
    public static ThreadState ofCode(long code) {
        for (ThreadState s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return null;
    }
}
