package io.jtrace.format;

/**
 * What an event argument means. Every argument is one unsigned LEB128 varint on the wire; the
 * kind tells a reader how to resolve it (a string id against the generation's string table, a
 * stack id against its stack table, …) and how to print it.
 */
public enum ArgKind {
    /** A plain number (counts, sizes, ids that need no table). */
    NUMBER,
    /** A Java thread id ({@code Thread.threadId()}); 0 means "none". */
    THREAD,
    /** An id in the generation's string table; 0 means "no string". */
    STRING,
    /** An id in the generation's stack table; 0 means "no stack". */
    STACK,
    /** A task id; 0 means "no task" (Go's background task). */
    TASK,
    /** A {@link ThreadState} code. */
    STATE,
    /** A {@link BlockReason} code. */
    REASON,
    /** A {@link WakerKind} code. */
    WAKER,
    /** A {@link UnmountReason} code. */
    UNMOUNT_REASON
}
