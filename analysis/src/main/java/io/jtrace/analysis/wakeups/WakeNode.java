package io.jtrace.analysis.wakeups;

/** A node of the wakeup graph: a group of threads, or the timer, or an unknown waker. */
public record WakeNode(Kind kind, String name) {
    public enum Kind { THREADS, TIMER, UNKNOWN }

    public static final WakeNode TIMER = new WakeNode(Kind.TIMER, "(timer)");
    public static final WakeNode UNKNOWN = new WakeNode(Kind.UNKNOWN, "(unknown)");

    public static WakeNode threads(String group) {
        return new WakeNode(Kind.THREADS, group);
    }

    @Override
    public String toString() {
        return name;
    }
}
