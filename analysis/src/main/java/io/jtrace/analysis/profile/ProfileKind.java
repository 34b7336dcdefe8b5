package io.jtrace.analysis.profile;

import io.jtrace.analysis.timeline.ThreadInterval;
import io.jtrace.format.BlockReason;
import io.jtrace.format.ThreadState;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The blocking profiles, like Go's trace-derived profiles: each weighs stacks by the nanoseconds
 * threads spent in matching intervals, and counts those intervals.
 */
public enum ProfileKind {
    /** Blocked on synchronization: lock, monitor, wait, join, queue, future, park. At the blocking call. */
    SYNC("contentions", "delay"),
    /** Blocked on I/O (socket, file, select) or in a native socket or file call. At the call. */
    IO("contentions", "delay"),
    /** In a blocking native call. At the call. */
    NATIVE("contentions", "delay"),
    /** Sleeping. At the sleep. */
    SLEEP("contentions", "delay"),
    /**
     * Runnable but not running: scheduler latency. As Go's scheduler-latency profile, at the stack
     * that made the thread runnable — the waker's stack where a traced thread woke it (an unpark, a
     * lock release), the creator's for a new thread — and, where no thread did (a timeout, an
     * unknown waker), at the stack where the thread itself had blocked.
     */
    SCHED("contentions", "delay");

    private static final Set<BlockReason> SYNC_REASONS = EnumSet.of(BlockReason.LOCK, BlockReason.MONITOR,
            BlockReason.WAIT, BlockReason.JOIN, BlockReason.QUEUE, BlockReason.FUTURE, BlockReason.PARK);
    private static final Set<BlockReason> IO_REASONS = EnumSet.of(BlockReason.SOCKET, BlockReason.FILE, BlockReason.SELECT);

    /** pprof sample type names: a count of intervals, and their nanoseconds. */
    public final String countType;
    public final String timeType;

    ProfileKind(String countType, String timeType) {
        this.countType = countType;
        this.timeType = timeType;
    }

    /** True when {@code iv}'s time belongs in this profile. */
    public boolean accepts(ThreadInterval iv) {
        return switch (this) {
            case SYNC -> iv.state() == ThreadState.BLOCKED && SYNC_REASONS.contains(iv.reason());
            case IO -> iv.state() == ThreadState.BLOCKED && IO_REASONS.contains(iv.reason())
                    || iv.state() == ThreadState.NATIVE && (iv.what().startsWith("socket") || iv.what().startsWith("file"));
            case NATIVE -> iv.state() == ThreadState.NATIVE;
            case SLEEP -> iv.state() == ThreadState.BLOCKED && iv.reason() == BlockReason.SLEEP;
            case SCHED -> iv.state() == ThreadState.RUNNABLE;
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind named {@code s} ("sync", …); throws IllegalArgumentException naming the choices. */
    public static ProfileKind parse(String s) {
        for (ProfileKind k : values()) {
            if (k.label().equals(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown profile kind \"" + s + "\" (expected sync, io, native, sleep or sched)");
    }
}
