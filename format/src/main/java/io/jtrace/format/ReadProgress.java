package io.jtrace.format;

/**
 * Told how far a {@link TraceReader} has got through its file, after each generation: long
 * analyses use it to show progress. Called on the reading thread; must be cheap.
 */
@FunctionalInterface
public interface ReadProgress {
    /** Shows nothing. */
    ReadProgress NONE = (bytesRead, totalBytes) -> { };

    /**
     * @param bytesRead  bytes of the file consumed so far
     * @param totalBytes the file's size when it was opened (a file still being written may grow past it)
     */
    void update(long bytesRead, long totalBytes);

    /**
     * Whether a read that meets damaged data after at least one complete generation is to stop
     * there and end as if the trace ended ({@link #damaged} says where), rather than throw: an
     * answer over everything before the damage, as for a truncated trace. Default: throw.
     */
    default boolean keepsWhatPrecedesDamage() {
        return false;
    }

    /** The read stopped at {@code damage}; every complete generation before it was returned. */
    default void damaged(TraceFormatException damage) {
    }
}
