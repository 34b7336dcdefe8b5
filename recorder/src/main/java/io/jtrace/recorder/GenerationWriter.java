package io.jtrace.recorder;

import io.jtrace.format.EventType;
import io.jtrace.format.StackTrace;
import io.jtrace.format.TableWriter;
import io.jtrace.format.TraceEncoder;
import io.jtrace.format.Wire;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The background thread ("jtrace-writer") of a session: writes handed-off buffers as batches as
 * they arrive, and every generation period (or when a generation reaches its byte limit) closes
 * the generation: advances the generation counter, takes every writer's partial buffer of the
 * old generation, writes the old generation's stack, thread and string tables, its lost-event
 * count and its end, then the new generation's start and the status of every live thread.
 *
 * <p><b>Nothing is dropped for being late.</b> A writer that is busy when its generation ends (its
 * thread descheduled inside an event) is waited for: this thread yields and parks until the event
 * is done, and only then writes the generation's tables, which the event's ids refer to.
 * Application threads never wait on this thread; an event only ever waits out a steal (see
 * {@link Writer}). Meanwhile the other threads write on into the next generation, whose buffers
 * are kept until it opens; memory stays within the budget, and if the budget runs out, new events
 * are dropped and counted as usual. Only a writer held for longer than {@link #stuckPatienceNanos}
 * (10 s: a thread stopped in a debugger, or a hook that never released its writer) is given up on,
 * with a note on stderr, so that the recording goes on: the events it holds are counted as lost
 * when its buffer comes back (or, if it never does, estimated when the trace ends). A stop waits
 * for such a writer at most {@link #STOP_PATIENCE_NANOS}.
 */
final class GenerationWriter implements Runnable {
    /** How often handed-off buffers are written out. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * How many polls pass between looks through all threads of the generation not named yet: each
     * look reads every such record, mostly a cache miss each (~50,000 live virtual threads on the
     * vthreads workload); at every 10th poll that was the largest part of this thread's samples.
     */
    private static final int RESCAN_POLLS = 25;
    /** While recording, how long a writer busy at a generation's end is waited for before it is given up on. */
    static final long STUCK_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Once a stop is requested, how long a busy writer is waited for (so that the stop ends well within 30 s). */
    static final long STOP_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(3);
    /** Writers unused for this many generations leave the list (they rejoin on next use). */
    private static final int IDLE_GENERATIONS_BEFORE_PRUNE = 10;

    private final Recorder r;
    private final OutputStream out;
    /** The bytes that reached the caller's stream (the file): where the trace ends if writing fails. */
    private final CountingOutput reached;
    /** Why writing the trace failed, or null. */
    private volatile String failure;
    /** The bytes of events recorded but dropped when writing failed (buffers not yet written). */
    private volatile long unwrittenBytes;
    private final boolean closeOut;
    private final TraceEncoder enc;
    private final TableWriter table = new TableWriter();
    private volatile boolean stopRequested;
    private final List<Buffer> nextGeneration = new ArrayList<>();
    /**
     * The thread table of the generation being recorded, built while it runs: a thread is named
     * as soon as it appeared and ended (a virtual thread's record let go of it), else at the
     * generation's end. So the record of a short-lived virtual thread is garbage within a poll
     * or two of its end, while it is young, instead of living on to the generation's end: at a
     * hundred thousand virtual threads a second, that kept ~150,000 dead records reachable and
     * copied them through young collections.
     */
    private final TableWriter threadTable = new TableWriter();
    /** Threads that appeared in the generation and are not named yet (alive when last looked at). */
    private final List<ThreadRecord> unnamed = new ArrayList<>();
    /** The ids in {@link #threadTable}: each thread once, though two records of one thread may appear. */
    private final ThreadIdSet named = new ThreadIdSet();
    /** Polls since {@link #unnamed} was last looked through whole. */
    private int pollsSinceRescan;
    private long gen = 1;
    private long genStart;
    private long genBytes;
    private volatile boolean done;
    /** This thread, once it runs. */
    private volatile Thread self;
    /** The last generation whose end is written (for tests). */
    volatile long closedGeneration;
    /** Set by {@link #advanceSoon} (tests): end the generation at the next poll. */
    private volatile boolean advanceRequested;
    /** {@link #STUCK_PATIENCE_NANOS}; tests shorten it. */
    volatile long stuckPatienceNanos = STUCK_PATIENCE_NANOS;
    /** Events found in buffers of generations already written (writers given up on), for the next LOST. */
    private long staleLost;
    /** The sum of every LOST record written: for the one line at the end. Written by the writer thread only. */
    private volatile long lostInAll;
    /** Writers busy at the generation's end, being waited for. */
    private final List<Writer> busy = new ArrayList<>();
    /** Writers given up on while held: counted at the trace's end if they are held still. */
    private final List<Writer> abandoned = new ArrayList<>();
    /**
     * Writers this thread took off the writer list (idle, their thread gone). One may be taken again
     * and re-register only after it read the generation counter: until it is seen registered
     * again it is looked at here at every generation's end, so that a buffer it took in the
     * meantime is never missed. Weak: a writer nobody can reach again just goes away.
     */
    private final List<WeakReference<Writer>> pruned = new ArrayList<>();
    /** Whether the last poll looked for idle writers' buffers to reclaim (memory pressure). */
    private boolean reclaiming;

    GenerationWriter(Recorder r, OutputStream out, boolean closeOut) {
        this.r = r;
        this.reached = new CountingOutput(out);
        this.out = closeOut ? new BufferedOutputStream(reached, 1 << 16) : reached;
        this.closeOut = closeOut;
        this.enc = new TraceEncoder(this.out);
    }

    @Override
    public void run() {
        self = Thread.currentThread();
        try {
            r.stacksInBackground();
            enc.header();
            enc.beginGeneration(gen, genStart, wallClock(genStart));
            writeStatuses(List.of()); // the first generation's heap sample
            long period = r.options.generationPeriod().toNanos();
            long limit = r.options.generationBytes();
            while (!stopRequested) {
                LockSupport.parkNanos(POLL_NANOS);
                writeHandedOff();
                if (reclaimIdleBuffers()) {
                    writeHandedOff();
                }
                nameAppearedThreads(false);
                long now = r.clock();
                if (advanceRequested || now - genStart >= period || genBytes >= limit) {
                    advanceRequested = false;
                    advance(false);
                }
            }
            advance(true);
            enc.end();
            enc.flush();
        } catch (IOException | RuntimeException | Error e) {
            failure = e.toString();
            r.writeFailed = true; // before closed: every event refused from now on is counted
            r.closed = true;
            System.err.println("jtrace: writing the trace failed, recording stopped: " + e);
            unwrittenBytes = recycleEverything();
        } finally {
            if (closeOut) {
                try {
                    out.close();
                } catch (IOException e) {
                    System.err.println("jtrace: closing the trace failed: " + e);
                }
            }
            done = true;
        }
    }

    /** Ends the current generation at the next poll, whatever its age (for tests). */
    void advanceSoon() {
        advanceRequested = true;
        LockSupport.unpark(self);
    }

    /** Asks for the last generation to be written and waits (bounded) until it is. */
    /** Events counted as lost in the generations written so far (final once the last is written). */
    long lostInAll() {
        return lostInAll;
    }

    void requestStop(Thread self) {
        stopRequested = true;
        LockSupport.unpark(self);
        if (Thread.currentThread() == self) {
            return;
        }
        try {
            self.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!done) {
            System.err.println("jtrace: the trace writer did not finish within 30 s; the trace may be truncated");
        }
    }

    private void writeHandedOff() throws IOException {
        for (Buffer b = r.full.takeAll(); b != null; ) {
            Buffer next = b.next;
            if (b.gen == gen) {
                writeBatch(b);
            } else if (b.gen < gen) {
                // the buffer of a writer given up on (see giveUp): its generation's tables are
                // written, so its events can't be; they are counted now, exactly
                staleLost += countEvents(b.data, b.length);
                r.pool.give(b);
            } else {
                nextGeneration.add(b); // written after this generation closes
            }
            b = next;
        }
    }

    /**
     * The events in the first {@code length} bytes of a buffer (THREAD_SWITCH and LATE are not
     * events of their own). Bounds-checked: it may be given a buffer its owner is still writing.
     */
    static long countEvents(byte[] d, int length) {
        int end = Math.min(length, d.length);
        long events = 0;
        int p = 0;
        while (p < end) {
            EventType type = EventType.ofCode(d[p++] & 0xFF);
            if (type == null) {
                return events; // only in bytes still being written
            }
            int varints = type.args.size() + (type.timed ? 1 : 0);
            for (int i = 0; i < varints; i++) {
                do {
                    if (p >= end) {
                        return events;
                    }
                } while (d[p++] < 0);
            }
            if (type.hasTail) {
                long len = 0;
                for (int shift = 0; ; shift += 7) {
                    if (p >= end || shift > 28) {
                        return events;
                    }
                    byte x = d[p++];
                    len |= (long) (x & 0x7F) << shift;
                    if (x >= 0) {
                        break;
                    }
                }
                if (len > end - p) {
                    return events;
                }
                p += (int) len;
            }
            if (type != EventType.THREAD_SWITCH && type != EventType.LATE) {
                events++;
            }
        }
        return events;
    }

    private void writeBatch(Buffer b) throws IOException {
        enc.batch(b.writerId, b.gen, b.baseTime, b.data, 0, b.length);
        genBytes += b.length;
        r.pool.give(b);
    }

    /** Closes generation {@link #gen}; opens the next one unless this is the last. */
    private void advance(boolean last) throws IOException {
        long end = r.clock();
        long next = gen + 1;
        long lost;
        if (last) {
            r.closed = true; // events from now on are not recorded (nor counted: the recording has ended)
            takePartialBuffers();
            writeHandedOff();
            lost = r.lost.getAndSet(0) + heldAtTheEnd();
        } else {
            r.generation = next;
            // drops from now on are of the new generation's events (the few in flight aside)
            lost = r.lost.getAndSet(0);
            takePartialBuffers();
            writeHandedOff();
        }
        writeTables();
        r.threads.prune();
        enc.lost(gen, lost + staleLost);
        lostInAll += lost + staleLost;
        staleLost = 0;
        enc.endGeneration(gen, end);
        // for generation gen + 2, sized for as many strings as this one had: a service whose
        // threads have names of their own interns thousands per generation, and a map grown from
        // empty each time would copy itself over and over
        GenerationTables written = r.tables.get((int) (gen & 1));
        r.tables.set((int) (gen & 1), r.newTables((int) (gen & 1), written.stringTable().size()));
        closedGeneration = gen;
        gen = next;
        genStart = end;
        genBytes = 0;
        if (!last) {
            enc.beginGeneration(gen, genStart, wallClock(genStart));
            for (Buffer b : nextGeneration) {
                writeBatch(b);
            }
            nextGeneration.clear();
            writeStatuses(r.threads.platformThreads());
        }
        enc.flush();
    }

    /**
     * Takes each writer's buffer of the closing generation. The generation counter has moved on
     * (or the recording is closed), so no writer starts a buffer of this generation any more; a
     * writer busy now is in an event begun before, which this thread waits out (the events'
     * string and stack ids are this generation's: they must be written before its tables).
     */
    private void takePartialBuffers() throws IOException {
        Writer[] listed = r.writers.all().toArray(new Writer[0]);
        Map<Writer, Boolean> isListed = new IdentityHashMap<>();
        for (Writer w : listed) {
            isListed.put(w, Boolean.TRUE);
        }
        List<Writer> unlisted = new ArrayList<>();
        for (Iterator<WeakReference<Writer>> it = pruned.iterator(); it.hasNext(); ) {
            Writer w = it.next().get();
            if (w == null || isListed.containsKey(w)) {
                it.remove(); // gone for good, or back in the list
            } else {
                unlisted.add(w);
            }
        }
        busy.clear();
        for (Writer w : listed) {
            if (!tryTake(w) && mustWaitFor(w)) {
                busy.add(w);
            }
        }
        for (Writer w : unlisted) {
            if (!tryTake(w) && mustWaitFor(w)) {
                busy.add(w); // a pruned writer in use again, not registered yet
            }
        }
        long start = System.nanoTime();
        for (int round = 0; !busy.isEmpty(); round++) {
            pause(round);
            writeHandedOff(); // what busy writers hand off meanwhile; also frees the pool
            busy.removeIf(w -> tryTake(w) || !mustWaitFor(w));
            long patience = stopRequested ? STOP_PATIENCE_NANOS : stuckPatienceNanos;
            if (!busy.isEmpty() && System.nanoTime() - start >= patience) {
                for (Writer w : busy) {
                    giveUp(w, System.nanoTime() - start);
                }
                busy.clear();
            }
        }
    }

    /** Whether busy writer {@code w} may hold a buffer of the closing generation: not if it is still held in an event given up on before. */
    private boolean mustWaitFor(Writer w) {
        return !w.isAbandoned() || w.gen == gen; // gen: read racily, a hint only
    }

    /** Spins briefly, then yields, then parks: the writer waited for is a thread off its CPU. */
    private static void pause(int round) {
        if (round < 50) {
            Thread.onSpinWait();
            Thread.yield();
        } else {
            LockSupport.parkNanos(round < 150 ? TimeUnit.MICROSECONDS.toNanos(100) : TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /**
     * Takes {@code w}'s buffer of the closing generation if {@code w} is free; false if it is busy.
     * A writer left without a buffer leaves the writer list if it is idle and its thread has ended
     * (or is unknown). (A platform thread never has two writers: {@link Writers#ownWriter}.)
     */
    private boolean tryTake(Writer w) {
        if (!w.tryAcquireToSteal()) {
            return false;
        }
        try {
            if (w.buf != null && w.gen == gen) {
                r.handOff(w);
                w.idleGenerations = 0;
            } else if (w.buf != null && w.gen < gen) {
                // the writer was given up on, then released: its buffer's generation is written
                staleLost += countEvents(w.data, w.pos);
                r.pool.give(w.detach());
            } else if (w.buf == null && w.registered && ++w.idleGenerations >= IDLE_GENERATIONS_BEFORE_PRUNE
                    && (w.owner == null || !w.owner.isAlive())) {
                prune(w);
            }
        } finally {
            w.release();
        }
        return true;
    }

    private void prune(Writer w) {
        r.writers.unregister(w);
        pruned.add(new WeakReference<>(w));
    }

    /**
     * Stops waiting for {@code w}, held in an event for {@code waited} ns: the generation is
     * written without its buffer, whose events are counted when it comes back (or, at the end,
     * by {@link #heldAtTheEnd}).
     */
    private void giveUp(Writer w, long waited) {
        while (!w.tryAbandon() && !w.isAbandoned()) {
            if (tryTake(w)) {
                return; // released just now
            }
        }
        if (!abandoned.contains(w)) {
            abandoned.add(w);
        }
        Thread t = w.holder != null ? w.holder : w.owner;
        System.err.println("jtrace: thread \"" + (t == null ? "?" : t.getName()) + "\" has been inside an event for "
                + TimeUnit.NANOSECONDS.toMillis(waited) + " ms at the end of generation " + gen
                + "; the generation is written without the events its writer holds, which are counted as lost");
    }

    /**
     * At the trace's end: the events still in writers given up on and held since. Their owner may
     * be writing into the buffer as it is read, so this is an estimate (the events before the one
     * in progress, which are all there is to count unless the owner is past them).
     */
    private long heldAtTheEnd() {
        long n = 0;
        for (Writer w : abandoned) {
            if (w.isAbandoned()) {
                byte[] d = w.data;
                if (d != null) {
                    n += countEvents(d, w.pos);
                }
            }
        }
        abandoned.clear();
        return n;
    }

    /**
     * Under memory pressure (less than a quarter of the budget free), hands off the partial buffers
     * of writers that wrote nothing since the last poll: a thread that wrote a few events and then
     * waits, or a writer its thread has lost (a pool's worker whose thread locals the JDK erased),
     * must not hold a buffer for the rest of the generation while others drop events. True if any
     * was handed off.
     */
    private boolean reclaimIdleBuffers() {
        if (r.pool.available() >= r.pool.capacity() / 4) {
            if (reclaiming) {
                reclaiming = false;
                for (Writer w : r.writers.all()) {
                    w.seenBuf = null;
                }
            }
            return false;
        }
        reclaiming = true;
        boolean any = false;
        for (Writer w : r.writers.all()) {
            Buffer b = w.buf; // read racily: a hint, checked again once the writer is owned
            int pos = w.pos;
            if (b == null || b != w.seenBuf || pos != w.seenPos) {
                w.seenBuf = b;
                w.seenPos = pos;
                continue;
            }
            w.seenBuf = null;
            if (w.tryAcquireToSteal()) {
                try {
                    if (w.buf == b && w.pos == pos && w.gen == gen) {
                        r.handOff(w);
                        any = true;
                    }
                } finally {
                    w.release();
                }
            }
        }
        return any;
    }

    /**
     * STATUS of every live platform thread whose status the new generation does not have yet, written
     * through this thread's own writer so that it lands in a batch of the new generation.
     */
    private void writeStatuses(Iterable<ThreadRecord> platformThreads) {
        Writer w = r.writers.acquire();
        if (w == null) {
            return;
        }
        try {
            if (roomFor(w)) {
                // the heap at the generation's start: one sample per generation is cheap and
                // enough for a memory track; GC pauses come from the JDK's own events. From
                // Runtime, not the memory MXBean: the same figures (the collector's used and
                // capacity), without building the management registry on the start-up path
                Runtime rt = Runtime.getRuntime();
                long committed = rt.totalMemory();
                w.timed(EventType.HEAP.code, r.clock());
                w.varint(Math.max(0, committed - rt.freeMemory())); // two reads: the heap may grow between
                w.varint(committed);
            }
            // A virtual thread gets its STATUS when it first appears in a generation, as a
            // goroutine does in Go's trace: a hundred thousand parked virtual threads cost a
            // generation nothing (docs/format.md, STATUS).
            for (ThreadRecord t : platformThreads) {
                if (t.terminated()) {
                    continue;
                }
                if (!roomFor(w)) {
                    return;
                }
                Recorder.ensureStatus(w, t, r.clock());
            }
        } finally {
            w.release();
        }
    }

    /** Makes room for one event in a buffer of the new generation; false (and counted) if there is none. */
    private boolean roomFor(Writer w) {
        if (w.gen == gen && w.pos + Recorder.MAX_EVENT_BYTES <= w.limit) {
            return true;
        }
        r.handOff(w);
        Buffer b = r.pool.take();
        if (b == null) {
            r.lost.incrementAndGet();
            return false;
        }
        w.attach(b, gen, r.clock(), r.tables.get((int) (gen & 1)));
        return true;
    }

    private void writeTables() throws IOException {
        GenerationTables t = r.tables.get((int) (gen & 1));
        table.reset();
        java.util.function.ToLongFunction<String> stringIds = t::string;
        for (StackTrace s : t.stackTable()) {
            table.stack(s, stringIds);
        }
        record(Wire.STACKS);
        table.reset();
        nameAppearedThreads(true);
        var threads = threadTable.body(gen);
        enc.record(Wire.THREADS, threads.array(), 0, threads.size());
        int count = threadTable.count();
        threadTable.reset();
        named.reset(count); // the next generation likely has as many
        table.reset();
        for (Map.Entry<String, Long> e : t.stringTable().entrySet()) {
            table.string(e.getValue(), e.getKey());
        }
        record(Wire.STRINGS);
    }

    /**
     * Names in {@link #threadTable} the threads that appeared in the generation since the last
     * call and have ended, and with {@code all} (at the generation's end) every one not named
     * yet. Those still alive wait in {@link #unnamed}, looked through again every
     * {@link #RESCAN_POLLS} polls rather than at each, so that a poll costs what appeared since
     * the last one.
     */
    private void nameAppearedThreads(boolean all) {
        int from = unnamed.size();
        r.tables.get((int) (gen & 1)).takeAppeared(unnamed);
        boolean rescan = all || ++pollsSinceRescan >= RESCAN_POLLS;
        if (rescan) {
            pollsSinceRescan = 0;
            from = 0;
        }
        int kept = from;
        for (int i = from; i < unnamed.size(); i++) {
            ThreadRecord rec = unnamed.get(i);
            if (all || rec.thread == null) {
                nameThread(rec);
            } else {
                unnamed.set(kept++, rec);
            }
        }
        unnamed.subList(kept, unnamed.size()).clear();
    }

    private void nameThread(ThreadRecord rec) {
        if (!named.add(rec.threadId)) {
            return; // a second record of one thread (an event naming it after its end): one entry
        }
        String name = rec.name();
        threadTable.thread(rec.threadId, name, rec.virtual, rec.daemon(), rec.terminated(),
                rec.excluded || (!rec.virtual && r.isTracerThreadName(name)));
    }

    private void record(int kind) throws IOException {
        var body = table.body(gen);
        enc.record(kind, body.array(), 0, body.size());
    }

    /**
     * After an I/O failure: gives every buffer back so nothing leaks (writers see {@code closed});
     * returns the bytes of events they held, which the trace will never have.
     */
    private long recycleEverything() {
        long bytes = 0;
        for (Buffer b = r.full.takeAll(); b != null; ) {
            Buffer next = b.next; // give() clears the link
            bytes += b.length;
            r.pool.give(b);
            b = next;
        }
        for (Buffer b : nextGeneration) {
            bytes += b.length;
            r.pool.give(b);
        }
        nextGeneration.clear();
        return bytes;
    }

    /** Why writing the trace failed, or null if it has not. */
    String failure() {
        return failure;
    }

    /** The bytes of the trace that reached its stream. */
    long bytesWritten() {
        return reached.count;
    }

    /** After a failure: the bytes of events recorded but not written (final once the writer has ended). */
    long unwrittenBytes() {
        return unwrittenBytes;
    }

    /** Counts what the stream below it accepted (a write that throws is not counted). */
    private static final class CountingOutput extends FilterOutputStream {
        volatile long count;

        CountingOutput(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    private long wallClock(long traceTime) {
        Instant now = Instant.now();
        long elapsed = r.clock() - traceTime;
        return now.getEpochSecond() * 1_000_000_000L + now.getNano() - elapsed;
    }
}
