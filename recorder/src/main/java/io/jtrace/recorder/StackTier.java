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

    /** A table for one generation. */
    StackTable newTable();

    /** The tier's name as the {@code stacks} option spells it. */
    String name();

    /** The tier {@code options} ask for, or the best one below it this JVM allows; null for off. */
    static StackTier of(TraceOptions options) {
        return switch (options.stacks()) {
            case OFF -> null;
            case SLOW -> new SlowStacks(options.stackDepth());
            case FAST -> {
                String why = FastStacks.availability(options.stackDepth());
                if (why == null) {
                    yield FastStacks.create(options.stackDepth());
                }
                System.err.println("jtrace: fast stacks unavailable, using slow stacks: " + why);
                yield new SlowStacks(options.stackDepth());
            }
        };
    }
}
