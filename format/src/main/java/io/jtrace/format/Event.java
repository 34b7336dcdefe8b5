package io.jtrace.format;

/**
 * One decoded event. {@code time} is nanoseconds since the trace started; {@code thread} is the
 * thread the event belongs to (0 for events written outside any thread, such as GC events);
 * {@code args} follow {@code type.args}; {@code tail} is the text of events that carry one;
 * {@code late} is set for events the JVM reported after the fact (see {@link EventType#LATE}).
 */
public record Event(EventType type, long time, long thread, long[] args, String tail, boolean late) {

    /** The argument with this name (see {@link EventType#args}). */
    public long arg(String name) {
        int i = type.argIndex(name);
        if (i < 0) {
            throw new IllegalArgumentException(type + " has no argument " + name);
        }
        return args[i];
    }

    /** The stack id of this event, or 0 when its type carries none or none was captured. */
    public long stackId() {
        int i = type.stackArg();
        return i < 0 ? 0 : args[i];
    }
}
