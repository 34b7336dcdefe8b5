package io.jtrace.format;

/**
 * How to skip an event: the part of an {@link EventType} that the trace header repeats for every
 * event type the recorder may write. A reader that meets an event code it does not know as an
 * {@link EventType} still knows from this how many bytes to step over.
 */
public record EventSpec(int code, String name, boolean timed, boolean hasTail, int argCount) {
    static final int FLAG_TIMED = 1;
    static final int FLAG_TAIL = 2;

    int flags() {
        return (timed ? FLAG_TIMED : 0) | (hasTail ? FLAG_TAIL : 0);
    }
}
