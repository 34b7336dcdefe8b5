package io.jtrace.cli;

import io.jtrace.format.ReadProgress;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows how far a long analysis has read its trace, on one stderr line that it rewrites in place:
 * only when stderr is a terminal (never into a redirected log or a pipe), only once the read has
 * taken longer than {@link #QUIET_NANOS} (short reads show nothing), and at most a few times a
 * second. {@link #close} erases the line so the report that follows starts clean.
 */
final class TerminalProgress implements ReadProgress, AutoCloseable {
    static final long QUIET_NANOS = 1_000_000_000L;
    private static final long INTERVAL_NANOS = 250_000_000L;

    private final PrintWriter err;
    private final LongSupplier clock;
    private final long start;
    private long lastShown = Long.MIN_VALUE;
    private boolean shown;

    TerminalProgress(PrintWriter err, LongSupplier clock) {
        this.err = err;
        this.clock = clock;
        this.start = clock.getAsLong();
    }

    /**
     * Progress on {@code err} if this process's stderr is a terminal, else nothing; either way a
     * read that meets damage after complete generations stops there ({@link ReadDamage}).
     */
    static ReadProgressHandle forStderr(PrintWriter err) {
        TerminalProgress shown = stderrIsTerminal() ? new TerminalProgress(err, System::nanoTime) : null;
        return new ReadProgressHandle(ReadDamage.keepingWhatPrecedes(shown != null ? shown : ReadProgress.NONE), shown);
    }

    @Override
    public void update(long bytesRead, long totalBytes) {
        long now = clock.getAsLong();
        if (now - start < QUIET_NANOS || (shown && now - lastShown < INTERVAL_NANOS)) {
            return;
        }
        lastShown = now;
        shown = true;
        if (totalBytes > 0) {
            long percent = Math.min(100, bytesRead * 100 / totalBytes);
            err.printf(Locale.ROOT, "\rjtrace: reading the trace: %3d%% (%.1f of %.1f MB)", percent,
                    bytesRead / 1e6, totalBytes / 1e6);
        } else {
            err.printf(Locale.ROOT, "\rjtrace: reading the trace: %.1f MB", bytesRead / 1e6);
        }
        err.flush();
    }

    @Override
    public void close() {
        if (shown) {
            err.print("\r\033[K"); // back to the line's start, erase it
            err.flush();
        }
    }

    /**
     * Linux names the terminal behind a file descriptor in /proc; anything else (a file, a pipe, or
     * no /proc at all) is not a terminal for this purpose.
     */
    private static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception e) {
            return false;
        }
    }

    /** The progress a command passes to its analysis, closed (line erased) when the analysis is done. */
    record ReadProgressHandle(ReadProgress progress, TerminalProgress shown) implements AutoCloseable {
        @Override
        public void close() {
            if (shown != null) {
                shown.close();
            }
        }
    }
}
