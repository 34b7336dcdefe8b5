package io.jtrace.format;

import java.util.List;

/**
 * The table of event specifications: every event type of the wire format is declared here once.
 * The encoder, the reader, the text dump and docs/format.md all follow this table, and the
 * recorder writes it into every trace header so that a reader can skip event types it does not
 * know (see {@link EventSpec}).
 *
 * <p>On the wire an event is: its code (one byte); if {@link #timed}, the time since the previous
 * timed event of the batch (varint, nanoseconds); then one varint per argument; then, if
 * {@link #hasTail}, a varint byte length and that many bytes (UTF-8 text).
 */
public enum EventType {
    /** The events that follow in this batch belong to {@code thread}. */
    THREAD_SWITCH(0x01, false, false, arg("thread", ArgKind.THREAD)),
    /** The state of {@code thread} at its first appearance in a generation (Go's GoStatus). */
    STATUS(0x02, true, false, arg("thread", ArgKind.THREAD), arg("state", ArgKind.STATE),
            arg("reason", ArgKind.REASON)),
    /** The current thread created {@code newThread} (Runnable from now on). */
    THREAD_CREATE(0x03, true, false, arg("newThread", ArgKind.THREAD), arg("stack", ArgKind.STACK)),
    /** The current thread began running its {@code run} method. */
    THREAD_START(0x04, true, false),
    /** The current thread terminated. */
    THREAD_END(0x05, true, false),
    /** The current thread blocked: why, on what kind of object, and where. */
    BLOCK(0x06, true, false, arg("reason", ArgKind.REASON), arg("blocker", ArgKind.STRING),
            arg("stack", ArgKind.STACK)),
    /**
     * {@code target} became runnable. The waker is the current thread when {@code waker} is
     * {@link WakerKind#CURRENT}, {@code wakerThread} when it is {@link WakerKind#THREAD}, else a
     * timer or unknown; {@code stack} is the waker's stack.
     */
    UNBLOCK(0x07, true, false, arg("target", ArgKind.THREAD), arg("waker", ArgKind.WAKER),
            arg("wakerThread", ArgKind.THREAD), arg("stack", ArgKind.STACK)),
    /** The current (carrier) thread mounted virtual thread {@code vthread}. */
    MOUNT(0x08, true, false, arg("vthread", ArgKind.THREAD)),
    /**
     * The current (carrier) thread unmounted virtual thread {@code vthread}. Not written where the
     * virtual thread's BLOCK on this carrier already said so (version 4: docs/format.md).
     */
    UNMOUNT(0x09, true, false, arg("vthread", ArgKind.THREAD), arg("reason", ArgKind.UNMOUNT_REASON)),
    /** The current thread entered a blocking native call the JVM cannot schedule around. */
    NATIVE_BEGIN(0x0A, true, false, arg("what", ArgKind.STRING), arg("stack", ArgKind.STACK)),
    /** The current thread returned from its native call. */
    NATIVE_END(0x0B, true, false),
    /** A garbage collection began. */
    GC_BEGIN(0x0C, true, false, arg("gcId", ArgKind.NUMBER), arg("name", ArgKind.STRING)),
    /** A garbage collection ended. */
    GC_END(0x0D, true, false, arg("gcId", ArgKind.NUMBER)),
    /** All application threads were stopped at a safepoint. */
    SAFEPOINT_BEGIN(0x0E, true, false),
    /** The safepoint ended. */
    SAFEPOINT_END(0x0F, true, false),
    /** Heap usage in bytes. */
    HEAP(0x10, true, false, arg("used", ArgKind.NUMBER), arg("committed", ArgKind.NUMBER)),
    /** A user task began (Go's trace.NewTask). */
    TASK_BEGIN(0x11, true, false, arg("task", ArgKind.TASK), arg("parent", ArgKind.TASK),
            arg("type", ArgKind.STRING), arg("stack", ArgKind.STACK)),
    /** A user task ended; it may end on another thread than it began. */
    TASK_END(0x12, true, false, arg("task", ArgKind.TASK), arg("stack", ArgKind.STACK)),
    /** A user region began on the current thread (Go's trace.StartRegion). */
    REGION_BEGIN(0x13, true, false, arg("task", ArgKind.TASK), arg("type", ArgKind.STRING),
            arg("stack", ArgKind.STACK)),
    /** The innermost open region of {@code type} on the current thread ended. */
    REGION_END(0x14, true, false, arg("task", ArgKind.TASK), arg("type", ArgKind.STRING),
            arg("stack", ArgKind.STACK)),
    /** A user log message (Go's trace.Log); the message is the tail. */
    LOG(0x15, true, true, arg("task", ArgKind.TASK), arg("category", ArgKind.STRING),
            arg("stack", ArgKind.STACK)),
    /** A CPU profile sample of {@code thread}. */
    CPU_SAMPLE(0x16, true, false, arg("thread", ArgKind.THREAD), arg("stack", ArgKind.STACK)),
    /**
     * The current thread runs again after a block or native call: for platform threads, the end
     * of the Runnable (scheduler latency) interval that began with its UNBLOCK. Virtual threads
     * run again with their MOUNT.
     */
    RUN(0x17, true, false),
    /**
     * The next event of the batch was reported after the fact by the JVM (its own event stream:
     * a platform thread's monitor wait, a GC pause), with its original time: it describes the
     * past, and readers do not apply it to the thread's current state. Not an event of its own:
     * readers mark the next event {@code late}.
     */
    LATE(0x18, false, false);

    /** An argument's name and meaning. */
    public record Arg(String name, ArgKind kind) {}

    private static Arg arg(String name, ArgKind kind) {
        return new Arg(name, kind);
    }

    private static final EventType[] BY_CODE = new EventType[256];

    static {
        for (EventType t : values()) {
            if (BY_CODE[t.code] != null) {
                throw new AssertionError("duplicate event code " + t.code);
            }
            BY_CODE[t.code] = t;
        }
    }

    /** The byte that starts the event on the wire. */
    public final int code;
    /** Whether a time delta follows the code. */
    public final boolean timed;
    /** Whether a length-prefixed byte string follows the arguments. */
    public final boolean hasTail;
    /** The varint arguments, in wire order. */
    public final List<Arg> args;
    private final int stackArg;

    EventType(int code, boolean timed, boolean hasTail, Arg... args) {
        this.code = code;
        this.timed = timed;
        this.hasTail = hasTail;
        this.args = List.of(args);
        int s = -1;
        for (int i = 0; i < args.length; i++) {
            if (args[i].kind() == ArgKind.STACK) {
                s = i;
            }
        }
        this.stackArg = s;
    }

    /** The type with this code, or null if this version of the format does not know it. */
    public static EventType ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** The index of the stack argument, or -1 if events of this type carry no stack. */
    public int stackArg() {
        return stackArg;
    }

    /** The index of the argument with this name, or -1. */
    public int argIndex(String name) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** This type's entry in the self-describing spec table of a trace header. */
    public EventSpec spec() {
        return new EventSpec(code, name(), timed, hasTail, args.size());
    }
}
