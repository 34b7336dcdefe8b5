package io.jtrace.recorder;

/**
 * The {@code fast} stack tier: let the VM walk the stack into its raw backtrace (a
 * {@code new Throwable()}: method identities and bytecode indexes, no StackTraceElements),
 * dedup it per generation by hashing those identities ({@link FastStackTable}), and symbolize
 * once per unique stack when the generation is written. About 5x cheaper than {@code slow} on a
 * stack seen before (docs/performance.md).
 *
 * <p>Needs {@code jdk.internal.misc} (to read the backtrace); where that is closed, or the JDK's
 * backtrace layout is not the one this code knows, {@link StackTier#of} falls back to
 * {@code slow}.
 */
final class FastStacks implements StackTier {
    private static final String UNAVAILABLE = checkAvailability();

    private final int maxDepth;
    private final Class<?>[] hidden;

    private FastStacks(int maxDepth, Class<?>[] hidden) {
        this.maxDepth = maxDepth;
        this.hidden = hidden.clone();
    }

    /** Null when the fast tier works on this JVM, else why not (one line). */
    static String availability() {
        return UNAVAILABLE;
    }

    /**
     * Null when the fast tier can keep stacks of {@code maxDepth} frames on this JVM, else why not.
     * A backtrace must hold the tracer's own top frames (at most a chunk, see
     * {@link FastStackTable}), {@code maxDepth} frames and one more to tell a truncated stack from
     * a complete one; HotSpot silently cuts backtraces at {@code -XX:MaxJavaStackTraceDepth}.
     */
    static String availability(int maxDepth) {
        if (UNAVAILABLE != null) {
            return UNAVAILABLE;
        }
        int needed = maxDepth + Backtraces.CHUNK_SIZE + 1;
        return Backtraces.keepsFrames(needed) ? null
                : "this JVM's backtraces do not keep the " + needed + " frames stackdepth=" + maxDepth
                        + " needs (-XX:MaxJavaStackTraceDepth)";
    }

    static FastStacks create(int maxDepth) {
        return create(maxDepth, SlowStacks.tracerClasses());
    }

    /** A tier that leaves out the top frames of the {@code hidden} classes; check availability first. */
    static FastStacks create(int maxDepth, Class<?>[] hidden) {
        String why = availability(maxDepth);
        if (why != null) {
            throw new IllegalStateException(why);
        }
        return new FastStacks(maxDepth, hidden);
    }

    private static String checkAvailability() {
        if (!Writers.carrierLocalsOpen()) {
            return "jdk.internal.misc is not exported to jtrace (add --add-exports java.base/jdk.internal.misc=ALL-UNNAMED or use the agent)";
        }
        try {
            Backtraces.check();
            return null;
        } catch (RuntimeException | LinkageError e) {
            return "this JVM's stack backtraces are not in the layout jtrace knows (" + e.getMessage() + ")";
        }
    }

    @Override
    public String name() {
        return "fast";
    }

    /** The VM's raw walk of the current thread's stack. */
    @Override
    public Throwable capture() {
        return new Throwable();
    }

    @Override
    public StackTable newTable() {
        return new FastStackTable(maxDepth, hidden);
    }
}
