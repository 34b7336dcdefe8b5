package io.jtrace.recorder;

import io.jtrace.format.EventType;
import io.jtrace.format.StackTrace;
import io.jtrace.format.TableWriter;
import io.jtrace.format.ThreadInfo;
import io.jtrace.format.TraceEncoder;
import io.jtrace.format.Wire;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.time.Instant;
import java.util.ArrayList;
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
 * <p>Writers are never waited on except for the nanoseconds of one event write (see
 * {@link Writer}); the application never waits on this thread.
 */
final class GenerationWriter implements Runnable {
    /** How often handed-off buffers are written out. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** A writer busy for longer than this at a generation's end loses its partial buffer. */
    private static final long STEAL_PATIENCE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** Writers unused for this many generations leave the list (they rejoin on next use). */
    private static final int IDLE_GENERATIONS_BEFORE_PRUNE = 10;

    /** Null where the runtime has no java.management module. */
    private static final MemoryMXBean MEMORY = memoryBean();

    private static MemoryMXBean memoryBean() {
        try {
            return ManagementFactory.getMemoryMXBean();
        } catch (LinkageError | RuntimeException e) {
            return null;
        }
    }

    private final Recorder r;
    private final OutputStream out;
    private final boolean closeOut;
    private final TraceEncoder enc;
    private final TableWriter table = new TableWriter();
    private volatile boolean stopRequested;
    private final List<Buffer> nextGeneration = new ArrayList<>();
    private long gen = 1;
    private long genStart;
    private long genBytes;
    private volatile boolean done;

    GenerationWriter(Recorder r, OutputStream out, boolean closeOut) {
        this.r = r;
        this.out = closeOut ? new BufferedOutputStream(out, 1 << 16) : out;
        this.closeOut = closeOut;
        this.enc = new TraceEncoder(this.out);
    }

    @Override
    public void run() {
        try {
            enc.header();
            enc.beginGeneration(gen, genStart, wallClock(genStart));
            writeStatuses(List.of()); // the first generation's heap sample
            long period = r.options.generationPeriod().toNanos();
            long limit = r.options.generationBytes();
            while (!stopRequested) {
                LockSupport.parkNanos(POLL_NANOS);
                writeHandedOff();
                long now = r.clock();
                if (now - genStart >= period || genBytes >= limit) {
                    advance(false);
                }
            }
            advance(true);
            enc.end();
            enc.flush();
        } catch (IOException | RuntimeException | Error e) {
            r.closed = true;
            System.err.println("jtrace: writing the trace failed, recording stopped: " + e);
            recycleEverything();
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

    /** Asks for the last generation to be written and waits (bounded) until it is. */
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
                // A writer that was stuck mid-event past the end of its generation (see
                // takePartialBuffers): that generation's tables are written, so its events can't be.
                r.lost.addAndGet(countEvents(b));
                r.pool.give(b);
            } else {
                nextGeneration.add(b); // written after this generation closes
            }
            b = next;
        }
    }

    /** The events in a filled buffer (THREAD_SWITCH only says whose the next events are). */
    private static long countEvents(Buffer b) {
        byte[] d = b.data;
        long events = 0;
        int p = 0;
        while (p < b.length) {
            EventType type = EventType.ofCode(d[p++] & 0xFF);
            if (type == null) {
                return Math.max(1, events); // cannot happen: the recorder writes only known types
            }
            int varints = type.args.size() + (type.timed ? 1 : 0);
            for (int i = 0; i < varints; i++) {
                while (d[p++] < 0) {
                    // continuation bytes
                }
            }
            if (type.hasTail) {
                long len = 0;
                for (int shift = 0; ; shift += 7) {
                    byte x = d[p++];
                    len |= (long) (x & 0x7F) << shift;
                    if (x >= 0) {
                        break;
                    }
                }
                p += (int) len;
            }
            if (type != EventType.THREAD_SWITCH) {
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
        if (last) {
            r.closed = true;
        } else {
            r.generation = next;
        }
        takePartialBuffers();
        writeHandedOff();
        List<ThreadRecord> live = r.threads.snapshotAndPrune();
        writeTables(live);
        enc.lost(gen, r.lost.getAndSet(0));
        enc.endGeneration(gen, end);
        r.tables.set((int) (gen & 1), r.newTables()); // for generation gen + 2
        gen = next;
        genStart = end;
        genBytes = 0;
        if (!last) {
            enc.beginGeneration(gen, genStart, wallClock(genStart));
            for (Buffer b : nextGeneration) {
                writeBatch(b);
            }
            nextGeneration.clear();
            writeStatuses(live);
        }
        enc.flush();
    }

    /** Takes each writer's buffer of the closing generation, waiting out an event in progress. */
    private void takePartialBuffers() {
        for (Writer w : r.writers.all()) {
            long deadline = System.nanoTime() + STEAL_PATIENCE_NANOS;
            boolean owned;
            while (!(owned = w.tryAcquireToSteal()) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
                Thread.yield();
            }
            if (!owned) {
                r.lost.incrementAndGet(); // a writer stuck mid-event: its buffer is dropped when it rolls
                continue;
            }
            try {
                if (w.buf != null && w.gen == gen) {
                    r.handOff(w);
                    w.idleGenerations = 0;
                } else if (w.buf == null && ++w.idleGenerations >= IDLE_GENERATIONS_BEFORE_PRUNE
                        && (w.owner == null || !w.owner.isAlive())) {
                    r.writers.unregister(w);
                }
            } finally {
                w.release();
            }
        }
    }

    /**
     * STATUS of every live platform thread whose status the new generation does not have yet, written
     * through this thread's own writer so that it lands in a batch of the new generation.
     */
    private void writeStatuses(List<ThreadRecord> live) {
        Writer w = r.writers.acquire();
        if (w == null) {
            return;
        }
        try {
            if (MEMORY != null && roomFor(w)) {
                // the heap at the generation's start: one sample per generation is cheap and
                // enough for a memory track; GC pauses come from the JDK's own events
                MemoryUsage heap = MEMORY.getHeapMemoryUsage();
                w.timed(EventType.HEAP.code, r.clock());
                w.varint(heap.getUsed());
                w.varint(heap.getCommitted());
            }
            for (ThreadRecord t : live) {
                if (t.virtual || t.thread.getState() == Thread.State.TERMINATED) {
                    // A virtual thread gets its STATUS when it first appears in a generation, as a
                    // goroutine does in Go's trace: a hundred thousand parked virtual threads cost
                    // a generation nothing (docs/format.md, STATUS).
                    continue;
                }
                if (!roomFor(w)) {
                    return;
                }
                int state = t.state;
                int reason = t.reason;
                if (t.claimStatus(gen)) {
                    w.timed(EventType.STATUS.code, r.clock());
                    w.varint(t.threadId);
                    w.varint(state);
                    w.varint(reason);
                }
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

    private void writeTables(List<ThreadRecord> live) throws IOException {
        GenerationTables t = r.tables.get((int) (gen & 1));
        table.reset();
        for (StackTrace s : t.stackTable()) {
            table.stack(s, t::string);
        }
        record(Wire.STACKS);
        table.reset();
        for (ThreadRecord rec : live) {
            if (!rec.hasStatus(gen)) {
                continue; // not in this generation (a virtual thread parked throughout): no entry
            }
            Thread th = rec.thread;
            table.thread(new ThreadInfo(rec.threadId, th.getName(), rec.virtual, th.isDaemon(),
                    th.getState() == Thread.State.TERMINATED), t::string);
        }
        record(Wire.THREADS);
        table.reset();
        for (Map.Entry<String, Long> e : t.stringTable().entrySet()) {
            table.string(e.getValue(), e.getKey());
        }
        record(Wire.STRINGS);
    }

    private void record(int kind) throws IOException {
        var body = table.body(gen);
        enc.record(kind, body.array(), 0, body.size());
    }

    /** After an I/O failure: give every buffer back so nothing leaks; writers see {@code closed}. */
    private void recycleEverything() {
        for (Buffer b = r.full.takeAll(); b != null; ) {
            Buffer next = b.next; // give() clears the link
            r.pool.give(b);
            b = next;
        }
        for (Buffer b : nextGeneration) {
            r.pool.give(b);
        }
        nextGeneration.clear();
    }

    private long wallClock(long traceTime) {
        Instant now = Instant.now();
        long elapsed = r.clock() - traceTime;
        return now.getEpochSecond() * 1_000_000_000L + now.getNano() - elapsed;
    }
}
