package io.jtrace.recorder;

import io.jtrace.TraceOptions;
import io.jtrace.format.BlockReason;
import io.jtrace.format.EventType;
import io.jtrace.format.ThreadState;
import io.jtrace.format.UnmountReason;
import io.jtrace.format.WakerKind;

import java.io.OutputStream;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One recording session: the per-writer buffers, the generation counter and the tables, and the
 * event methods that hooks and the public API call (through {@link Events} and
 * {@link io.jtrace.Trace}). The background {@link GenerationWriter} owns everything past the
 * handoff of a buffer.
 *
 * <p>Every event method follows the same shape: capture the stack (if any) before taking the
 * writer, {@link #begin} (take the writer, the timestamp, room in a buffer of the current
 * generation), look up table ids in the writer's generation's tables, write the bytes, release.
 * The generation cannot end while a writer is held (its end waits for every writer to be
 * released), so ids always come from the tables of the generation the event lands in: no retry.
 * Nothing on that path blocks or allocates once strings and stacks have been seen in the
 * generation; a string or stack new to the generation is interned under its table's lock
 * (a virtual thread that blocks there keeps its carrier's writer, and the carrier's other
 * virtual threads write into spare writers meanwhile). A method that cannot write (no free
 * buffer, the tracer re-entered itself) drops the event and counts it.
 */
public final class Recorder {
    /** The active session, or null: the one volatile read on every hook when tracing is off. */
    static volatile Recorder active;
    /**
     * The session being stopped, from the moment {@link #active} is cleared until its last
     * generation is written: an unpark that began while it was active still finishes its
     * UNBLOCK (and releases the writer it holds) after that (see {@link Events#unparkReturned}).
     */
    static volatile Recorder ending;

    /** Room for the thread switch and status an event may be preceded by. */
    private static final int SWITCH_BYTES = 48;
    /** Upper bound of an event without tail: code, delta and up to five varint arguments. */
    static final int MAX_EVENT_BYTES = 64;

    final TraceOptions options;
    private final long origin = System.nanoTime();
    /** The current generation; only the background writer advances it. */
    volatile long generation = 1;
    /**
     * Set when the last generation is being written: events from then on are not recorded, and
     * not counted as lost (the recording has ended). Every event begun before is in the file.
     */
    volatile boolean closed;
    /**
     * Set (before {@link #closed}) when writing the trace failed: the events begun from then on
     * are counted in {@link #unwritten}, which the stop reports on stderr, as the file cannot.
     */
    volatile boolean writeFailed;
    final AtomicLong unwritten = new AtomicLong();

    /**
     * The tables of the current and the previous generation, by generation parity. The background
     * writer puts fresh ones in place of a generation's after writing it out: a thread still
     * holding the old ones (stuck in an event) changes nothing anyone reads.
     */
    final AtomicReferenceArray<GenerationTables> tables = new AtomicReferenceArray<>(2);
    final ThreadRegistry threads = new ThreadRegistry();
    final Writers writers = Writers.create();
    final BufferPool pool;
    final FullBuffers full = new FullBuffers();
    final AtomicLong lost = new AtomicLong();
    /** The stack tier in use, or null when stacks are off. */
    private final StackTier stacks;
    /** Whether a virtual thread's park permit can be read ({@link ParkPermits}: jdk.internal.misc is exported to us). */
    private final boolean parkPermitsReadable = Writers.carrierLocalsOpen() && ParkPermits.available();
    final GenerationWriter background;
    private final Thread backgroundThread;
    private final AtomicBoolean failed = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    /** Tasks to run when stopping, guarded by {@code beforeStopLock}; null once the stop took them. */
    private java.util.List<Runnable> beforeStop = new java.util.ArrayList<>();
    private final Object beforeStopLock = new Object();
    /** Names of threads that work for the tracer though it did not start them (see {@link #tracerThreadNames}). */
    private volatile Set<String> tracerThreadNames = Set.of();

    Recorder(OutputStream out, boolean closeOut, TraceOptions options) {
        this.options = options;
        this.pool = new BufferPool(options.bufferBytes(), (int) Math.min(1 << 24, options.budgetBytes() / options.bufferBytes()));
        this.stacks = StackTier.of(options);
        tables.set(0, new GenerationTables(stacks, 0, 0));
        tables.set(1, new GenerationTables(stacks, 1, 0));
        this.background = new GenerationWriter(this, out, closeOut);
        this.backgroundThread = Thread.ofPlatform().name("jtrace-writer").daemon().unstarted(background);
    }

    /**
     * Why a session with {@code options} can't start on this JVM (one line), or null: only
     * {@code stacks=fp} where the fp tier can't run.
     */
    public static String refusal(TraceOptions options) {
        if (options.stacks() != TraceOptions.Stacks.FP) {
            return null;
        }
        String why = FpStacks.availability(options.stackDepth());
        return why == null ? null : "stacks=fp: " + why;
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
        Recorder r = active;
        if (r == null || !r.stopping.compareAndSet(false, true)) {
            return false;
        }
        java.util.List<Runnable> tasks;
        synchronized (r.beforeStopLock) {
            tasks = r.beforeStop;
            r.beforeStop = null; // from now on a task comes too late (beforeStop says so)
        }
        for (Runnable task : tasks) {
            try {
                task.run(); // e.g. the JDK event bridge delivering what it still holds, while recording
            } catch (RuntimeException | Error e) {
                System.err.println("jtrace: while stopping: " + e);
            }
        }
        synchronized (Recorder.class) {
            ending = r;
            active = null;
        }
        try {
            r.background.requestStop(r.backgroundThread);
        } finally {
            ending = null;
        }
        String report = r.stacks == null ? null : r.stacks.report();
        if (report != null) {
            System.err.println("jtrace: " + report);
        }
        String failure = r.background.failure();
        if (failure != null) {
            // the file ends at the failure: only here can what it misses be said
            System.err.println("jtrace: the trace is incomplete: writing it failed (" + failure + ") after "
                    + r.background.bytesWritten() + " bytes; at least " + r.unwritten.get() + " events recorded after that and "
                    + r.background.unwrittenBytes() + " bytes of events recorded before it were not written;"
                    + (r.background.bytesWritten() == 0 ? " the file holds nothing of it"
                            : " the generations before the failure are readable"));
        }
        long lost = r.background.lostInAll();
        if (lost > 0) {
            // silent loss would read as "nothing happened there": say it once, with the remedy
            System.err.println("jtrace: " + lost + " events were lost: the buffers (budget=" + size(r.options.budgetBytes())
                    + ") were full or a thread stayed inside an event; each generation's count is in the trace (stats)");
        }
        return true;
    }

    /** A byte count as the budget option writes it: 32m, 256k, or bytes. */
    private static String size(long bytes) {
        if (bytes % (1 << 20) == 0) {
            return (bytes >> 20) + "m";
        }
        return bytes % 1024 == 0 ? (bytes >> 10) + "k" : Long.toString(bytes);
    }

    /** The tracer's own thread {@code t} writes no events of its own from now on. */
    public void exclude(Thread t) {
        threads.get(t, t.getState() == Thread.State.NEW ? ThreadState.NOT_EXIST : ThreadState.RUNNING).excluded = true;
    }

    /** The stack tier's set-up that waits for the writer's thread ({@link StackTier#startInBackground}). */
    void stacksInBackground() {
        if (stacks != null) {
            stacks.startInBackground();
        }
    }

    /** The JDK-event source's state: none, starting, running, over; guarded by {@code jdkEventsLock}. */
    private int jdkEvents = JDK_EVENTS_NONE;
    private final Object jdkEventsLock = new Object();
    static final int JDK_EVENTS_NONE = 0, JDK_EVENTS_STARTING = 1, JDK_EVENTS_RUNNING = 2, JDK_EVENTS_OVER = 3;

    /** The JDK-event source (the agent's bridge) moves to {@code state}. */
    void jdkEvents(int state) {
        synchronized (jdkEventsLock) {
            jdkEvents = state;
            jdkEventsLock.notifyAll();
        }
    }

    /** Waits while the JDK-event source starts, at most {@code timeoutNanos}; whether it runs. */
    public boolean awaitJdkEvents(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (jdkEventsLock) {
            while (jdkEvents == JDK_EVENTS_STARTING) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(jdkEventsLock, left);
            }
            return jdkEvents == JDK_EVENTS_RUNNING;
        }
    }

    /**
     * Threads named {@code names} work for the tracer (the JDK's Flight Recorder threads when the
     * tracer started Flight Recorder): the thread tables flag them so analyses can leave them out.
     */
    void tracerThreadNames(Set<String> names) {
        tracerThreadNames = Set.copyOf(names);
    }

    boolean isTracerThreadName(String name) {
        return tracerThreadNames.contains(name);
    }

    /** Whether {@code task} will run at the stop: false once the stop has begun. */
    boolean beforeStop(Runnable task) {
        synchronized (beforeStopLock) {
            if (beforeStop == null) {
                return false;
            }
            beforeStop.add(task);
            return true;
        }
    }

    /**
     * Nanoseconds since the session started: the trace clock. {@code System.nanoTime()}: the
     * time-stamp counter read through the fp helper was no cheaper once its read was ordered
     * (docs/performance.md, "The trace clock", 2026-12-07).
     */
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
        return begin(Thread.currentThread(), need);
    }

    /**
     * {@link #begin(int)} for an event of {@code t}, which is the current thread or a virtual
     * thread the current carrier acts for (a virtual thread that blocked on a monitor is seen only
     * after it unmounted).
     */
    /** {@link #begin(int)} when the caller already looked up {@code home} ({@link Writers#home()}). */
    private Writer begin(Writer home, int need) {
        return begin(home, Thread.currentThread(), need, -1);
    }

    Writer begin(Thread t, int need) {
        return begin(t, need, -1);
    }

    /**
     * {@link #begin(Thread, int)} for an event at a given trace time ({@code time} ≥ 0) that the
     * JDK reports after the fact: a time earlier than the buffer's last starts a new buffer, so
     * that every batch stays in time order. The event may land in a later generation than its
     * time (docs/format.md, "late events").
     */
    Writer begin(Thread t, int need, long time) {
        return begin(writers.home(), t, need, time);
    }

    /**
     * {@link #begin(Thread, int, long)} when the caller already looked up {@code home}
     * ({@link Writers#home()}): the hottest hooks find their carrier's writer once, not twice.
     */
    private Writer begin(Writer home, Thread t, int need, long time) {
        if (t == backgroundThread) {
            return null; // the tracer never traces itself
        }
        Writer w = writers.acquire(home);
        if (w == null) {
            if (!closed) {
                lost.incrementAndGet();
            } else if (writeFailed) {
                unwritten.incrementAndGet();
            }
            return null;
        }
        if (closed) {
            w.release();
            if (writeFailed) {
                unwritten.incrementAndGet();
            }
            return null;
        }
        // the generation before the clock: the advancer takes a generation's end time before it
        // advances, so an event of the new generation is never timed before that generation began
        long g = generation;
        long now = time >= 0 ? time : clock();
        if (w.gen != g || w.pos + need + SWITCH_BYTES > w.limit || (time >= 0 && time < w.lastTime)) {
            if (!roll(w, g, now, need)) {
                w.release();
                lost.incrementAndGet();
                return null;
            }
        }
        if (t == null) {
            // an event of no thread (a collector pause): after a THREAD_SWITCH to 0 if needed
            if (w.current != null) {
                w.untimed(EventType.THREAD_SWITCH.code);
                w.varint(0);
                w.current = null;
                w.currentRecord = null;
            }
        } else {
            if (w.current != t) {
                ThreadRecord next = self(t, home, ThreadState.RUNNING);
                if (next.excluded && t == Thread.currentThread()) {
                    w.release();
                    return null; // a thread of the tracer's own (its late events are written as other threads)
                }
                switchThread(w, next, now);
            }
            ThreadRecord r = w.currentRecord;
            if (r.startPending && time < 0) {
                // the first event of a thread we saw created: it has started running
                r.startPending = false;
                w.timed(EventType.THREAD_START.code, now);
                r.setState(ThreadState.RUNNING, 0);
            }
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
        w.attach(b, g, now, tables.get((int) (g & 1)));
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

    private static void switchThread(Writer w, ThreadRecord r, long now) {
        w.untimed(EventType.THREAD_SWITCH.code);
        w.varint(r.threadId);
        w.current = r.thread;
        w.currentRecord = r;
        ensureStatus(w, r, now);
    }

    /** Writes {@code r}'s STATUS if it is the thread's first appearance in this generation. */
    static void ensureStatus(Writer w, ThreadRecord r, long now) {
        int state = r.state();
        int reason = r.reason;
        if (claimStatus(w, r)) {
            w.timed(EventType.STATUS.code, now);
            w.varint(r.threadId);
            w.varint(state);
            w.varint(reason);
        }
    }

    /**
     * Whether the caller, holding {@code w}, is to write {@code r}'s first event of {@code w}'s
     * generation (once per thread and generation); the generation's thread table then names it.
     */
    private static boolean claimStatus(Writer w, ThreadRecord r) {
        if (r.claimStatus(w.gen)) {
            w.tables.appeared(r);
            return true;
        }
        return false;
    }

    /** A thread another thread's event refers to: its status first, then its record to update. */
    private ThreadRecord other(Writer w, Thread t, ThreadState ifNew) {
        ThreadRecord r = threads.get(t, ifNew);
        ensureStatus(w, r, w.now);
        return r;
    }

    /**
     * The record of {@code t}: the current thread, or the virtual thread its carrier mounts or
     * unmounts. Hooks come in runs from one thread on one carrier (a queue's take: context, park,
     * return, context end), so a one-entry cache on the carrier answers most of them without the
     * registry's map, whose table of all live threads is large and cold when virtual threads
     * number in the hundred thousands.
     */
    private ThreadRecord self(Thread t) {
        return self(t, ThreadState.RUNNING);
    }

    /** {@link #self(Thread)} for a thread that, if never seen, is in state {@code ifNew}. */
    private ThreadRecord self(Thread t, ThreadState ifNew) {
        return self(t, writers.home(), ifNew);
    }

    /** {@link #self(Thread, ThreadState)} with the carrier's writer {@code home} already looked up. */
    private ThreadRecord self(Thread t, Writer home, ThreadState ifNew) {
        if (home == null) {
            return threads.get(t, ifNew);
        }
        ThreadRecord c = home.lastRecord;
        if (c == null || c.thread != t) {
            c = threads.get(t, ifNew);
            home.lastRecord = c;
        }
        return c;
    }

    /**
     * The current stack in the tier's raw form (before the writer is taken: it may be slow), with
     * the carrier's writer {@code home} looked up by the caller, which begins its event with the
     * same one ({@link #begin(Writer, int)}): one lookup per event, not two.
     */
    private Object stack(Writer home) {
        if (stacks == null) {
            return null;
        }
        Thread t = Thread.currentThread();
        // the record keys a virtual thread's frozen frames and says whether a platform thread was started by the JVM
        return stacks.capture(t == backgroundThread ? null : self(t, home, ThreadState.RUNNING));
    }

    /** {@link #stack(Writer)} when the caller has the current thread's record {@code self} already. */
    private Object stack(ThreadRecord self) {
        return stacks == null ? null : stacks.capture(self);
    }

    /** Fresh tables for a generation to come (the background writer, after writing one out). */
    GenerationTables newTables(int parity, int expectedStrings) {
        return new GenerationTables(stacks, parity, expectedStrings);
    }

    /** The stack tier in use ("fp", "fast", "slow") or "off". */
    public String stackTier() {
        return stacks == null ? "off" : stacks.name();
    }

    // ---- events: threads and scheduling (called by the agent's hooks through Events) ----

    void threadCreate(Thread created) {
        ThreadRecord known = threads.find(created);
        if (known != null && known.excluded) {
            return; // the tracer starting a thread of its own
        }
        Writer home = writers.home();
        Object st = stack(home);
        Writer w = begin(home, MAX_EVENT_BYTES + SWITCH_BYTES);
        if (w == null) {
            return;
        }
        try {
            GenerationTables t = w.tables;
            long stackId = t.stack(st);
            ThreadRecord r = threads.get(created, ThreadState.NOT_EXIST);
            if (r.state() != ThreadState.NOT_EXIST.code || !claimStatus(w, r)) {
                ensureStatus(w, r, w.now); // else the THREAD_CREATE says all a STATUS would
            }
            w.timed(EventType.THREAD_CREATE.code, w.now);
            w.varint(r.threadId);
            w.varint(stackId);
            r.setState(ThreadState.RUNNABLE, 0);
            // from Thread.start, a platform thread runs next (a virtual thread's MOUNT is its start)
            r.startPending = !created.isVirtual() && created.getState() == Thread.State.NEW;
            r.startedByJvm = r.startPending;
        } finally {
            w.release();
        }
    }

    void threadStart() {
        stateEvent(EventType.THREAD_START, ThreadState.RUNNING, 0);
    }

    /**
     * The current thread runs its first code. If it was seen created and has written nothing yet,
     * taking a writer writes its THREAD_START (see {@link #begin}); else nothing.
     */
    void threadRunning() {
        Thread t = Thread.currentThread();
        ThreadRecord r = t == backgroundThread ? null : threads.find(t);
        if (r != null && r.startPending) {
            started(writers.home());
        }
    }

    /** Writes the current thread's pending THREAD_START: {@link #begin} does, for a thread's first event. */
    private void started(Writer home) {
        Writer w = begin(home, Thread.currentThread(), MAX_EVENT_BYTES, -1);
        if (w != null) {
            w.release();
        }
    }

    void threadEnd() {
        stateEvent(EventType.THREAD_END, ThreadState.TERMINATED, 0);
    }

    void run() {
        run(writers.home());
    }

    private void run(Writer home) {
        stateEvent(home, EventType.RUN, ThreadState.RUNNING, 0);
    }

    void nativeEnd() {
        stateEvent(EventType.NATIVE_END, ThreadState.RUNNING, 0);
    }

    private void stateEvent(EventType type, ThreadState next, int reason) {
        stateEvent(writers.home(), type, next, reason);
    }

    private void stateEvent(Writer home, EventType type, ThreadState next, int reason) {
        Writer w = begin(home, Thread.currentThread(), MAX_EVENT_BYTES, -1);
        if (w == null) {
            return;
        }
        try {
            w.timed(type.code, w.now);
            ThreadRecord r = w.currentRecord;
            r.setState(next, reason);
            r.blockUnmounts = false; // a virtual thread that runs again without a MOUNT never left its carrier
        } finally {
            w.release();
        }
    }

    void block(BlockReason reason, String blocker) {
        Writer home = writers.home();
        block(home, reason, blocker, stack(home));
    }

    private void block(Writer home, BlockReason reason, String blocker, Object st) {
        Writer w = begin(home, Thread.currentThread(), MAX_EVENT_BYTES, -1);
        if (w == null) {
            return;
        }
        try {
            GenerationTables t = w.tables;
            long blockerId = w.string(blocker);
            long stackId = t.stack(st);
            w.timed(EventType.BLOCK.code, w.now);
            w.varint(reason.code);
            w.varint(blockerId);
            w.varint(stackId);
            ThreadRecord r = w.currentRecord;
            r.setState(ThreadState.BLOCKED, reason.code);
            r.blockUnmounts = r.virtual; // a virtual thread blocks on its carrier: this is its unmount too
        } finally {
            w.release();
        }
    }

    void unblock(Thread target, WakerKind waker, long wakerThread) {
        Writer home = writers.home();
        Object st = waker == WakerKind.CURRENT ? stack(home) : null;
        Writer w = begin(home, MAX_EVENT_BYTES + SWITCH_BYTES);
        if (w == null) {
            return;
        }
        try {
            long stackId = w.tables.stack(st);
            ThreadRecord r = other(w, target, ThreadState.BLOCKED);
            writeUnblock(w, r, waker, wakerThread, stackId);
            r.setState(ThreadState.RUNNABLE, 0);
        } finally {
            w.release();
        }
    }

    private static void writeUnblock(Writer w, ThreadRecord target, WakerKind waker, long wakerThread, long stackId) {
        w.timed(EventType.UNBLOCK.code, w.now);
        w.varint(target.threadId);
        w.varint(waker.code);
        w.varint(wakerThread);
        w.varint(stackId);
    }

    void mount(Thread vthread) {
        mount(writers.home(), threads.get(vthread, ThreadState.RUNNABLE));
    }

    /** Writes {@code r}'s MOUNT on the current carrier, whose writer {@code home} the caller looked up. */
    private void mount(Writer home, ThreadRecord r) {
        Writer w = begin(home, Thread.currentThread(), MAX_EVENT_BYTES + SWITCH_BYTES, -1);
        if (w == null) {
            return;
        }
        try {
            ensureStatus(w, r, w.now);
            w.timed(EventType.MOUNT.code, w.now);
            w.varint(r.threadId);
            r.setState(ThreadState.RUNNING, 0);
            r.blockUnmounts = false;
        } finally {
            w.release();
        }
    }

    void unmount(Thread vthread, UnmountReason reason) {
        Writer home = writers.home();
        unmount(home, self(vthread, home, ThreadState.RUNNING), reason); // the carrier just ran it
    }

    /** Writes {@code r}'s UNMOUNT on the current carrier, whose writer {@code home} the caller looked up. */
    private void unmount(Writer home, ThreadRecord r, UnmountReason reason) {
        boolean implied = reason == UnmountReason.BLOCK && r.blockUnmounts;
        r.blockUnmounts = false;
        // the BLOCK this thread wrote on this carrier was its unmount (format version 4): one
        // event, one clock read and one writer fewer per virtual-thread park
        Writer w = implied ? null : begin(home, Thread.currentThread(), MAX_EVENT_BYTES + SWITCH_BYTES, -1);
        if (w != null) {
            try {
                ensureStatus(w, r, w.now);
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
        if (reason == UnmountReason.END) {
            threads.ended(r); // its last event
        }
    }

    void nativeBegin(String what) {
        Writer home = writers.home();
        Object st = stack(home);
        Writer w = begin(home, MAX_EVENT_BYTES);
        if (w == null) {
            return;
        }
        try {
            GenerationTables t = w.tables;
            long whatId = t.string(what);
            long stackId = t.stack(st);
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
            GenerationTables t = w.tables;
            long nameId = t.string(name);
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
        Writer home = writers.home();
        Object st = stack(home);
        Writer w = begin(home, MAX_EVENT_BYTES + SWITCH_BYTES);
        if (w == null) {
            return;
        }
        try {
            GenerationTables t = w.tables;
            long stackId = t.stack(st);
            ThreadRecord r = other(w, sampled, ThreadState.RUNNING);
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
        Writer home = writers.home();
        Object st = stack(home);
        Writer w = begin(home, MAX_EVENT_BYTES);
        if (w == null) {
            return;
        }
        try {
            GenerationTables t = w.tables;
            long typeId = t.string(type);
            long stackId = t.stack(st);
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
        Writer home = writers.home();
        Object st = stack(home);
        Writer w = begin(home, MAX_EVENT_BYTES);
        if (w == null) {
            return;
        }
        try {
            GenerationTables t = w.tables;
            long stackId = t.stack(st);
            w.timed(EventType.TASK_END.code, w.now);
            w.varint(task);
            w.varint(stackId);
        } finally {
            w.release();
        }
    }

    public void region(boolean begin, long task, String type) {
        Writer home = writers.home();
        Object st = stack(home);
        Writer w = begin(home, MAX_EVENT_BYTES);
        if (w == null) {
            return;
        }
        try {
            GenerationTables t = w.tables;
            long typeId = t.string(type);
            long stackId = t.stack(st);
            w.timed(begin ? EventType.REGION_BEGIN.code : EventType.REGION_END.code, w.now);
            w.varint(task);
            w.varint(typeId);
            w.varint(stackId);
        } finally {
            w.release();
        }
    }

    public void log(long task, String category, String message) {
        Writer home = writers.home();
        Object st = stack(home);
        String text = message == null ? "" : message;
        // A message is cut to fit one buffer; at most 3 bytes per char until then.
        int maxBytes = pool.bufferSize() - MAX_EVENT_BYTES - 2 * SWITCH_BYTES;
        Writer w = begin(home, MAX_EVENT_BYTES + (int) Math.min(maxBytes, 3L * text.length()));
        if (w == null) {
            return;
        }
        try {
            GenerationTables t = w.tables;
            long categoryId = t.string(category);
            long stackId = t.stack(st);
            w.timed(EventType.LOG.code, w.now);
            w.varint(task);
            w.varint(categoryId);
            w.varint(stackId);
            w.utf8(text, maxBytes);
        } finally {
            w.release();
        }
    }

    // ---- state-aware operations for the agent's hooks ----
    //
    // Hooks see calls (park entered, park returned, unpark called), not state changes; these
    // turn calls into the transitions the trace needs, using what the recorder knows of each
    // thread. A state change that two threads may race for (a wake-up by an unpark and by a
    // timeout) is claimed with a CAS on the thread's state, so it is written once.

    /** The current thread enters a blocking call; nested blocking calls (parkUntil → parkUntil) record one block. */
    void blockIfRunning(BlockReason reason, String blocker) {
        blockIfRunning(reason, blocker, true);
    }

    /**
     * The current thread enters LockSupport.park: {@link #blockIfRunning}, unless it is a virtual
     * thread whose park returns at once ({@link ParkPermits}): that park blocks nothing and
     * consumes the permit an earlier unpark left, so it is written as nothing at all.
     */
    void park(BlockReason reason, String blocker) {
        Thread t = Thread.currentThread();
        if (parkPermitsReadable && t.isVirtual() && ParkPermits.parkReturnsAtOnce(t)) {
            if (t != backgroundThread) {
                self(t).permitFrom = 0; // the permit's giver woke nobody
            }
            return;
        }
        blockIfRunning(reason, blocker, true);
    }

    /**
     * The current thread, a pool's worker, waits for work: a block without a stack (it is always
     * the pool's own wait), ended like any blocking call by {@link #blockingCallReturned}.
     */
    void poolIdle() {
        blockIfRunning(BlockReason.IDLE, null, false);
    }

    private void blockIfRunning(BlockReason reason, String blocker, boolean withStack) {
        Thread t = Thread.currentThread();
        if (t == backgroundThread) {
            return;
        }
        Writer home = writers.home();
        ThreadRecord r = self(t, home, ThreadState.RUNNING);
        if (r.state() == ThreadState.RUNNING.code || r.startPending) {
            Object st = withStack ? stack(r) : null;
            r.blockStackKey = st != null && r.virtual ? r.lastStackKey : 0; // what it will freeze with
            block(home, r.contextReason != null ? r.contextReason : reason, blocker, st);
        }
    }

    /**
     * The current thread returns from a blocking call. If nobody was seen waking it, the waker is
     * the thread whose earlier unpark left the permit it consumed, else {@code fallback}; a
     * platform thread (or a virtual thread that never unmounted) then runs again.
     */
    void blockingCallReturned(WakerKind fallback) {
        Thread t = Thread.currentThread();
        if (t == backgroundThread) {
            return;
        }
        Writer home = writers.home();
        ThreadRecord r = self(t, home, ThreadState.RUNNING);
        r.blockStackKey = 0; // returned without an unmount (pinned, or it did not yield)
        long permit = r.permitFrom;
        if (unblockIfBlocked(home, r, permit != 0 ? WakerKind.THREAD : fallback, permit)) {
            r.permitFrom = 0;
        }
        if (r.state() == ThreadState.RUNNABLE.code) {
            if (r.startPending) {
                started(home); // its first event: it starts (runnable since created), it does not run again
            } else {
                run(home);
            }
        }
    }

    /** The current thread wakes {@code target} (unpark, interrupt): an unblock if it is blocked, else a permit. */
    void wake(Thread target) {
        Thread t = Thread.currentThread();
        if (t == backgroundThread) {
            return;
        }
        wake(self(t), t, threads.find(target), target);
    }

    private void wake(ThreadRecord self, Thread t, ThreadRecord r, Thread target) {
        if (self.wakesForIo || self.excluded) {
            // the network woke it, not the poller thread; or the tracer's own thread did
            unblockIfBlocked(r, WakerKind.UNKNOWN, 0);
        } else if (!unblockIfBlocked(r, WakerKind.CURRENT, 0)) {
            if (r == null && !target.isAlive()) {
                // no permit for a thread that has ended (its record is gone: don't make a new one)
                // or not started; not getState(), which locks for a virtual thread
                return;
            }
            (r != null ? r : threads.get(target, ThreadState.RUNNING)).permitFrom = t.threadId();
        }
    }

    /**
     * LockSupport.unpark entered: the current thread wakes {@code target}. Its UNBLOCK is written
     * now, at this time, all but the stack: this thread keeps the writer, so the event stays
     * whole and in this generation, and {@link #unparkReturned} adds the waker's stack after the
     * target was unparked. A woken thread never waits for its waker's stack walk. (Where there is
     * no stack to take, or the target was not blocked, the wake-up is written at once by
     * {@link #wake}.)
     */
    void unparkEntered(Thread target) {
        Thread t = Thread.currentThread();
        if (t == backgroundThread) {
            return;
        }
        Writer home = writers.home();
        ThreadRecord self = self(t, home, ThreadState.RUNNING);
        if (self.pendingUnblock != null) {
            finishUnblock(self, null); // an unpark whose exit did not run: never hold two writers
        }
        ThreadRecord r = threads.find(target);
        int seen = r == null ? 0 : r.stateWord(); // before the clock: see ThreadRecord#stateWord
        if (self.wakesForIo || self.excluded || stacks == null || r == null || ThreadRecord.code(seen) != ThreadState.BLOCKED.code) {
            wake(self, t, r, target);
            return;
        }
        Writer w = begin(home, t, MAX_EVENT_BYTES + SWITCH_BYTES, -1);
        if (w == null) {
            r.wake(seen); // event lost; the state still moves
            return;
        }
        ensureStatus(w, r, w.now);
        if (!r.wake(seen)) {
            w.release(); // a timeout or another thread woke it first
            return;
        }
        w.timed(EventType.UNBLOCK.code, w.now);
        w.varint(r.threadId);
        w.varint(WakerKind.CURRENT.code);
        w.varint(0);
        self.pendingUnblock = w; // the stack follows in unparkReturned
    }

    /** LockSupport.unpark returns: the pending UNBLOCK gets the waker's stack and the writer is released. */
    void unparkReturned() {
        Thread t = Thread.currentThread();
        if (t == backgroundThread) {
            return;
        }
        ThreadRecord self = self(t);
        if (self.pendingUnblock != null) {
            // The generation cannot end while the writer is held, so its tables are this event's.
            // A stack new to the generation is interned under the table's lock, with the writer
            // held: other threads of this carrier write into spare writers meanwhile.
            finishUnblock(self, stack(self));
        }
    }

    private void finishUnblock(ThreadRecord self, Object stack) {
        Writer w = self.pendingUnblock;
        self.pendingUnblock = null;
        try {
            w.varint(stack == null ? 0 : w.tables.stack(stack));
        } finally {
            w.release();
        }
    }

    /** {@code target} is woken by the JDK itself (a timer, the virtual-thread unblocker). */
    void wokenBy(Thread target, WakerKind waker) {
        if (Thread.currentThread() != backgroundThread) {
            unblockIfBlocked(threads.find(target), waker, 0);
        }
    }

    /**
     * Writes {@code target}'s UNBLOCK if it is blocked. Two threads may race to wake it (an unpark
     * and a timeout): the state change is claimed by CAS inside the write, after the target's
     * STATUS (which must show it blocked), so exactly one UNBLOCK is written. Returns whether this
     * call made the target runnable.
     */
    private boolean unblockIfBlocked(ThreadRecord r, WakerKind waker, long wakerThread) {
        return unblockIfBlocked(writers.home(), r, waker, wakerThread);
    }

    private boolean unblockIfBlocked(Writer home, ThreadRecord r, WakerKind waker, long wakerThread) {
        int seen = r == null ? 0 : r.stateWord(); // before the clock: see ThreadRecord#stateWord
        if (r == null || ThreadRecord.code(seen) != ThreadState.BLOCKED.code) {
            return false; // a thread never seen blocking: nothing to undo
        }
        boolean byMe = waker == WakerKind.CURRENT;
        Object st = byMe ? stack(home) : null;
        // a wake-up by a timer, the network or the JDK is an event of no thread: no helper thread
        // of the JDK appears as the one that acted
        Writer w = begin(home, byMe ? Thread.currentThread() : null, MAX_EVENT_BYTES + SWITCH_BYTES, -1);
        if (w == null) {
            return r.wake(seen); // event lost; the state still moves
        }
        try {
            ensureStatus(w, r, w.now);
            if (!r.wake(seen)) {
                return false;
            }
            writeUnblock(w, r, waker, wakerThread, w.tables.stack(st));
            return true;
        } finally {
            w.release();
        }
    }

    /**
     * The current carrier unmounted {@code vthread}. A virtual thread that blocked on a monitor
     * passed no park hook: its block is written here, as its own event, with {@code blockedAs} as
     * the reason and the stack walked from its frozen continuation ({@code frozen}).
     */
    void unmount(Thread vthread, UnmountReason reason, BlockReason blockedAs, StackWalker frozen) {
        // one lookup of the carrier's writer for the whole hook: mounts and unmounts are the
        // hottest hooks of a virtual-thread server
        Writer home = writers.home();
        ThreadRecord r = self(vthread, home, ThreadState.RUNNING);
        // frozen with the stack its blocking-call hook captured, woken since or not: the frames
        // left in the heap after its next mount are the bottom of that stack
        r.frozenKey = reason == UnmountReason.BLOCK ? r.blockStackKey : 0;
        r.blockStackKey = 0;
        if (reason == UnmountReason.BLOCK && blockedAs != BlockReason.NONE) {
            if (r.state() == ThreadState.RUNNING.code) {
                CapturedStack st = frozen == null || stacks == null ? null : SlowStacks.walk(frozen, options.stackDepth());
                Writer w = begin(home, vthread, MAX_EVENT_BYTES, -1);
                if (w != null) {
                    try {
                        long stackId = w.tables.symbolizedStack(st);
                        w.timed(EventType.BLOCK.code, w.now);
                        w.varint(blockedAs.code);
                        w.varint(0);
                        w.varint(stackId);
                        r.setState(ThreadState.BLOCKED, blockedAs.code);
                        r.blockUnmounts = true;
                    } finally {
                        w.release();
                    }
                }
            }
        }
        unmount(home, r, reason);
    }

    /**
     * The current carrier mounts {@code vthread}, which a hook saw block: if no hook saw it woken
     * (a path the agent does not instrument), its unblock is written first, waker unknown.
     */
    void mountWoken(Thread vthread) {
        Writer home = writers.home();
        ThreadRecord r = self(vthread, home, ThreadState.RUNNABLE); // it runs on this carrier next
        unblockIfBlocked(home, r, WakerKind.UNKNOWN, 0);
        mount(home, r);
    }

    /** The current thread enters a blocking native call; nested calls record one. */
    void nativeCallEnter(String what) {
        Thread t = Thread.currentThread();
        if (t == backgroundThread) {
            return;
        }
        ThreadRecord r = self(t);
        if (r.nativeDepth++ == 0 && (r.state() == ThreadState.RUNNING.code || r.startPending)) {
            nativeBegin(what);
        }
    }

    /** The current thread returns from its blocking native call. */
    void nativeCallExit() {
        Thread t = Thread.currentThread();
        if (t == backgroundThread) {
            return;
        }
        ThreadRecord r = self(t);
        if (r.nativeDepth > 0 && --r.nativeDepth == 0 && r.state() == ThreadState.NATIVE.code) {
            nativeEnd();
        }
    }

    /** While set, the current thread's unparks are I/O readiness, not wake-ups by this thread. */
    void wakingForIo(boolean on) {
        Thread t = Thread.currentThread();
        if (t != backgroundThread) {
            self(t).wakesForIo = on;
        }
    }

    /** Blocks of the current thread until {@link #endReasonContext} get {@code reason} (a queue's take, a join). */
    void reasonContext(BlockReason reason) {
        Thread t = Thread.currentThread();
        if (t == backgroundThread) {
            return;
        }
        ThreadRecord r = self(t);
        if (r.contextDepth++ == 0) {
            r.contextReason = reason;
        }
    }

    void endReasonContext() {
        Thread t = Thread.currentThread();
        if (t == backgroundThread) {
            return;
        }
        ThreadRecord r = self(t);
        if (r.contextDepth > 0 && --r.contextDepth == 0) {
            r.contextReason = null;
        }
    }

    // ---- late events: what the JDK reports after the fact (its own event stream) ----

    /**
     * Platform thread {@code threadId} was blocked entering a contended monitor from {@code start}
     * to {@code end} (trace times), released by {@code previousOwner} (0: unknown), with its
     * stack: written as the thread's BLOCK, UNBLOCK and RUN at those times. Threads the recorder
     * never saw are skipped.
     */
    void lateMonitorBlock(long threadId, long start, long end, String monitorClass, long previousOwner,
                          CapturedStack stack) {
        if (end >= start) {
            lateMonitorEnter(threadId, start, monitorClass, stack);
            lateMonitorEntered(threadId, end, previousOwner);
        }
    }

    /**
     * The first half of {@link #lateMonitorBlock}: the BLOCK at {@code start}. A reporter with many
     * overlapping blocks writes every half in time order (all the starts and ends of a batch,
     * sorted): a late event earlier than its buffer's last one costs a new buffer.
     */
    void lateMonitorEnter(long threadId, long start, String monitorClass, CapturedStack stack) {
        ThreadRecord r = threads.findById(threadId);
        if (r == null || r.virtual || start < 0) {
            return;
        }
        Writer w = begin(r.thread, MAX_EVENT_BYTES, start);
        if (w == null) {
            return;
        }
        try {
            GenerationTables t = w.tables;
            long blockerId = w.string(monitorClass);
            long stackId = t.symbolizedStack(stack);
            w.untimed(EventType.LATE.code);
            w.timed(EventType.BLOCK.code, start);
            w.varint(BlockReason.MONITOR.code);
            w.varint(blockerId);
            w.varint(stackId);
        } finally {
            w.release();
        }
    }

    /** The second half of {@link #lateMonitorBlock}: the UNBLOCK by {@code previousOwner} (0: unknown) and RUN at {@code end}. */
    void lateMonitorEntered(long threadId, long end, long previousOwner) {
        ThreadRecord r = threads.findById(threadId);
        if (r == null || r.virtual || end < 0) {
            return;
        }
        Writer w = begin(r.thread, 2 * MAX_EVENT_BYTES, end);
        if (w == null) {
            return;
        }
        try {
            w.untimed(EventType.LATE.code);
            writeUnblockAt(w, r, end, previousOwner != 0 ? WakerKind.THREAD : WakerKind.UNKNOWN, previousOwner);
            w.untimed(EventType.LATE.code);
            w.timed(EventType.RUN.code, end);
        } finally {
            w.release();
        }
    }

    /**
     * Platform thread {@code threadId} returned at {@code time} from an Object.wait that
     * {@code notifier} ended: a late UNBLOCK naming the waker, next to the live one that could
     * only say "unknown" (docs/format.md, "Late events").
     */
    void lateNotify(long threadId, long time, long notifier) {
        ThreadRecord r = threads.findById(threadId);
        if (r == null || r.virtual || time < 0 || notifier == 0) {
            return;
        }
        Writer w = begin(r.thread, MAX_EVENT_BYTES, time);
        if (w == null) {
            return;
        }
        try {
            w.untimed(EventType.LATE.code);
            writeUnblockAt(w, r, time, WakerKind.THREAD, notifier);
        } finally {
            w.release();
        }
    }

    private static void writeUnblockAt(Writer w, ThreadRecord target, long time, WakerKind waker, long wakerThread) {
        w.timed(EventType.UNBLOCK.code, time);
        w.varint(target.threadId);
        w.varint(waker.code);
        w.varint(wakerThread);
        w.varint(0);
    }

    /** A collector pause or a safepoint, reported after the fact: its begin and end events at those times. */
    void latePause(EventType begin, EventType end, long id, String name, long start, long stop) {
        if (start < 0 || stop < start) {
            return;
        }
        Writer w = begin(null, 2 * MAX_EVENT_BYTES, start);
        if (w == null) {
            return;
        }
        try {
            GenerationTables t = w.tables;
            long nameId = t.string(name);
            if (begin == EventType.GC_BEGIN) {
                w.untimed(EventType.LATE.code);
                w.timed(EventType.GC_BEGIN.code, start);
                w.varint(id);
                w.varint(nameId);
                w.untimed(EventType.LATE.code);
                w.timed(EventType.GC_END.code, stop);
                w.varint(id);
            } else {
                w.untimed(EventType.LATE.code);
                w.timed(begin.code, start);
                w.untimed(EventType.LATE.code);
                w.timed(end.code, stop);
            }
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
