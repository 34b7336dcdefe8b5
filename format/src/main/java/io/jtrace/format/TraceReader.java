package io.jtrace.format;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams a trace generation by generation; memory is bounded by one generation.
 *
 * <p>{@link #next()} returns each complete generation with its events decoded, validated and
 * sorted by time, then null at the end. A trace that ends without its end record (the recording
 * process died, the file was cut) yields every complete generation and then reports
 * {@link #truncated()}. Anything else that is not a valid trace throws a
 * {@link TraceFormatException} naming the byte offset; the reader never allocates more than the
 * input justifies.
 */
public final class TraceReader implements AutoCloseable {
    private final InputStream in;
    private long offset;
    private final EventSpec[] specs = new EventSpec[256];
    private long lastGeneration = -1;
    /** The trace's format version, from its header. */
    private int version;
    private boolean truncated;
    private boolean finished;
    private ReadProgress progress = ReadProgress.NONE;
    private long totalBytes = -1;

    public TraceReader(InputStream in) throws IOException {
        this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 1 << 16);
        readHeader();
    }

    /** Opens a trace file; a missing or unreadable file throws an IOException saying so. */
    public static TraceReader open(Path file) throws IOException {
        return open(file, ReadProgress.NONE);
    }

    /** Opens a trace file and tells {@code progress} how far the read has got after each generation. */
    public static TraceReader open(Path file, ReadProgress progress) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a directory, not a trace file");
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            // a FIFO with no writer would block the read forever; a device never ends
            throw new IOException(file + ": not a regular file (a pipe or device): save the trace to a file first");
        }
        InputStream in = new FileNamingInput(Files.newInputStream(file), file);
        try {
            long size = Files.size(file);
            TraceReader reader = new TraceReader(in);
            reader.progress = progress;
            reader.totalBytes = size;
            return reader;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** True when the trace ended without its end record; all complete generations were returned. */
    public boolean truncated() {
        return truncated;
    }

    /** Bytes consumed so far. */
    public long bytesRead() {
        return offset;
    }

    /** The event specs this trace declares in its header (code → spec). */
    public List<EventSpec> specs() {
        List<EventSpec> list = new ArrayList<>();
        for (EventSpec s : specs) {
            if (s != null) {
                list.add(s);
            }
        }
        return list;
    }

    /**
     * The next complete generation, or null at the end of the trace (check {@link #truncated()}),
     * or where damaged data follows a complete generation if the progress keeps what precedes
     * damage ({@link ReadProgress#keepsWhatPrecedesDamage()}).
     */
    public Generation next() throws IOException {
        try {
            return nextOrThrow();
        } catch (TraceFormatException e) {
            if (lastGeneration < 0 || !progress.keepsWhatPrecedesDamage()) {
                throw e;
            }
            finished = true;
            progress.damaged(e);
            return null;
        }
    }

    private Generation nextOrThrow() throws IOException {
        if (finished) {
            return null;
        }
        long genStart = offset;
        Rec rec = readRecord();
        if (rec == null) {
            return finishTruncated();
        }
        if (rec.kind == Wire.END) {
            finished = true;
            if (in.read() >= 0) {
                // a trace joined to another (cat a b), or a damaged end: nothing valid follows END
                throw new TraceFormatException(offset, "bytes after the trace's end record");
            }
            return null;
        }
        if (rec.kind != Wire.GEN_BEGIN) {
            throw new TraceFormatException(rec.start, "expected a generation start, found record kind " + rec.kind);
        }
        BodyCursor c = rec.cursor();
        long gen = c.varint();
        long startTime = c.varint();
        long wall = c.varint();
        if (lastGeneration >= 0 && gen <= lastGeneration) {
            throw new TraceFormatException(rec.offset, "generation " + gen + " follows generation " + lastGeneration);
        }
        GenerationBuilder g = new GenerationBuilder(gen, startTime, wall, version);
        while (true) {
            rec = readRecord();
            if (rec == null) {
                return finishTruncated();
            }
            switch (rec.kind) {
                case Wire.BATCH -> g.batch(rec.body, rec.offset);
                case Wire.STRINGS -> g.strings(g.once(rec));
                case Wire.STACKS -> g.stacks(g.once(rec));
                case Wire.THREADS -> g.threads(g.once(rec));
                case Wire.LOST -> g.lost(g.once(rec));
                case Wire.GEN_END -> {
                    BodyCursor e = rec.cursor();
                    long endGen = e.varint();
                    if (endGen != gen) {
                        throw new TraceFormatException(rec.offset, "generation " + gen + " closed as " + endGen);
                    }
                    long endTime = e.varint();
                    g.checkComplete(rec.start);
                    lastGeneration = gen;
                    Generation built = g.build(endTime, offset - genStart, specs);
                    progress.update(offset, totalBytes);
                    return built;
                }
                default -> throw new TraceFormatException(rec.start,
                        "record kind " + rec.kind + " is not allowed inside a generation");
            }
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private Generation finishTruncated() {
        truncated = true;
        finished = true;
        return null;
    }

    private void readHeader() throws IOException {
        byte[] h = in.readNBytes(Wire.HEADER_BYTES);
        offset += h.length;
        int magicBytes = Math.min(h.length, Wire.MAGIC.length);
        if (!Arrays.equals(h, 0, magicBytes, Wire.MAGIC, 0, magicBytes)) {
            throw new TraceFormatException(0, "not a jtrace trace (bad magic: it starts \""
                    + printable(Arrays.copyOf(h, magicBytes)) + "\")");
        }
        if (h.length < Wire.HEADER_BYTES) {
            // an empty file, or the start of a trace: the recording was cut inside its header
            throw new TraceFormatException(h.length, "trace header is cut short (" + h.length + " of "
                    + Wire.HEADER_BYTES + " bytes)");
        }
        version = h[Wire.MAGIC.length] & 0xFF;
        int reserved = h[Wire.MAGIC.length + 1] & 0xFF;
        if (version < Wire.OLDEST_READABLE_VERSION || version > Wire.VERSION) {
            throw new TraceFormatException(Wire.MAGIC.length, "trace format version " + version
                    + " is not supported (this reader reads versions " + Wire.OLDEST_READABLE_VERSION + " to " + Wire.VERSION + ")");
        }
        if (reserved != 0) {
            throw new TraceFormatException(Wire.MAGIC.length + 1, "the header's reserved byte is " + reserved + ", not 0");
        }
        Rec rec = readRecord();
        if (rec == null) {
            throw new TraceFormatException(offset, "trace header is cut short");
        }
        if (rec.kind != Wire.SPECS) {
            throw new TraceFormatException(rec.start, "expected the event spec table, found record kind " + rec.kind);
        }
        BodyCursor c = rec.cursor();
        int n = c.count(4, "event spec count");
        for (int i = 0; i < n; i++) {
            long at = c.offset();
            int code = c.bounded(255, "event code");
            byte[] nameBytes = c.stringBytes();
            String name = new String(nameBytes, StandardCharsets.UTF_8);
            int flags = c.bounded(3, "event flags");
            int argCount = c.bounded(64, "event argument count");
            EventSpec spec = new EventSpec(code, name, (flags & EventSpec.FLAG_TIMED) != 0,
                    (flags & EventSpec.FLAG_TAIL) != 0, argCount);
            EventType known = EventType.ofCode(code);
            if (known != null && !known.spec().equals(spec)) {
                // the name as its bytes: decoding would hide a damaged one
                EventSpec shown = new EventSpec(code, printable(nameBytes), spec.timed(), spec.hasTail(), argCount);
                throw new TraceFormatException(at, "event code " + code + " is declared as " + shown
                        + " but this reader knows it as " + known.spec());
            }
            specs[code] = spec;
        }
    }

    /** One record, or null when the input ends before the record is complete. */
    private Rec readRecord() throws IOException {
        long start = offset;
        int kind = in.read();
        if (kind < 0) {
            return null;
        }
        offset++;
        long len = 0;
        long lenAt = offset;
        for (int shift = 0; ; shift += 7) {
            int x = in.read();
            if (x < 0) {
                return null;
            }
            offset++;
            if (shift > 28) {
                throw new TraceFormatException(lenAt, "record length is not a valid varint");
            }
            len |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                break;
            }
        }
        if (len > Wire.MAX_RECORD_BYTES) {
            throw new TraceFormatException(lenAt, "record length " + len + " exceeds the limit of " + Wire.MAX_RECORD_BYTES);
        }
        long bodyOffset = offset;
        // readNBytes grows its result as bytes arrive, so a corrupt length cannot force a huge allocation.
        byte[] body = in.readNBytes((int) len);
        offset += body.length;
        if (body.length < len) {
            return null;
        }
        return new Rec(kind, body, bodyOffset, start);
    }

    /** A record: its kind, body, the body's offset and the offset of the kind byte. */
    private record Rec(int kind, byte[] body, long offset, long start) {
        BodyCursor cursor() {
            return new BodyCursor(body, offset);
        }
    }

    /** A thread entry as read: its name inline (version 3 on) or a string id resolved at the generation's end. */
    private record RawThread(String name, long nameId, long flags, long at) {}

    /** Collects one generation's records, then decodes and validates its events at its end. */
    private static final class GenerationBuilder {
        private final long gen;
        private final long startTime;
        private final long wall;
        private final List<Rec> batches = new ArrayList<>();
        private final Map<Long, String> strings = new HashMap<>();
        private final Map<Long, long[]> rawStacks = new HashMap<>();
        private final Map<Long, Long> stackOffsets = new HashMap<>();
        private final Map<Long, RawThread> rawThreads = new HashMap<>();
        private final int version;
        private long lost;
        /** The kinds of the once-per-generation records seen so far. */
        private final java.util.Set<Integer> seen = new java.util.HashSet<>(8);

        GenerationBuilder(long gen, long startTime, long wall, int version) {
            this.version = version;
            this.gen = gen;
            this.startTime = startTime;
            this.wall = wall;
        }

        void batch(byte[] body, long offset) {
            batches.add(new Rec(Wire.BATCH, body, offset, -1));
        }

        private void checkGen(BodyCursor c, String table) throws TraceFormatException {
            long at = c.offset();
            long g = c.varint();
            if (g != gen) {
                throw new TraceFormatException(at, table + " of generation " + g + " inside generation " + gen);
            }
        }

        void strings(BodyCursor c) throws TraceFormatException {
            checkGen(c, "string table");
            int n = c.count(2, "string count");
            for (int i = 0; i < n; i++) {
                long at = c.offset();
                long id = c.varint();
                if (id == 0 || strings.putIfAbsent(id, c.string()) != null) {
                    throw new TraceFormatException(at, "string id " + id + " is zero or defined twice");
                }
            }
        }

        void stacks(BodyCursor c) throws TraceFormatException {
            checkGen(c, "stack table");
            int n = c.count(3, "stack count");
            for (int i = 0; i < n; i++) {
                long at = c.offset();
                long id = c.varint();
                long flags = c.varint();
                int frames = c.count(7, "frame count");
                long[] raw = new long[2 + frames * 7];
                raw[0] = flags;
                raw[1] = frames;
                for (int j = 0; j < frames * 7; j++) {
                    raw[2 + j] = c.varint();
                }
                if (id == 0 || rawStacks.putIfAbsent(id, raw) != null) {
                    throw new TraceFormatException(at, "stack id " + id + " is zero or defined twice");
                }
                stackOffsets.put(id, at);
            }
        }

        void threads(BodyCursor c) throws TraceFormatException {
            checkGen(c, "thread table");
            int n = c.count(3, "thread count");
            for (int i = 0; i < n; i++) {
                long at = c.offset();
                long tid = c.varint();
                RawThread t = version >= Wire.THREAD_NAMES_INLINE
                        ? new RawThread(c.string(), 0, c.varint(), at)
                        : new RawThread(null, c.varint(), c.varint(), at);
                if (rawThreads.putIfAbsent(tid, t) != null) {
                    throw new TraceFormatException(at, "thread " + tid + " is listed twice");
                }
            }
        }

        void lost(BodyCursor c) throws TraceFormatException {
            checkGen(c, "lost-events record");
            lost = c.varint();
        }

        /** {@code rec}'s body, the first of its kind in this generation: a second one is an error. */
        BodyCursor once(Rec rec) throws TraceFormatException {
            if (!seen.add(rec.kind)) {
                throw new TraceFormatException(rec.start, "a second " + onceName(rec.kind) + " in generation " + gen);
            }
            return rec.cursor();
        }

        private static String onceName(int kind) {
            return switch (kind) {
                case Wire.STRINGS -> "string table";
                case Wire.STACKS -> "stack table";
                case Wire.THREADS -> "thread table";
                default -> "lost-events record";
            };
        }

        /** At GEN_END: every table and the lost count were there (a deleted one would silently drop names or losses). */
        void checkComplete(long at) throws TraceFormatException {
            for (int kind : new int[] {Wire.STRINGS, Wire.STACKS, Wire.THREADS, Wire.LOST}) {
                if (!seen.contains(kind)) {
                    throw new TraceFormatException(at, "generation " + gen + " ends without its " + onceName(kind));
                }
            }
        }

        private String str(long id, long at) throws TraceFormatException {
            if (id == 0) {
                return "";
            }
            String s = strings.get(id);
            if (s == null) {
                throw new TraceFormatException(at, "string id " + id + " is not in the string table of generation " + gen);
            }
            return s;
        }

        Generation build(long endTime, long bytes, EventSpec[] specs) throws TraceFormatException {
            Map<Long, StackTrace> stacks = new HashMap<>();
            for (Map.Entry<Long, long[]> e : rawStacks.entrySet()) {
                long[] r = e.getValue();
                long at = stackOffsets.get(e.getKey());
                int frames = (int) r[1];
                List<StackFrame> list = new ArrayList<>(frames);
                for (int j = 0; j < frames; j++) {
                    int b = 2 + j * 7;
                    list.add(new StackFrame(str(r[b], at), str(r[b + 1], at), str(r[b + 2], at), str(r[b + 3], at),
                            (int) Math.min(Integer.MAX_VALUE, r[b + 4]) - 1, (int) Math.min(Integer.MAX_VALUE, r[b + 5]) - 1,
                            (int) Math.min(Integer.MAX_VALUE, r[b + 6])));
                }
                stacks.put(e.getKey(), new StackTrace(e.getKey(), List.copyOf(list), (r[0] & Wire.STACK_TRUNCATED) != 0));
            }
            Map<Long, ThreadInfo> threads = new HashMap<>();
            for (Map.Entry<Long, RawThread> e : rawThreads.entrySet()) {
                RawThread r = e.getValue();
                long flags = r.flags;
                String name = r.name != null ? r.name : str(r.nameId, r.at);
                threads.put(e.getKey(), new ThreadInfo(e.getKey(), name, (flags & Wire.THREAD_VIRTUAL) != 0,
                        (flags & Wire.THREAD_DAEMON) != 0, (flags & Wire.THREAD_ENDED) != 0,
                        (flags & Wire.THREAD_TRACER) != 0));
            }
            BatchDecoder decoder = new BatchDecoder(gen, specs, strings, stacks);
            List<Event> events = new ArrayList<>();
            for (Rec b : batches) {
                decoder.decode(b.body, b.offset, events);
            }
            events.sort(Comparator.comparingLong(Event::time));
            return new Generation(gen, startTime, endTime, wall, events, Map.copyOf(strings), Map.copyOf(stacks),
                    Map.copyOf(threads), lost, decoder.skipped(), bytes);
        }
    }

    /** {@code bytes} as text, every byte outside printable ASCII as \\xNN: a damaged name shows what its bytes are. */
    static String printable(byte[] bytes) {
        StringBuilder b = new StringBuilder(bytes.length);
        for (byte x : bytes) {
            if (x >= 0x20 && x < 0x7F) {
                b.append((char) x);
            } else {
                b.append(String.format("\\x%02x", x & 0xFF));
            }
        }
        return b.toString();
    }

    /** The file's stream, whose read errors name the file (a bare "Input/output error" does not say which). */
    private static final class FileNamingInput extends java.io.FilterInputStream {
        private final Path file;

        FileNamingInput(InputStream in, Path file) {
            super(in);
            this.file = file;
        }

        private IOException named(IOException e) {
            return new IOException(file + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw named(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw named(e);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return super.skip(n);
            } catch (IOException e) {
                throw named(e);
            }
        }
    }
}
