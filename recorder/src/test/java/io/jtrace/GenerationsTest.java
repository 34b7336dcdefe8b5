package io.jtrace;

import io.jtrace.TraceFiles.ReadBack;
import io.jtrace.format.Event;
import io.jtrace.format.EventType;
import io.jtrace.format.Generation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A recording is cut into generations by time and by size, and every generation stands on its own:
 * its ids resolve in its own tables, it names its threads, and its events lie in its time span.
 */
class GenerationsTest {
    /** How far outside its generation's time span an event may lie (see assertSelfContained). */
    private static final long SCHEDULING_SLACK_NANOS = 100_000_000L;

    /** Work for about {@code d}: as much as the machine does in that time. */
    private static void busyFor(Duration d) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread timer = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(d);
            } catch (InterruptedException ignored) {
                // stop now
            }
            stop.set(true);
        });
        work(n -> !stop.get());
        timer.join();
    }

    /** A fixed amount of work, however slow the machine: {@code iterations} regions and logs per thread. */
    private static void workFor(int iterations) throws Exception {
        work(n -> n < iterations);
    }

    /**
     * Two platform and two virtual threads each open a region, log (with stacks) and sleep 1 ms,
     * while {@code goOn} holds for the iteration's number.
     */
    private static void work(java.util.function.IntPredicate goOn) throws Exception {
        TraceFiles.runThreads(2, 2, i -> {
            for (int n = 0; goOn.test(n); n++) {
                try (Region r = Trace.region("work-" + (n % 3))) {
                    Trace.log("n", i + ":" + n);
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            }
        });
    }

    @Test
    void shortPeriodGivesSeveralConsecutiveGenerationsThatTileTheRecording() throws Exception {
        Duration period = Duration.ofMillis(30);
        byte[] trace = TraceFiles.recordToBytes(TraceOptions.defaults().withGenerationPeriod(period),
                () -> busyFor(Duration.ofMillis(300)));

        ReadBack rb = TraceFiles.readAll(trace);

        List<Generation> gens = rb.generations();
        assertThat(rb.truncated()).isFalse();
        assertThat(gens).hasSizeGreaterThanOrEqualTo(4);
        for (int i = 0; i < gens.size(); i++) {
            Generation g = gens.get(i);
            assertThat(g.number()).isEqualTo(i + 1);
            assertThat(g.endTime()).isGreaterThan(g.startTime());
            if (i > 0) {
                assertThat(g.startTime()).as("generation %d starts where the previous ended", g.number())
                        .isEqualTo(gens.get(i - 1).endTime());
                assertThat(g.wallClockStart() - gens.get(i - 1).wallClockStart())
                        .as("wall clock advances with trace time")
                        .isCloseTo(g.startTime() - gens.get(i - 1).startTime(), org.assertj.core.data.Offset.offset(5_000_000L));
            }
            if (i < gens.size() - 1) {
                assertThat(g.endTime() - g.startTime()).as("length of generation %d", g.number())
                        .isGreaterThanOrEqualTo(period.toNanos());
            }
            if (i < gens.size() - 1) {
                // the last may start after the threads ended; any other has at least their STATUS
                assertThat(g.events()).as("events of generation %d", g.number()).isNotEmpty();
            }
        }
        assertSelfContained(trace, rb);
    }

    @Test
    void generationByteLimitSplitsTooEvenWithALongPeriod() throws Exception {
        int limit = 4096;
        byte[] trace = TraceFiles.recordToBytes(TraceOptions.defaults().withGenerationPeriod(Duration.ofHours(1))
                .withBufferBytes(1024).withGenerationBytes(limit), () -> workFor(200)); // > 4 × 200 × 3 events: > 3 limits

        ReadBack rb = TraceFiles.readAll(trace);

        List<Generation> gens = rb.generations();
        assertThat(rb.truncated()).isFalse();
        assertThat(gens).hasSizeGreaterThanOrEqualTo(3);
        for (Generation g : gens.subList(0, gens.size() - 1)) {
            // only the byte limit can have closed it: its batches alone reach the limit
            assertThat(g.bytes()).as("bytes of generation %d", g.number()).isGreaterThanOrEqualTo(limit);
        }
        assertSelfContained(trace, rb);
    }

    @Test
    void oneLongGenerationWhenNeitherLimitIsReached() throws Exception {
        byte[] trace = TraceFiles.recordToBytes(TraceOptions.defaults().withGenerationPeriod(Duration.ofHours(1)),
                () -> busyFor(Duration.ofMillis(100)));

        assertThat(TraceFiles.readAll(trace).generations()).hasSize(1);
    }

    /**
     * Each generation, cut out of the trace with nothing but the header, reads back the same; its
     * string and stack ids resolve in its own tables, it names every thread its events mention,
     * each thread with events has exactly one STATUS in it, and its events lie in its time span.
     */
    private static void assertSelfContained(byte[] trace, ReadBack whole) throws Exception {
        for (int i = 0; i < whole.generations().size(); i++) {
            Generation g = whole.generations().get(i);
            ReadBack alone = TraceFiles.readAll(TraceFiles.singleGeneration(trace, i));
            assertThat(alone.truncated()).isFalse();
            assertThat(alone.generations()).hasSize(1);
            Generation a = alone.generations().getFirst();
            assertThat(a.number()).isEqualTo(g.number());
            assertThat(a.startTime()).isEqualTo(g.startTime());
            assertThat(a.endTime()).isEqualTo(g.endTime());
            assertThat(a.events().stream().map(e -> TraceFiles.describe(a, e)).toList())
                    .as("generation %d read alone", g.number())
                    .containsExactlyElementsOf(g.events().stream().map(e -> TraceFiles.describe(g, e)).toList());

            Map<Long, Integer> statuses = new HashMap<>();
            Set<Long> active = new HashSet<>();
            for (Event e : g.events()) {
                for (int k = 0; k < e.type().args.size(); k++) {
                    if (e.type().args.get(k).kind() == io.jtrace.format.ArgKind.THREAD && e.args()[k] != 0
                            && !e.type().args.get(k).name().equals("wakerThread")) {
                        assertThat(g.thread(e.args()[k])).as("thread %d of %s in generation %d", e.args()[k], e.type(), g.number())
                                .isNotNull();
                    }
                }
                if (e.thread() != 0) {
                    assertThat(g.thread(e.thread())).as("thread %d in generation %d", e.thread(), g.number()).isNotNull();
                    active.add(e.thread());
                }
                if (e.type() == EventType.STATUS) {
                    statuses.merge(e.arg("thread"), 1, Integer::sum);
                }
                // An event's timestamp is taken just before its writer reads the generation number
                // (and the generation's end just before writers are told to move on), so a writer
                // descheduled in between puts an event slightly outside its generation's span.
                assertThat(e.time()).as("time of %s in generation %d [%d, %d]", e.type(), g.number(), g.startTime(), g.endTime())
                        .isBetween(g.startTime() - SCHEDULING_SLACK_NANOS, g.endTime() + SCHEDULING_SLACK_NANOS);
            }
            for (long t : active) {
                assertThat(statuses.get(t)).as("STATUS events of thread %d in generation %d", t, g.number()).isEqualTo(1);
            }
            assertThat(statuses.values()).allSatisfy(n -> assertThat(n).isEqualTo(1));
        }
    }
}
