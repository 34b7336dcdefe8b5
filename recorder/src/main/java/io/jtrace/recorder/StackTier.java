package io.jtrace.recorder;

import io.jtrace.TraceOptions;

/**
 * A way of capturing stacks (DESIGN.md, "Stack capture"): {@link #capture} runs on the hot path
 * before the writer is taken, {@link #newTable} makes the per-generation tables that dedup and
 * later symbolize what it captured.
 */
interface StackTier {
    /** The current thread's stack, in the tier's raw form. */
    Object capture();

    /**
     * {@link #capture()} by a thread whose record is {@code self} (or null), for tiers that keep
     * something per thread or learn from it (the {@code fp} tier: virtual threads after a yield,
     * platform threads the JVM started).
     */
    default Object capture(ThreadRecord self) {
        return capture();
    }

    /** A table for one generation. */
    StackTable newTable();

    /** The tier's name as the {@code stacks} option spells it. */
    String name();

    /**
     * Set-up that can wait until the recording runs, done on the writer's thread when it starts:
     * off the application's start-up path.
     */
    default void startInBackground() {
    }

    /** What the tier has to say when recording stops (the cross-check's counts), or null. */
    default String report() {
        return null;
    }

    /**
     * The tier {@code options} ask for, or the best one below it this JVM allows; null for off.
     * {@code stacks=fp} where fp can't run throws IllegalStateException with the one-line reason.
     */
    static StackTier of(TraceOptions options) {
        int depth = options.stackDepth();
        return switch (options.stacks()) {
            case OFF -> null;
            case SLOW -> new SlowStacks(depth);
            case FAST -> fastOrSlow(depth);
            case FP -> {
                String why = FpStacks.availability(depth);
                if (why != null) {
                    throw new IllegalStateException("stacks=fp: " + why);
                }
                yield FpStacks.create(depth, options.stackCheck());
            }
            case AUTO -> {
                if (FpStacks.availability(depth) == null) {
                    yield FpStacks.create(depth, options.stackCheck());
                }
                if (FpStacks.preserveFramePointer() && FastStacks.availability(depth) == null) {
                    // asked for frame pointers, but the helper can't run here (other OS or architecture)
                    System.err.println("jtrace: fp stacks unavailable, using fast stacks: " + FpHelper.unavailable());
                }
                yield fastOrSlow(depth);
            }
        };
    }

    private static StackTier fastOrSlow(int depth) {
        String why = FastStacks.availability(depth);
        if (why == null) {
            return FastStacks.create(depth);
        }
        System.err.println("jtrace: fast stacks unavailable, using slow stacks: " + why);
        return new SlowStacks(depth);
    }
}
