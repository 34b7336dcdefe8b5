package io.jtrace;

import io.jtrace.TraceFiles.ReadBack;
import io.jtrace.format.Event;
import io.jtrace.format.EventType;
import io.jtrace.recorder.Recorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Platform and virtual threads log concurrently through the real recorder. With enough budget
 * nothing is lost and each thread's events keep their order; with a tiny budget events are dropped
 * and counted, the application does not wait, and the trace stays readable.
 */
class ConcurrentWritersTest {
    private static final int PLATFORM = 8;
    private static final int VIRTUAL = 2000;

    @TempDir
    Path dir;

    /** Thread i logs "i:seq" for seq = 0..count(i)-1; virtual threads yield now and then to change carriers. */
    private static void logSequence(int i, int count) {
        boolean virtual = Thread.currentThread().isVirtual();
        for (int seq = 0; seq < count; seq++) {
            Trace.log("seq", i + ":" + seq);
            if (virtual && seq % 4 == 3) {
                Thread.yield();
            }
        }
    }

    /** Sequence numbers each thread index logged, in readback order; checks the event's thread too. */
    private static Map<Integer, List<Integer>> sequences(ReadBack rb, List<Thread> threads) {
        Map<Long, Integer> index = TraceFiles.ids(threads);
        Map<Integer, List<Integer>> seqs = new HashMap<>();
        for (Event e : rb.events()) {
            if (e.type() != EventType.LOG) {
                continue;
            }
            String[] parts = e.tail().split(":");
            int i = Integer.parseInt(parts[0]);
            assertThat(index.get(e.thread())).as("thread of message %s", e.tail()).isEqualTo(i);
            seqs.computeIfAbsent(i, k -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
        }
        return seqs;
    }

    private static int countFor(int i) {
        return i < PLATFORM ? 5000 : 25;
    }

    @Test
    void withEnoughBudgetNothingIsLostAndEachThreadKeepsItsOrder() throws Exception {
        Path f = dir.resolve("many.jtrace");
        List<Thread> threads = new ArrayList<>();
        // One generation while the threads write: generation ends are the subject of the next test.
        TraceOptions options = TraceOptions.defaults().withStacks(TraceOptions.Stacks.OFF)
                .withGenerationPeriod(Duration.ofHours(1)).withBudgetBytes(256L << 20);
        TraceFiles.record(f, options, () -> {
            System.out.println("writer strategy: " + Recorder.active().writerStrategy());
            threads.addAll(TraceFiles.runThreads(PLATFORM, VIRTUAL, i -> logSequence(i, countFor(i))));
        });

        ReadBack rb = TraceFiles.readAll(f);

        assertThat(rb.truncated()).isFalse();
        assertThat(rb.lostEvents()).isZero();
        Map<Integer, List<Integer>> seqs = sequences(rb, threads);
        assertThat(seqs).hasSize(PLATFORM + VIRTUAL);
        for (int i = 0; i < PLATFORM + VIRTUAL; i++) {
            List<Integer> want = java.util.stream.IntStream.range(0, countFor(i)).boxed().toList();
            assertThat(seqs.get(i)).as("sequence numbers of thread %d", i).containsExactlyElementsOf(want);
        }
        // the thread tables name every writer, virtual ones as virtual
        for (Thread t : threads) {
            var info = rb.generations().stream().map(g -> g.thread(t.threadId())).filter(java.util.Objects::nonNull)
                    .findFirst();
            assertThat(info).as("thread table entry of %s", t).isPresent();
            assertThat(info.get().virtual()).isEqualTo(t.isVirtual());
            assertThat(info.get().name()).isEqualTo(t.getName());
        }
    }

    /**
     * Generation ends take every writer's buffer away while threads keep writing; that costs no
     * events, even when a thread is descheduled mid-event at a generation's end (the background
     * writer waits for it: StuckWriterTest).
     */
    @Test
    void generationEndsWhileThreadsWriteCostNoEvents() throws Exception {
        Path f = dir.resolve("switching.jtrace");
        List<Thread> threads = new ArrayList<>();
        int platform = 4;
        int virtual = 50;
        TraceOptions options = TraceOptions.defaults().withStacks(TraceOptions.Stacks.OFF)
                .withGenerationPeriod(Duration.ofMillis(10)).withBudgetBytes(256L << 20);
        TraceFiles.record(f, options, () -> threads.addAll(TraceFiles.runThreads(platform, virtual, i -> {
            // bursts of 50 events, 2 ms apart: at least 80 ms of writing, across several generations
            for (int seq = 0; seq < 2000; seq++) {
                Trace.log("seq", i + ":" + seq);
                if (seq % 50 == 49) {
                    LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
                }
            }
        })));

        ReadBack rb = TraceFiles.readAll(f);

        assertThat(rb.generations().size()).as("generations").isGreaterThanOrEqualTo(3);
        assertThat(rb.lostEvents()).isZero();
        Map<Integer, List<Integer>> seqs = sequences(rb, threads);
        for (int i = 0; i < platform + virtual; i++) {
            List<Integer> want = java.util.stream.IntStream.range(0, 2000).boxed().toList();
            assertThat(seqs.get(i)).as("sequence numbers of thread %d", i).containsExactlyElementsOf(want);
        }
    }

    @Test
    void withATinyBudgetEventsAreDroppedAndCountedWithoutBlockingTheApplication() throws Exception {
        Path f = dir.resolve("tiny.jtrace");
        List<Thread> threads = new ArrayList<>();
        TraceOptions options = TraceOptions.defaults().withStacks(TraceOptions.Stacks.OFF)
                .withGenerationPeriod(Duration.ofMillis(10)).withBufferBytes(1024).withGenerationBytes(1024)
                .withBudgetBytes(4 * 1024);
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(said, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            TraceFiles.record(f, options, () -> assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
                    threads.addAll(TraceFiles.runThreads(PLATFORM, VIRTUAL, i -> logSequence(i, countFor(i))))));
        } finally {
            System.setErr(stderr);
        }

        ReadBack rb = TraceFiles.readAll(f);
        assertThat(said.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("events were lost")).toList())
                .as("one line at the end, with the trace's own count").containsExactly("jtrace: " + rb.lostEvents()
                        + " events were lost: the buffers (budget=4k) were full or a thread stayed inside an event; "
                        + "each generation's count is in the trace (stats)");

        assertThat(rb.truncated()).isFalse();
        long lost = rb.lostEvents();
        long kept = rb.events().stream().filter(e -> e.type() == EventType.LOG).count();
        long written = 0;
        for (int i = 0; i < PLATFORM + VIRTUAL; i++) {
            written += countFor(i);
        }
        System.out.println("tiny budget: kept " + kept + " lost " + lost + " of " + written);
        assertThat(lost).isPositive();
        assertThat(kept).isPositive().isLessThan(written);
        assertThat(kept + lost).as("every event written is either in the trace or counted as lost")
                .isGreaterThanOrEqualTo(written);
        // what was kept is still in order per thread, without duplicates
        sequences(rb, threads).forEach((i, seq) ->
                assertThat(seq).as("sequence numbers of thread %d", i).isSorted().doesNotHaveDuplicates());
    }
}
