package io.jtrace;

import io.jtrace.recorder.Recorder;

/**
 * A user region (Go's trace.Region): a span of time on one thread, nested inside the thread's
 * other open regions. End it on the thread that began it, once; try-with-resources does both.
 */
public final class Region implements AutoCloseable {
    /** Returned while tracing is off: closing it does nothing. */
    private static final Region NONE = new Region(0, "");

    private final long task;
    private final String type;

    private Region(long task, String type) {
        this.task = task;
        this.type = type;
    }

    static Region begin(long task, String type) {
        Recorder r = Recorder.active();
        if (r == null) {
            return NONE;
        }
        try {
            r.region(true, task, type);
        } catch (Throwable t) {
            r.fail(t);
        }
        return new Region(task, type);
    }

    /** Ends the region. */
    public void end() {
        if (this == NONE) {
            return;
        }
        Recorder r = Recorder.active();
        if (r != null) {
            try {
                r.region(false, task, type);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /** Same as {@link #end()}. */
    @Override
    public void close() {
        end();
    }
}
