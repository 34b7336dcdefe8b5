package io.jtrace;

import io.jtrace.recorder.Recorder;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * jtrace's public API: start and stop a recording, and annotate it with tasks, regions and logs,
 * with the semantics of Go's {@code runtime/trace}.
 *
 * <pre>{@code
 * Trace.start(Path.of("app.jtrace"), TraceOptions.defaults());
 * Task order = Trace.newTask("order");
 * try (Region r = order.region("validate")) {
 *     ...
 * }
 * order.log("orderId", id);
 * order.end();
 * Trace.stop();
 * }</pre>
 *
 * Annotations cost one volatile read when tracing is off. While tracing, they never throw and
 * never block: a failure inside the tracer stops the recording with one line on stderr.
 */
public final class Trace {
    private static final AtomicLong TASK_IDS = new AtomicLong();
    private static Thread shutdownHook;

    private Trace() {}

    /**
     * Starts recording into {@code file} (created or truncated). The recording stops at
     * {@link #stop()} or at JVM exit, when the last generation is written and the file closed.
     *
     * @throws IllegalStateException if tracing is already on
     * @throws IOException if the file cannot be opened
     */
    public static void start(Path file, TraceOptions options) throws IOException {
        if (isEnabled()) {
            // checked before the file is opened: opening truncates it, and it may be the one being written
            throw new IllegalStateException("tracing is already on");
        }
        String refused = Recorder.refusal(options);
        if (refused != null) {
            throw new IllegalStateException(refused); // before the file is created
        }
        OutputStream out = Files.newOutputStream(file);
        try {
            start(out, true, options);
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /**
     * Starts recording into {@code out}. The stream is flushed at every generation end and at
     * {@link #stop()}, but not closed: it is the caller's.
     *
     * @throws IllegalStateException if tracing is already on
     */
    public static void start(OutputStream out, TraceOptions options) {
        start(out, false, options);
    }

    private static synchronized void start(OutputStream out, boolean closeOut, TraceOptions options) {
        Recorder r = Recorder.start(out, closeOut, options);
        if (shutdownHook == null) {
            shutdownHook = Thread.ofPlatform().name("jtrace-shutdown").unstarted(Trace::stop);
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        r.exclude(shutdownHook);
    }

    /** Stops recording and waits until the trace is complete; does nothing if tracing is off. */
    public static void stop() {
        Recorder.stop();
        synchronized (Trace.class) {
            if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting: the hook runs (or ran) anyway
                }
                shutdownHook = null;
            }
        }
    }

    /**
     * Waits until the JDK's own events — platform threads' monitor contention with the previous
     * owner, {@code Object.wait} notifiers, GC pauses, safepoints — are being recorded: the agent
     * records them from a moment after the JVM starts (README, known limits), so a program whose
     * first lines matter can wait for them. Returns false at once if this recording has none (no
     * agent, {@code events=} without {@code jdk}, no Flight Recorder), and false if they did not
     * start within {@code timeout}.
     */
    public static boolean awaitJdkEvents(java.time.Duration timeout) throws InterruptedException {
        Recorder r = Recorder.active();
        return r != null && r.awaitJdkEvents(timeout.toNanos());
    }

    /** Whether a recording is in progress. */
    public static boolean isEnabled() {
        return Recorder.active() != null;
    }

    /**
     * Begins a task of {@code type} with no parent. A task may end on another thread than it began,
     * and its regions and logs may come from any thread. When tracing is off this returns a task
     * whose methods do nothing.
     */
    public static Task newTask(String type) {
        return newTask(null, type);
    }

    /** Begins a task of {@code type} as a child of {@code parent} (which may be null). */
    public static Task newTask(Task parent, String type) {
        Recorder r = Recorder.active();
        if (r == null) {
            return Task.NONE;
        }
        long id = TASK_IDS.incrementAndGet();
        long parentId = parent == null ? 0 : parent.id();
        try {
            r.taskBegin(id, parentId, type);
        } catch (Throwable t) {
            r.fail(t);
        }
        return new Task(id, type);
    }

    /**
     * Begins a region of {@code type} on the current thread, in no task. Regions nest; end each one
     * on the thread that began it (try-with-resources does).
     */
    public static Region region(String type) {
        return Region.begin(0, type);
    }

    /** Runs {@code body} inside a region of {@code type} (Go's trace.WithRegion). */
    public static void withRegion(String type, Runnable body) {
        try (Region ignored = region(type)) {
            body.run();
        }
    }

    /** Logs {@code message} under {@code category}, in no task. */
    public static void log(String category, String message) {
        log(0, category, message);
    }

    static void log(long task, String category, String message) {
        Recorder r = Recorder.active();
        if (r != null) {
            try {
                r.log(task, category, message);
            } catch (Throwable t) {
                r.fail(t);
            }
        }
    }
}
