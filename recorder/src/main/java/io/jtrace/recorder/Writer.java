package io.jtrace.recorder;

import io.jtrace.format.Varint;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The owner of one event buffer: Go's M. Each platform thread has one; virtual threads write into
 * their carrier's. Ownership is a CAS on {@link #busy}: the thread writing an event holds it for
 * the few nanoseconds of the write, and the background writer holds it while it takes a partial
 * buffer away at a generation's end. An event waits out such a steal (a few field writes, no I/O,
 * no lock an event holds), so generation ends cost no events; any other failed acquire means the
 * tracer re-entered itself (or another event holds the writer): the event is dropped and counted,
 * never waited for. The other way round, the background writer waits for an event in progress at
 * a generation's end before it steals (see {@link GenerationWriter}), so hold a writer only for
 * the event: a writer held for seconds is given up on, and its buffer's events are lost.
 *
 * <p>All fields but {@link #busy} are touched only by the current owner (and, racily, read by the
 * background writer as hints; the fields it keeps for itself are marked so).
 */
final class Writer {
    private static final VarHandle BUSY;

    static {
        try {
            BUSY = MethodHandles.lookup().findVarHandle(Writer.class, "busy", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final int id;
    /** The platform thread this writer belongs to, or null when that can't be known (carriers). */
    final Thread owner;
    @SuppressWarnings("unused") // accessed through BUSY
    private volatile int busy;
    /**
     * The thread that last acquired this writer for an event (set by the {@link Writers} that
     * handed it out); read racily by other threads only to tell re-entrance from a sibling.
     */
    Thread holder;
    /** False after the background writer dropped this idle writer from its list. */
    boolean registered;
    /** Generations this writer has gone without a buffer (for pruning idle writers). */
    int idleGenerations;
    /** Background writer only: the buffer and position it saw at its last look (to tell idle writers). */
    Buffer seenBuf;
    int seenPos;

    Buffer buf;
    byte[] data;
    int pos;
    int limit;
    long gen = -1;
    long lastTime;
    /** The thread of this buffer's last THREAD_SWITCH; null at the start of a buffer. */
    Thread current;
    GenerationTables tables;
    /** The record of {@link #current}. */
    ThreadRecord currentRecord;
    /**
     * The record of the thread that last acted on this carrier (itself, or a virtual thread it
     * ran): the hooks' one-entry cache in front of the thread registry's map. Read and written
     * only by this writer's own carrier thread, outside {@link #busy} (never on a spare writer).
     */
    ThreadRecord lastRecord;
    /** The timestamp of the event being written (set by {@code Recorder.begin}). */
    long now;
    /**
     * The string this writer named last, its id and the generation the id is of: a thread that
     * blocks again and again names the same blocker each time, which then costs no map lookup.
     * Only while the writer is held.
     */
    private String lastString;
    private long lastStringId;
    private long lastStringGen = -1;

    /** The id of {@code s} in this writer's generation ({@link GenerationTables#string}); 0 for null or empty. */
    long string(String s) {
        if (s == lastString && gen == lastStringGen && s != null) {
            return lastStringId;
        }
        long id = tables.string(s);
        lastString = s;
        lastStringId = id;
        lastStringGen = gen;
        return id;
    }

    Writer(int id, Thread owner) {
        this.id = id;
        this.owner = owner;
    }

    private static final int FREE = 0;
    private static final int WRITING = 1;
    private static final int STEALING = 2;
    /**
     * WRITING, and the background writer stopped waiting for this event (held for seconds); the
     * owner's release makes it FREE as usual. Tells the background writer that a writer busy at a
     * later generation's end is still in that same event.
     */
    private static final int ABANDONED = 3;

    /** For an event: true if this caller now owns the writer; waits only while the background writer steals. */
    boolean tryAcquire() {
        int witness;
        for (int spins = 0; (witness = (int) BUSY.compareAndExchange(this, FREE, WRITING)) == STEALING; spins++) {
            if (spins < 100) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // the background writer was descheduled mid-steal
            }
        }
        return witness == FREE;
    }

    /** For the background writer taking the buffer away: never waits. */
    boolean tryAcquireToSteal() {
        return BUSY.compareAndSet(this, FREE, STEALING);
    }

    /** For the background writer giving up on the event in progress; false if there is none (any more). */
    boolean tryAbandon() {
        return BUSY.compareAndSet(this, WRITING, ABANDONED);
    }

    /** Whether the event the background writer gave up on is still in progress. */
    boolean isAbandoned() {
        return (int) BUSY.getVolatile(this) == ABANDONED;
    }

    void release() {
        BUSY.setRelease(this, FREE);
    }

    /** Starts writing into {@code b}, a buffer of generation {@code gen} whose first event is at {@code now}. */
    void attach(Buffer b, long gen, long now, GenerationTables genTables) {
        b.gen = gen;
        b.baseTime = now;
        b.writerId = id;
        buf = b;
        data = b.data;
        pos = 0;
        limit = b.data.length;
        this.gen = gen;
        lastTime = now;
        current = null;
        tables = genTables;
    }

    /** Code byte, then the time since the previous timed event of the buffer. */
    void timed(int code, long now) {
        long delta = now - lastTime;
        if (delta < 0) {
            delta = 0; // clocks of different CPUs may disagree by a few ns; never go backwards
        } else {
            lastTime = now;
        }
        byte[] d = data;
        int p = pos;
        d[p++] = (byte) code;
        pos = Varint.put(d, p, delta);
    }

    void untimed(int code) {
        data[pos++] = (byte) code;
    }

    void varint(long v) {
        pos = Varint.put(data, pos, v);
    }

    /**
     * A varint byte length, then {@code s} as UTF-8, cut at a character boundary to at most
     * {@code maxBytes}. Encodes straight into the buffer: no allocation.
     */
    void utf8(String s, int maxBytes) {
        int n = s.length();
        int len = 0;
        int chars = 0;
        while (chars < n) {
            char c = s.charAt(chars);
            int size;
            if (c < 0x80) {
                size = 1;
            } else if (c < 0x800) {
                size = 2;
            } else if (Character.isHighSurrogate(c) && chars + 1 < n && Character.isLowSurrogate(s.charAt(chars + 1))) {
                size = 4;
            } else {
                size = 3; // lone surrogates become U+FFFD, three bytes
            }
            if (len + size > maxBytes) {
                break;
            }
            len += size;
            chars += size == 4 ? 2 : 1;
        }
        byte[] d = data;
        int p = Varint.put(d, pos, len);
        for (int i = 0; i < chars; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                d[p++] = (byte) c;
            } else if (c < 0x800) {
                d[p++] = (byte) (0xC0 | (c >> 6));
                d[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                d[p++] = (byte) (0xF0 | (cp >> 18));
                d[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                d[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                d[p++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                if (Character.isSurrogate(c)) {
                    c = '\uFFFD';
                }
                d[p++] = (byte) (0xE0 | (c >> 12));
                d[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                d[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        pos = p;
    }

    /** Detaches the current buffer for handoff (null if it holds no events). */
    Buffer detach() {
        Buffer b = buf;
        buf = null;
        data = null;
        pos = 0;
        limit = 0;
        current = null;
        tables = null;
        return b;
    }
}
