package io.jtrace.format;

import io.jtrace.format.HandBuiltTrace.Batch;
import io.jtrace.format.HandBuiltTrace.Read;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The reader on hand-built traces: tables, ordering, and the errors a user sees for bad input. */
class TraceReaderTest {

    @Test
    void tablesResolveStringsStacksAndThreads() throws Exception {
        TableWriter strings = new TableWriter();
        String[] s = {"", "Main", "run", "()V", "Main.java", "main", "worker-ü", "日本語"};
        for (int i = 1; i < s.length; i++) {
            strings.string(i, s[i]);
        }
        ToIds ids = new ToIds(s);
        StackTrace stack = new StackTrace(5, List.of(
                new StackFrame("Main", "run", "()V", "Main.java", 42, 7, Wire.FRAME_COMPILED),
                new StackFrame("Main", "main", "()V", "", -1, -1, Wire.FRAME_UNKNOWN)), true);
        TableWriter stacks = new TableWriter().stack(stack, ids::id);
        TableWriter threads = new TableWriter()
                .thread(new ThreadInfo(11, "worker-ü", true, true, false))
                .thread(new ThreadInfo(12, "日本語", false, false, true))
                .thread(new ThreadInfo(13, "jtrace-writer", false, true, false, true));
        byte[] trace = HandBuiltTrace.standard()
                .beginGeneration(1, 0)
                .batch(1, 1, 0, new Batch().threadSwitch(11)
                        .event(EventType.BLOCK, 5, BlockReason.MONITOR.code, 1, 5))
                .endGeneration(1, 100, strings, stacks, threads, 3)
                .end().bytes();

        Generation g = HandBuiltTrace.read(trace).generations().getFirst();

        assertThat(g.lostEvents()).isEqualTo(3);
        assertThat(g.bytes()).isEqualTo(trace.length - headerLength(trace) - 2); // minus header and END
        Event block = g.events().getFirst();
        assertThat(g.string(block.arg("blocker"))).isEqualTo("Main");
        assertThat(g.stack(block.stackId())).isEqualTo(stack);
        assertThat(g.stack(block.stackId()).frames().getFirst()).hasToString("Main.run(Main.java:42)");
        assertThat(g.stack(block.stackId()).frames().get(1)).hasToString("Main.main(Unknown Source)");
        assertThat(g.thread(11)).isEqualTo(new ThreadInfo(11, "worker-ü", true, true, false));
        assertThat(g.thread(13).tracer()).as("the tracer flag survives the round trip").isTrue();
        assertThat(g.thread(11).tracer()).isFalse();
        assertThat(g.thread(12)).isEqualTo(new ThreadInfo(12, "日本語", false, false, true));
        assertThat(g.string(0)).isEmpty();
        assertThat(g.stack(0)).isNull();
    }

    @Test
    void eventsAreSortedByTimeAcrossBatchesAndTiesKeepBatchOrder() throws Exception {
        byte[] trace = HandBuiltTrace.standard()
                .beginGeneration(1, 0)
                .batch(1, 1, 100, new Batch().threadSwitch(1).event(EventType.RUN, 0).event(EventType.NATIVE_END, 50))
                .batch(2, 1, 20, new Batch().threadSwitch(2).event(EventType.RUN, 0).event(EventType.SAFEPOINT_BEGIN, 80)
                        .event(EventType.SAFEPOINT_END, 30))
                .endGeneration(1, 1000)
                .end().bytes();

        Generation g = HandBuiltTrace.read(trace).generations().getFirst();

        assertThat(g.events()).extracting(Event::time, Event::thread, Event::type).containsExactly(
                tuple(20L, 2L, EventType.RUN),
                tuple(100L, 1L, EventType.RUN),
                tuple(100L, 2L, EventType.SAFEPOINT_BEGIN),
                tuple(130L, 2L, EventType.SAFEPOINT_END),
                tuple(150L, 1L, EventType.NATIVE_END));
    }

    @Test
    void cleanEndIsNotTruncatedMissingEndIs() throws Exception {
        HandBuiltTrace t = HandBuiltTrace.standard().beginGeneration(1, 0).endGeneration(1, 10);
        Read withoutEnd = HandBuiltTrace.read(t.bytes());
        Read withEnd = HandBuiltTrace.read(t.end().bytes());

        assertThat(withoutEnd.generations()).hasSize(1);
        assertThat(withoutEnd.truncated()).isTrue();
        assertThat(withEnd.generations()).hasSize(1);
        assertThat(withEnd.truncated()).isFalse();
    }

    @Test
    void aTraceJoinedToAnotherIsAnErrorAfterTheFirstsEnd() throws Exception {
        byte[] one = HandBuiltTrace.standard().beginGeneration(1, 0).endGeneration(1, 10).end().bytes();
        byte[] twice = new byte[one.length * 2];
        System.arraycopy(one, 0, twice, 0, one.length);
        System.arraycopy(one, 0, twice, one.length, one.length);
        assertThatThrownBy(() -> HandBuiltTrace.read(twice))
                .isInstanceOfSatisfying(TraceFormatException.class, e -> assertThat(e.offset()).isEqualTo(one.length))
                .hasMessageContaining("bytes after the trace's end record");
        byte[] endTwice = Arrays.copyOf(one, one.length + 2);
        System.arraycopy(one, one.length - 2, endTwice, one.length, 2); // END (kind, length 0) again
        assertThatThrownBy(() -> HandBuiltTrace.read(endTwice)).hasMessageContaining("bytes after the trace's end record");
    }

    @Test
    void aNonZeroReservedHeaderByteIsAnError() {
        byte[] trace = HandBuiltTrace.standard().end().bytes();
        trace[Wire.MAGIC.length + 1] = 7;
        assertThatThrownBy(() -> HandBuiltTrace.read(trace))
                .isInstanceOfSatisfying(TraceFormatException.class,
                        e -> assertThat(e.offset()).isEqualTo(Wire.MAGIC.length + 1))
                .hasMessageContaining("reserved byte is 7, not 0");
    }

    @Test
    void aSecondLostRecordInAGenerationIsAnError() {
        HandBuiltTrace t = HandBuiltTrace.standard().beginGeneration(1, 0)
                .record(Wire.LOST, new ByteSink(8).varint(1).varint(5));
        assertThatThrownBy(() -> HandBuiltTrace.read(t.endGeneration(1, 10).end().bytes()))
                .isInstanceOf(TraceFormatException.class).hasMessageContaining("a second lost-events record in generation 1");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @ValueSource(ints = {Wire.STRINGS, Wire.STACKS, Wire.THREADS, Wire.LOST})
    void aGenerationWithoutOneOfItsTablesIsAnError(int deleted) {
        byte[] whole = HandBuiltTrace.standard().beginGeneration(1, 0).endGeneration(1, 10).end().bytes();
        byte[] damaged = withoutRecord(whole, deleted);
        assertThatThrownBy(() -> HandBuiltTrace.read(damaged))
                .isInstanceOf(TraceFormatException.class).hasMessageContaining("generation 1 ends without its");
    }

    /** {@code trace} with its first record of {@code kind} cut out (records after the header). */
    private static byte[] withoutRecord(byte[] trace, int kind) {
        int at = Wire.HEADER_BYTES;
        while (at < trace.length) {
            int start = at;
            int k = trace[at++] & 0xFF;
            long len = 0;
            for (int shift = 0; ; shift += 7) {
                int b = trace[at++] & 0xFF;
                len |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            at += (int) len;
            if (k == kind) {
                byte[] out = new byte[trace.length - (at - start)];
                System.arraycopy(trace, 0, out, 0, start);
                System.arraycopy(trace, at, out, start, trace.length - at);
                return out;
            }
        }
        throw new AssertionError("no record of kind " + kind);
    }

    @Test
    void aDamagedEventNameInTheHeaderIsShownEscaped() {
        EventSpec real = EventType.THREAD_START.spec();
        String damaged = real.name().replace('E', '\u0081');
        HandBuiltTrace t = HandBuiltTrace.withSpecs(new EventSpec(real.code(), damaged, real.timed(), real.hasTail(), real.argCount()));
        assertThatThrownBy(() -> HandBuiltTrace.read(t.end().bytes()))
                .isInstanceOf(TraceFormatException.class).hasMessageContaining("name=THR\\xc2\\x81AD_START")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u0081"));
    }

    @Test
    void aByteThatIsNoUtf8InAnEventNameIsShownAsItsValue() {
        byte[] trace = HandBuiltTrace.withSpecs(EventType.THREAD_START.spec()).end().bytes();
        byte[] name = "THREAD_START".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int at = indexOf(trace, name);
        assertThat(at).isPositive();
        trace[at + 3] = (byte) 0xC5; // 'E' with a bit flipped: a lead byte with no continuation
        assertThatThrownBy(() -> HandBuiltTrace.read(trace))
                .isInstanceOf(TraceFormatException.class).hasMessageContaining("name=THR\\xc5AD_START")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\ufffd"));
    }

    private static int indexOf(byte[] in, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= in.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (in[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 6, 7})
    void inputShorterThanTheHeaderSaysSo(int length) {
        byte[] full = HandBuiltTrace.standard().end().bytes();
        byte[] prefix = Arrays.copyOf(full, length);

        assertThatThrownBy(() -> HandBuiltTrace.read(prefix))
                .isInstanceOfSatisfying(TraceFormatException.class,
                        e -> assertThat(e.offset()).isBetween(0L, (long) length))
                .hasMessageContaining("cut short")
                .hasMessageContaining("byte offset");
    }

    @Test
    void notATraceSaysBadMagic() {
        assertThatThrownBy(() -> HandBuiltTrace.read("PK\3\4 this is a zip".getBytes()))
                .isInstanceOf(TraceFormatException.class).hasMessageContaining("not a jtrace trace");
        assertThatThrownBy(() -> HandBuiltTrace.read("JT".getBytes()))
                .isInstanceOf(TraceFormatException.class).hasMessageContaining("cut short");
        assertThatThrownBy(() -> HandBuiltTrace.read("JX".getBytes()))
                .isInstanceOf(TraceFormatException.class).hasMessageContaining("not a jtrace trace");
    }

    @Test
    void newerVersionIsRefusedByName() {
        byte[] trace = HandBuiltTrace.standard().end().bytes();
        trace[Wire.MAGIC.length] = (byte) (Wire.VERSION + 1);

        assertThatThrownBy(() -> HandBuiltTrace.read(trace))
                .isInstanceOfSatisfying(TraceFormatException.class,
                        e -> assertThat(e.offset()).isEqualTo(Wire.MAGIC.length))
                .hasMessageContaining("version " + (Wire.VERSION + 1));
    }

    @Test
    void versionOneTracesAreStillRead() throws Exception {
        byte[] trace = HandBuiltTrace.standard().end().bytes();
        trace[Wire.MAGIC.length] = 1; // versions 2 and 3 changed codes, a flag and thread entries it has none of

        assertThat(HandBuiltTrace.read(trace)).isNotNull();
        trace[Wire.MAGIC.length] = 0;
        assertThatThrownBy(() -> HandBuiltTrace.read(trace)).isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("version 0");
    }

    @Test
    void versionTwoThreadEntriesNameTheirThreadByStringId() throws Exception {
        TableWriter strings = new TableWriter().string(1, "worker-ü");
        ByteSink threads = new ByteSink(16).varint(1).varint(2)
                .varint(11).varint(1).varint(Wire.THREAD_VIRTUAL)   // name: string 1
                .varint(12).varint(0).varint(Wire.THREAD_DAEMON);   // name: string 0, the empty string
        byte[] trace = HandBuiltTrace.standard()
                .beginGeneration(1, 0)
                .endGeneration(1, 100, strings, new TableWriter(), threads, 0)
                .end().bytes();
        trace[Wire.MAGIC.length] = 2;

        Generation g = HandBuiltTrace.read(trace).generations().getFirst();

        assertThat(g.thread(11)).isEqualTo(new ThreadInfo(11, "worker-ü", true, false, false));
        assertThat(g.thread(12)).isEqualTo(new ThreadInfo(12, "", false, true, false));
        trace[Wire.MAGIC.length] = Wire.VERSION; // read as version 3 or later, the same bytes are a damaged table
        assertThatThrownBy(() -> HandBuiltTrace.read(trace)).isInstanceOf(TraceFormatException.class);
    }

    @Test
    void hugeRecordLengthIsAnErrorNotAnAllocation() {
        byte[] header = HandBuiltTrace.standard().bytes();
        byte[] trace = Arrays.copyOf(header, header.length + 7);
        int at = header.length;
        trace[at] = (byte) Wire.GEN_BEGIN;
        byte[] len = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x0F}; // 2^32 - 1
        System.arraycopy(len, 0, trace, at + 1, len.length);

        assertThatThrownBy(() -> HandBuiltTrace.read(trace))
                .isInstanceOfSatisfying(TraceFormatException.class,
                        e -> assertThat(e.offset()).isEqualTo(at + 1))
                .hasMessageContaining("record length");
    }

    @Test
    void lengthJustUnderTheLimitOnAShortFileIsTruncationNotOom() throws Exception {
        byte[] header = HandBuiltTrace.standard().bytes();
        byte[] len = new byte[5];
        int n = Varint.put(len, 0, Wire.MAX_RECORD_BYTES);
        byte[] trace = Arrays.copyOf(header, header.length + 1 + n + 100);
        trace[header.length] = (byte) Wire.GEN_BEGIN;
        System.arraycopy(len, 0, trace, header.length + 1, n);

        Read read = HandBuiltTrace.read(trace);

        assertThat(read.generations()).isEmpty();
        assertThat(read.truncated()).isTrue();
    }

    @Test
    void stringIdMissingFromTheTableIsNamedInTheError() {
        byte[] trace = HandBuiltTrace.standard()
                .beginGeneration(1, 0)
                .batch(1, 1, 0, new Batch().threadSwitch(1).event(EventType.GC_BEGIN, 1, 9, 4))
                .endGeneration(1, 10)
                .end().bytes();

        assertThatThrownBy(() -> HandBuiltTrace.read(trace))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("string id 4");
    }

    @Test
    void stringLongerThanWhatIsLeftOfItsRecordIsAnErrorAtItsLength() {
        HandBuiltTrace t = HandBuiltTrace.standard().beginGeneration(1, 0);
        int recordStart = t.bytes().length;
        // gen 1, one entry: id 1, length 2, but only the byte 'a' follows
        ByteSink body = new ByteSink(8).varint(1).varint(1).varint(1).varint(2).u8('a');
        byte[] trace = t.record(Wire.STRINGS, body).endGeneration(1, 10).end().bytes();

        assertThatThrownBy(() -> HandBuiltTrace.read(trace))
                .isInstanceOfSatisfying(TraceFormatException.class,
                        e -> assertThat(e.offset()).isEqualTo(recordStart + 2 + 3))
                .hasMessageContaining("string length 2");
    }

    @Test
    void logTailLongerThanWhatIsLeftOfItsBatchIsAnError() {
        Batch events = new Batch().threadSwitch(1);
        events.sink.u8(EventType.LOG.code).varint(1).varint(0).varint(0).varint(0).varint(3).u8('a').u8('b');
        byte[] trace = HandBuiltTrace.standard().beginGeneration(1, 0).batch(1, 1, 0, events)
                .endGeneration(1, 10).end().bytes();

        assertThatThrownBy(() -> HandBuiltTrace.read(trace))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("tail length 3");
    }

    @Test
    void batchOfAnotherGenerationIsRejected() {
        byte[] trace = HandBuiltTrace.standard()
                .beginGeneration(2, 0)
                .batch(1, 1, 0, new Batch().threadSwitch(1).event(EventType.RUN, 1))
                .endGeneration(2, 10)
                .end().bytes();

        assertThatThrownBy(() -> HandBuiltTrace.read(trace))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("batch of generation 1 inside generation 2");
    }

    @Test
    void openReportsAMissingFile(@org.junit.jupiter.api.io.TempDir Path dir) {
        assertThatThrownBy(() -> TraceReader.open(dir.resolve("nope.jtrace")))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    @Test
    void openReadsAFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.jtrace");
        Files.write(f, HandBuiltTrace.standard().beginGeneration(1, 0).endGeneration(1, 5).end().bytes());
        try (TraceReader r = TraceReader.open(f)) {
            assertThat(r.next().number()).isEqualTo(1);
            assertThat(r.next()).isNull();
            assertThat(r.truncated()).isFalse();
            assertThat(r.bytesRead()).isEqualTo(Files.size(f));
        }
    }

    @Test
    void progressIsToldAfterEachGenerationHowFarTheReadHasGot(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.jtrace");
        Files.write(f, HandBuiltTrace.standard().beginGeneration(1, 0).endGeneration(1, 5)
                .beginGeneration(2, 5).endGeneration(2, 9).end().bytes());
        List<long[]> updates = new ArrayList<>();
        try (TraceReader r = TraceReader.open(f, (read, total) -> updates.add(new long[] {read, total}))) {
            while (r.next() != null) {
                assertThat(updates.getLast()[0]).isEqualTo(r.bytesRead());
            }
        }
        assertThat(updates).hasSize(2);
        assertThat(updates.get(0)[0]).isLessThan(updates.get(1)[0]);
        assertThat(updates).allSatisfy(u -> assertThat(u[1]).isEqualTo(Files.size(f)));
    }

    @Test
    void varintsRoundTripThroughTheReaderCursor() throws Exception {
        long seed = Long.getLong("jtrace.seed", System.nanoTime());
        System.out.println("varintsRoundTripThroughTheReaderCursor seed=" + seed + " (replay with -Djtrace.seed=" + seed + ")");
        Random rnd = new Random(seed);
        byte[] buf = new byte[Varint.MAX_BYTES * 1000];
        long[] values = new long[1000];
        int pos = 0;
        for (int i = 0; i < values.length; i++) {
            long v = switch (i) {
                case 0 -> 0;
                case 1 -> 127;
                case 2 -> 128;
                case 3 -> Long.MAX_VALUE;
                case 4 -> Long.MIN_VALUE;
                case 5 -> -1;
                default -> rnd.nextLong() >>> rnd.nextInt(64);
            };
            values[i] = v;
            int next = Varint.put(buf, pos, v);
            assertThat(next - pos).as("size of %d", v).isEqualTo(Varint.size(v)).isBetween(1, Varint.MAX_BYTES);
            pos = next;
        }
        BodyCursor c = new BodyCursor(buf, 0, pos, 0);
        for (long v : values) {
            assertThat(c.varint()).isEqualTo(v);
        }
        assertThat(c.hasMore()).isFalse();
    }

    private static int headerLength(byte[] trace) throws Exception {
        try (TraceReader r = new TraceReader(new ByteArrayInputStream(trace))) {
            return (int) r.bytesRead();
        }
    }

    /** String ids of a fixed table, by position. */
    private record ToIds(String[] table) {
        long id(String s) {
            for (int i = 1; i < table.length; i++) {
                if (table[i].equals(s)) {
                    return i;
                }
            }
            return 0;
        }
    }
}
