package io.jtrace.format;

import io.jtrace.format.HandBuiltTrace.Batch;
import io.jtrace.format.HandBuiltTrace.Read;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A newer recorder may write event types this reader does not know; the header's spec table says
 * how to step over them, so the known events around them come back intact and the unknown ones are
 * counted in {@link Generation#skippedEvents()}.
 */
class UnknownEventTypeTest {
    private static final int UNKNOWN = 0x70;
    private static final long BASE = 1_000;

    private static TableWriter strings() {
        return new TableWriter().string(1, "cat");
    }

    @Test
    void unknownTimedEventWithTailIsSkippedAndItsTimeDeltaStillCounts() throws Exception {
        byte[] trace = HandBuiltTrace.withSpecs(new EventSpec(UNKNOWN, "FUTURE_THING", true, true, 2))
                .beginGeneration(1, 0)
                .batch(1, 1, BASE, new Batch()
                        .threadSwitch(7)
                        .log(100, 0, 1, 0, "before")
                        .raw(UNKNOWN, 50L, new long[] {123_456_789_012L, Long.MAX_VALUE}, "not for this reader: ünïcødé ✓")
                        .log(25, 0, 1, 0, "after")
                        .event(EventType.HEAP, 5, 4096, 8192))
                .endGeneration(1, 2_000, strings(), new TableWriter(), new TableWriter(), 0)
                .end()
                .bytes();

        Read read = HandBuiltTrace.read(trace);

        assertThat(read.truncated()).isFalse();
        assertThat(read.generations()).hasSize(1);
        Generation g = read.generations().getFirst();
        assertThat(g.skippedEvents()).isEqualTo(1);
        assertThat(g.events()).extracting(Event::type, Event::time, Event::thread, Event::tail)
                .containsExactly(
                        tuple(EventType.LOG, BASE + 100, 7L, "before"),
                        tuple(EventType.LOG, BASE + 175, 7L, "after"),
                        tuple(EventType.HEAP, BASE + 180, 7L, null));
        assertThat(g.string(g.events().get(1).arg("category"))).isEqualTo("cat");
        assertThat(g.events().get(2).args()).containsExactly(4096, 8192);
    }

    @Test
    void untimedUnknownEventsWithAndWithoutTailAreSkippedToo() throws Exception {
        byte[] trace = HandBuiltTrace.withSpecs(
                        new EventSpec(0x71, "UNTIMED_NO_TAIL", false, false, 3),
                        new EventSpec(0x72, "UNTIMED_TAIL", false, true, 0),
                        new EventSpec(0xFF, "LAST_CODE", true, false, 64))
                .beginGeneration(1, 0)
                .batch(1, 1, BASE, new Batch()
                        .threadSwitch(3)
                        .raw(0x71, null, new long[] {1, -1L, 300}, null)
                        .event(EventType.SAFEPOINT_BEGIN, 10)
                        .raw(0x72, null, new long[0], "x".repeat(1000))
                        .raw(0xFF, 7L, new long[64], null)
                        .event(EventType.SAFEPOINT_END, 3))
                .endGeneration(1, 2_000)
                .end()
                .bytes();

        Generation g = HandBuiltTrace.read(trace).generations().getFirst();

        assertThat(g.skippedEvents()).isEqualTo(3);
        assertThat(g.events()).extracting(Event::type, Event::time, Event::thread)
                .containsExactly(tuple(EventType.SAFEPOINT_BEGIN, BASE + 10, 3L),
                        tuple(EventType.SAFEPOINT_END, BASE + 20, 3L));
    }

    @Test
    void skippedCountIsPerGeneration() throws Exception {
        EventSpec spec = new EventSpec(UNKNOWN, "FUTURE_THING", true, true, 2);
        byte[] trace = HandBuiltTrace.withSpecs(spec)
                .beginGeneration(1, 0)
                .batch(1, 1, 0, new Batch().threadSwitch(1).raw(UNKNOWN, 1L, new long[] {1, 2}, "a")
                        .raw(UNKNOWN, 1L, new long[] {1, 2}, "b").event(EventType.RUN, 1))
                .endGeneration(1, 100)
                .beginGeneration(2, 100)
                .batch(1, 2, 100, new Batch().threadSwitch(1).event(EventType.RUN, 1))
                .endGeneration(2, 200)
                .end()
                .bytes();

        Read read = HandBuiltTrace.read(trace);

        assertThat(read.generations()).extracting(Generation::skippedEvents).containsExactly(2L, 0L);
        assertThat(read.generations()).extracting(g -> g.events().size()).containsExactly(1, 1);
    }

    @Test
    void eventCodeMissingFromTheHeaderIsAnErrorAtItsOffset() throws Exception {
        HandBuiltTrace t = HandBuiltTrace.standard().beginGeneration(1, 0);
        int batchStart = t.bytes().length;
        Batch events = new Batch().threadSwitch(1).event(EventType.RUN, 1);
        int codeOffsetInEvents = events.sink.size();
        events.raw(UNKNOWN, 1L, new long[] {1, 2}, "x");
        byte[] trace = t.batch(1, 1, 0, events).endGeneration(1, 10).end().bytes();
        // batch record: kind, varint body length, writer id, gen, base time (one byte each here)
        long expectedOffset = batchStart + 2 + 3 + codeOffsetInEvents;

        assertThatThrownBy(() -> HandBuiltTrace.read(trace))
                .isInstanceOfSatisfying(TraceFormatException.class,
                        e -> assertThat(e.offset()).isEqualTo(expectedOffset))
                .hasMessageContaining("event code " + UNKNOWN)
                .hasMessageContaining("not declared");
    }

    @Test
    void headerThatRedefinesAKnownCodeIsRejected() {
        byte[] trace = HandBuiltTrace.withSpecs(new EventSpec(EventType.LOG.code, "LOG", true, false, 3))
                .end().bytes();

        assertThatThrownBy(() -> HandBuiltTrace.read(trace))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("event code " + EventType.LOG.code);
    }

    @Test
    void readerExposesTheDeclaredSpecs() throws Exception {
        EventSpec extra = new EventSpec(UNKNOWN, "FUTURE_THING", true, true, 2);
        byte[] trace = HandBuiltTrace.withSpecs(extra).end().bytes();
        try (TraceReader r = new TraceReader(new java.io.ByteArrayInputStream(trace))) {
            List<EventSpec> specs = r.specs();
            assertThat(specs).contains(extra);
            for (EventType type : EventType.values()) {
                assertThat(specs).contains(type.spec());
            }
            assertThat(r.next()).isNull();
            assertThat(r.truncated()).isFalse();
        }
    }
}
