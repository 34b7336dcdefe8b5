package io.jtrace.cli;

import io.jtrace.format.ReadProgress;
import io.jtrace.format.TraceFormatException;

/**
 * Where a command's read of its trace stopped at damaged data. Every reading command passes its
 * reader a progress from {@link #keepingWhatPrecedes}, so a trace damaged after its first
 * complete generation is answered over the generations before the damage, as a truncated one is;
 * {@link Main} then warns with the damage's byte offset and exits with status 1. Per thread: one
 * command line runs on one thread, and tests run several in one JVM.
 */
final class ReadDamage {
    private static final ThreadLocal<TraceFormatException> SEEN = new ThreadLocal<>();

    private ReadDamage() {}

    /** {@code shown} (the progress display), reading on past nothing damaged but keeping what precedes it. */
    static ReadProgress keepingWhatPrecedes(ReadProgress shown) {
        return new ReadProgress() {
            @Override
            public void update(long bytesRead, long totalBytes) {
                shown.update(bytesRead, totalBytes);
            }

            @Override
            public boolean keepsWhatPrecedesDamage() {
                return true;
            }

            @Override
            public void damaged(TraceFormatException damage) {
                if (SEEN.get() == null) {
                    SEEN.set(damage); // an analysis that reads the file twice meets the same damage twice
                }
            }
        };
    }

    /** The damage a read of this thread stopped at since the last call, or null; forgets it. */
    static TraceFormatException take() {
        TraceFormatException d = SEEN.get();
        SEEN.remove();
        return d;
    }
}
