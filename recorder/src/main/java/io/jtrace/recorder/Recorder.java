package io.jtrace.recorder;

import io.jtrace.TraceOptions;
import io.jtrace.format.BlockReason;
import io.jtrace.format.EventType;
import io.jtrace.format.ThreadState;
import io.jtrace.format.UnmountReason;
import io.jtrace.format.WakerKind;

import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One recording session: the per-writer buffers, the generation counter and the tables, and the
 * event methods that hooks and the public API call (through {@link Events} and
 * {@link io.jtrace.Trace}). The background {@link GenerationWriter} owns everything past the
 * handoff of a buffer.
 *
 * <p>Every event method follows the same shape: capture the stack (if any) before taking the
 * writer, {@link #begin} (take the writer, the timestamp, room in a buffer of the current
 * generation), look up table ids, write the bytes, release. Nothing on that path locks, blocks
 * or allocates once strings and stacks have been seen in the generation. A method that cannot
 * write (no free buffer, the tracer re-entered itself) drops the event and counts it.
 */
public final class Recorder {
    /** The active session, or null: the one volatile read on every hook when tracing is off. */
    static volatile Recorder active;

    /** Room for the thread switch and status an event may be preceded by. */
    private static final int SWITCH_BYTES = 48;
    /** Upper bound of an event without tail: code, delta and up to five varint arguments. */
    static final int MAX_EVENT_BYTES = 64;

    final TraceOptions options;
    private final long origin = System.nanoTime();
    /** The current generation; only the background writer advances it. */
    volatile long generation = 1;
    /** Set when the last generation is being written: events are dropped from then on. */
    volatile boolean closed;

    final GenerationTables[] tables = {new GenerationTables(), new GenerationTables()};
    final ThreadRegistry threads = new ThreadRegistry();
    final Writers writers = Writers.create();
    final BufferPool pool;
    final FullBuffers full = new FullBuffers();
    final AtomicLong lost = new AtomicLong();
    private final StackCapture stacks;
    final GenerationWriter background;
    private final Thread backgroundThread;
    private final AtomicBoolean failed = new AtomicBoolean();

    Recorder(OutputStream out, boolean closeOut, TraceOptions options) {
        this.options = options;
        this.pool = new BufferPool(options.bufferBytes(), (int) Math.min(1 << 24, options.budgetBytes() / options.bufferBytes()));
        this.stacks = options.stacks() == TraceOptions.Stacks.OFF ? null : new StackCapture(options.stackDepth());
        this.background = new GenerationWriter(this, out, closeOut);
        this.backgroundThread = Thread.ofPlatform().name("jtrace-writer").daemon().unstarted(background);
    }

    /** Starts a session and makes it the active one; throws if one is active already. */
    public static synchronized Recorder start(OutputStream out, boolean closeOut, TraceOptions options) {
        if (active != null) {
            throw new IllegalStateException("tracing is already on");
        }
        Recorder r = new Recorder(out, closeOut, options);
        r.backgroundThread.start();
        active = r;
        return r;
    }

    /** The active session, or null. */
    public static Recorder active() {
        return active;
    }

    /**
     * Stops the active session, if any, and waits until its last generation is written.
     * Returns false if no session was active.
     */
    public static boolean stop() {
        Recorder r;
        synchronized (Recorder.class) {
            r = active;
            if (r == null) {
                return false;
            }
            active = null;
        }
        r.background.requestStop(r.backgroundThread);
        return true;
    }

    /** Nanoseconds since the session started: the trace clock. */
    long clock() {
        return System.nanoTime() - origin;
    }

    /** The System.nanoTime() value of trace time zero. */
    long origin() {
        return origin;
    }

    /** How the recorder finds writers (for diagnostics and tests). */
    public String writerStrategy() {
        return writers.strategy();
    }

    /** Events dropped so far in the current generation. */
    public long lostEvents() {
        return lost.get();
    }

    // ---- the hot path -------------------------------------------------------------------

    /**
     * Takes the current thread's writer with room for {@code need} bytes in a buffer of the
     * current generation, after a thread switch if the buffer's last event was another thread's.
     * Returns null (event dropped) if that is not possible right now. The event's timestamp is in
     * {@code Writer.now}.
     */
    Writer begin(int need) {
        Thread t = Thread.currentThread();
        if (t == backgroundThread) {
            return null; // the tracer never traces itself
        }
        Writer w = writers.acquire();
        if (w == null) {
            lost.incrementAndGet();
            return null;
        }
        if (closed) {
            w.release();
            return null;
        }
        long now = clock();
        long g = generation;
        if (w.gen != g || w.pos + need + SWITCH_BYTES > w.limit) {
            if (!roll(w, g, now, need)) {
                w.release();
                lost.incrementAndGet();
                return null;
            }
        }
        if (w.current != t) {
            switchThread(w, t, now);
        }
        w.now = now;
        return w;
    }

    /** Hands the writer's buffer off (if it holds events) and gives it a fresh one for {@code g}. */
    private boolean roll(Writer w, long g, long now, int need) {
        handOff(w);
        if (!w.registered) {
            writers.register(w);
        }
        if (need + SWITCH_BYTES > pool.bufferSize()) {
            return false;
        }
        Buffer b = pool.take();
        if (b == null) {
            return false;
        }
        b.gen = g;
        b.baseTime = now;
        b.writerId = w.id;
        w.buf = b;
        w.data = b.data;
        w.pos = 0;
        w.limit = b.data.length;
        w.gen = g;
        w.lastTime = now;
        w.current = null;
        w.tables = tables[(int) (g & 1)];
        return true;
    }

    /** Detaches the writer's buffer: to the background writer if it has events, else back to the pool. */
    void handOff(Writer w) {
        int length = w.pos;
        Buffer b = w.detach();
        if (b == null) {
            return;
        }
        if (length == 0) {
            pool.give(b);
        } else {
            b.length = length;
            full.push(b);
        }
    }

    private void switchThread(Writer w, Thread t, long now) {
        w.untimed(EventType.THREAD_SWITCH.code);
        w.varint(t.threadId());
        w.current = t;
        w.currentRecord = threads.get(t, ThreadState.RUNNING);
        ensureStatus(w, w.currentRecord, now);
    }

    /** Writes {@code r}'s STATUS if it is the thread's first appearance in this generation. */
    private static void ensureStatus(Writer w, ThreadRecord r, long now) {
        int state = r.state;
        int reason = r.reason;
        if (r.claimStatus(w.gen)) {
            w.timed(EventType.STATUS.code, now);
            w.varint(r.threadId);
            w.varint(state);
            w.varint(reason);
        }
    }

    /** A thread another thread's event refers to: its status first, then its record to update. */
    private ThreadRecord other(Writer w, Thread t, ThreadState ifNew) {
        ThreadRecord r = threads.get(t, ifNew);
        ensureStatus(w, r, w.now);
        return r;
    }

    private CapturedStack stack() {
        return stacks == null ? null : stacks.capture();
    }

    // ---- events: threads and scheduling (called by the agent's hooks through Events) ----

    void threadCreate(Thread created) {
        CapturedStack st = stack();
        Writer w = begin(MAX_EVENT_BYTES + SWITCH_BYTES);
        if (w == null) {
            return;
        }
        try {
            ThreadRecord r = other(w, created, ThreadState.NOT_EXIST);
            long stackId = w.tables.stack(st);
            w.timed(EventType.THREAD_CREATE.code, w.now);
            w.varint(r.threadId);
            w.varint(stackId);
            r.setState(ThreadState.RUNNABLE, 0);
        } finally {
            w.release();
        }
    }

    void threadStart() {
        stateEvent(EventType.THREAD_START, ThreadState.RUNNING, 0);
    }

    void threadEnd() {
        stateEvent(EventType.THREAD_END, ThreadState.TERMINATED, 0);
    }

    void run() {
        stateEvent(EventType.RUN, ThreadState.RUNNING, 0);
    }

    void nativeEnd() {
        stateEvent(EventType.NATIVE_END, ThreadState.RUNNING, 0);
    }

    private void stateEvent(EventType type, ThreadState next, int reason) {
        Writer w = begin(MAX_EVENT_BYTES);
        if (w == null) {
            return;
        }
        try {
            w.timed(type.code, w.now);
            w.currentRecord.setState(next, reason);
        } finally {
            w.release();
        }
    }

    void block(BlockReason reason, String blocker) {
        CapturedStack st = stack();
        Writer w = begin(MAX_EVENT_BYTES);
        if (w == null) {
            return;
        }
        try {
            long blockerId = w.tables.string(blocker);
            long stackId = w.tables.stack(st);
            w.timed(EventType.BLOCK.code, w.now);
            w.varint(reason.code);
            w.varint(blockerId);
            w.varint(stackId);
            w.currentRecord.setState(ThreadState.BLOCKED, reason.code);
        } finally {
            w.release();
        }
    }

    void unblock(Thread target, WakerKind waker, long wakerThread) {
        CapturedStack st = waker == WakerKind.CURRENT ? stack() : null;
        Writer w = begin(MAX_EVENT_BYTES + SWITCH_BYTES);
        if (w == null) {
            return;
        }
        try {
            ThreadRecord r = other(w, target, ThreadState.BLOCKED);
            long stackId = w.tables.stack(st);
            w.timed(EventType.UNBLOCK.code, w.now);
            w.varint(r.threadId);
            w.varint(waker.code);
            w.varint(wakerThread);
            w.varint(stackId);
            r.setState(ThreadState.RUNNABLE, 0);
        } finally {
            w.release();
        }
    }

    void mount(Thread vthread) {
        Writer w = begin(MAX_EVENT_BYTES + SWITCH_BYTES);
        if (w == null) {
            return;
        }
        try {
            ThreadRecord r = other(w, vthread, ThreadState.RUNNABLE);
            w.timed(EventType.MOUNT.code, w.now);
            w.varint(r.threadId);
            r.setState(ThreadState.RUNNING, 0);
        } finally {
            w.release();
        }
    }

    void unmount(Thread vthread, UnmountReason reason) {
        Writer w = begin(MAX_EVENT_BYTES + SWITCH_BYTES);
        if (w == null) {
            return;
        }
        try {
            ThreadRecord r = other(w, vthread, ThreadState.RUNNING);
            w.timed(EventType.UNMOUNT.code, w.now);
            w.varint(r.threadId);
            w.varint(reason.code);
            if (reason == UnmountReason.YIELD) {
                r.setState(ThreadState.RUNNABLE, 0);
            } else if (reason == UnmountReason.END) {
                r.setState(ThreadState.TERMINATED, 0);
            }
        } finally {
            w.release();
        }
    }

    void nativeBegin(String what) {
        CapturedStack st = stack();
        Writer w = begin(MAX_EVENT_BYTES);
        if (w == null) {
            return;
        }
        try {
            long whatId = w.tables.string(what);
            long stackId = w.tables.stack(st);
            w.timed(EventType.NATIVE_BEGIN.code, w.now);
            w.varint(whatId);
            w.varint(stackId);
            w.currentRecord.setState(ThreadState.NATIVE, 0);
        } finally {
            w.release();
        }
    }

    // ---- events: the runtime ----

    void gcBegin(long gcId, String name) {
        Writer w = begin(MAX_EVENT_BYTES);
        if (w == null) {
            return;
        }
        try {
            long nameId = w.tables.string(name);
            w.timed(EventType.GC_BEGIN.code, w.now);
            w.varint(gcId);
            w.varint(nameId);
        } finally {
            w.release();
        }
    }

    void numbers(EventType type, long a, long b, int count) {
        Writer w = begin(MAX_EVENT_BYTES);
        if (w == null) {
            return;
        }
        try {
            w.timed(type.code, w.now);
            if (count > 0) {
                w.varint(a);
            }
            if (count > 1) {
                w.varint(b);
            }
        } finally {
            w.release();
        }
    }

    void cpuSample(Thread sampled) {
        CapturedStack st = stack();
        Writer w = begin(MAX_EVENT_BYTES + SWITCH_BYTES);
        if (w == null) {
            return;
        }
        try {
            ThreadRecord r = other(w, sampled, ThreadState.RUNNING);
            long stackId = w.tables.stack(st);
            w.timed(EventType.CPU_SAMPLE.code, w.now);
            w.varint(r.threadId);
            w.varint(stackId);
        } finally {
            w.release();
        }
    }

    // ---- events: user annotations (called by io.jtrace.Trace, Task, Region) ----

    /** Task, region and log events: all are (task, string, stack) or close to it. */
    public void taskBegin(long task, long parent, String type) {
        CapturedStack st = stack();
        Writer w = begin(MAX_EVENT_BYTES);
        if (w == null) {
            return;
        }
        try {
            long typeId = w.tables.string(type);
            long stackId = w.tables.stack(st);
            w.timed(EventType.TASK_BEGIN.code, w.now);
            w.varint(task);
            w.varint(parent);
            w.varint(typeId);
            w.varint(stackId);
        } finally {
            w.release();
        }
    }

    public void taskEnd(long task) {
        CapturedStack st = stack();
        Writer w = begin(MAX_EVENT_BYTES);
        if (w == null) {
            return;
        }
        try {
            long stackId = w.tables.stack(st);
            w.timed(EventType.TASK_END.code, w.now);
            w.varint(task);
            w.varint(stackId);
        } finally {
            w.release();
        }
    }

    public void region(boolean begin, long task, String type) {
        CapturedStack st = stack();
        Writer w = begin(MAX_EVENT_BYTES);
        if (w == null) {
            return;
        }
        try {
            long typeId = w.tables.string(type);
            long stackId = w.tables.stack(st);
            w.timed(begin ? EventType.REGION_BEGIN.code : EventType.REGION_END.code, w.now);
            w.varint(task);
            w.varint(typeId);
            w.varint(stackId);
        } finally {
            w.release();
        }
    }

    public void log(long task, String category, String message) {
        CapturedStack st = stack();
        String text = message == null ? "" : message;
        // A message is cut to fit one buffer; at most 3 bytes per char until then.
        int maxBytes = pool.bufferSize() - MAX_EVENT_BYTES - 2 * SWITCH_BYTES;
        Writer w = begin(MAX_EVENT_BYTES + (int) Math.min(maxBytes, 3L * text.length()));
        if (w == null) {
            return;
        }
        try {
            long categoryId = w.tables.string(category);
            long stackId = w.tables.stack(st);
            w.timed(EventType.LOG.code, w.now);
            w.varint(task);
            w.varint(categoryId);
            w.varint(stackId);
            w.utf8(text, maxBytes);
        } finally {
            w.release();
        }
    }

    // ---- failure ----

    /**
     * A hook or API call threw: report once on stderr and stop recording. The application goes on;
     * the trace keeps what was written.
     */
    public void fail(Throwable t) {
        if (failed.compareAndSet(false, true)) {
            System.err.println("jtrace: recording stopped after an internal error: " + t);
            Thread.ofPlatform().daemon().name("jtrace-stop").start(Recorder::stop);
        }
    }
}
