package io.jtrace;

import io.jtrace.recorder.Recorder;

/**
 * A user task (Go's trace.Task): a logical operation such as a request, which may span threads.
 * Created by {@link Trace#newTask}; ended once with {@link #end()}.
 */
public final class Task {
    /** The task handed out while tracing is off: every method does nothing. */
    static final Task NONE = new Task(0, "");

    private final long id;
    private final String type;

    Task(long id, String type) {
        this.id = id;
        this.type = type;
    }

    /** The task id in the trace; 0 for the no-op task. */
    public long id() {
        return id;
    }

    public String type() {
        return type;
    }

    /** Ends the task; may be called on any thread. */
    public void end() {
        Recorder r = Recorder.active();
        if (r != null && id != 0) {
            try {
                r.taskEnd(id);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }

    /** Begins a region of {@code type} in this task on the current thread. */
    public Region region(String type) {
        return Region.begin(id, type);
    }

    /** Logs {@code message} under {@code category} in this task. */
    public void log(String category, String message) {
        if (id != 0) {
            Trace.log(id, category, message);
        }
    }

    @Override
    public String toString() {
        return "Task[" + id + " " + type + "]";
    }
}
