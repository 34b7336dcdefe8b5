package io.jtrace.recorder;

import io.jtrace.TraceOptions;
import io.jtrace.format.Event;
import io.jtrace.format.EventType;
import io.jtrace.format.Generation;
import io.jtrace.format.TraceReader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * White-box: a thread that holds a writer "mid-event" stands for one descheduled inside an event,
 * or a virtual thread unmounted there. Generation ends are driven by the test
 * ({@link GenerationWriter#advanceSoon}) and every step waits for a condition, never for time:
 * what is asserted does not depend on how the threads are scheduled.
 */
class StuckWriterTest {
    private static final TraceOptions OPTIONS = TraceOptions.defaults().withStacks(TraceOptions.Stacks.OFF)
            .withGenerationPeriod(Duration.ofHours(1)); // generations end only when the test says so

    /** A LOG message and the generation it was read in, with its category resolved there. */
    private record Log(long gen, String category, String message) {}

    private record Read(List<Log> logs, long lost, boolean truncated, int generations) {
        List<String> messagesIn(long gen) {
            return logs.stream().filter(l -> l.gen() == gen).map(Log::message).toList();
        }
    }

    private static Read read(byte[] trace) throws Exception {
        List<Log> logs = new ArrayList<>();
        long lost = 0;
        int gens = 0;
        try (TraceReader rd = new TraceReader(new ByteArrayInputStream(trace))) {
            for (Generation g; (g = rd.next()) != null; ) {
                gens++;
                lost += g.lostEvents();
                for (Event e : g.events()) {
                    if (e.type() == EventType.LOG) {
                        String category = g.string(e.arg("category"));
                        assertThat(category).as("category of %s resolves in generation %d", e.tail(), g.number()).isNotNull();
                        logs.add(new Log(g.number(), category, e.tail()));
                    }
                }
            }
            return new Read(logs, lost, rd.truncated(), gens);
        }
    }

    /** Waits (bounded, generously: the machine may be loaded) until {@code condition} holds. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting until " + what).isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    /** Writes a LOG into {@code w} (taken by {@link Recorder#begin}) with its own generation's ids, as an event method does. */
    private static void writeLog(Writer w, String category, String message) {
        long categoryId = w.tables.string(category);
        w.timed(EventType.LOG.code, w.now);
        w.varint(0);
        w.varint(categoryId);
        w.varint(0);
        w.utf8(message, 1000);
    }

    private static List<String> range(String prefix, int n) {
        List<String> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(prefix + i);
        }
        return list;
    }

    @Test
    void aWriterHeldMidEventAcrossAGenerationEndLosesNothing() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Recorder r = Recorder.start(out, false, OPTIONS);
        try {
            r.background.stuckPatienceNanos = TimeUnit.HOURS.toNanos(1); // never given up on here
            for (int i = 0; i < 50; i++) {
                r.log(0, "c", "before " + i); // in this thread's buffer of generation 1
            }
            Writer w = r.begin(Recorder.MAX_EVENT_BYTES + 64); // "descheduled" inside an event from here
            assertThat(w).isNotNull();
            assertThat(w.gen).isEqualTo(1);

            r.background.advanceSoon();
            await("generation 2 has begun", () -> r.generation == 2);
            // generation 1 can't be closed while its writer is held; meanwhile others write on
            Thread other = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 100; i++) {
                    r.log(0, "c", "other " + i);
                }
            });
            other.join();
            assertThat(r.background.closedGeneration).as("generation 1 waits for its writer").isZero();

            // the event completes with generation 1's ids, one of them new to its tables
            writeLog(w, "held category", "held");
            w.release();
            await("generation 1 is written", () -> r.background.closedGeneration == 1);
            r.log(0, "c", "after");
        } finally {
            Recorder.stop();
        }

        Read read = read(out.toByteArray());

        assertThat(read.truncated()).isFalse();
        assertThat(read.lost()).isZero();
        List<String> first = new ArrayList<>(range("before ", 50));
        first.add("held");
        assertThat(read.messagesIn(1)).containsExactlyElementsOf(first);
        assertThat(read.logs()).filteredOn(l -> l.message().equals("held")).extracting(Log::category)
                .containsExactly("held category");
        List<String> second = new ArrayList<>(range("other ", 100));
        second.add("after");
        assertThat(read.messagesIn(2)).containsExactlyInAnyOrderElementsOf(second);
    }

    @Test
    void aWriterHeldForLongerThanThePatienceIsGivenUpOnAndItsEventsAreCountedWhenItComesBack() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Recorder r = Recorder.start(out, false, OPTIONS);
        try {
            r.background.stuckPatienceNanos = TimeUnit.MILLISECONDS.toNanos(100);
            for (int i = 0; i < 50; i++) {
                r.log(0, "c", "before " + i);
            }
            Writer w = r.begin(Recorder.MAX_EVENT_BYTES + 64); // held "forever" (a debugger)
            assertThat(w).isNotNull();

            r.background.advanceSoon();
            await("generation 1 is written without the held writer", () -> r.background.closedGeneration == 1);
            // the recording goes on: a later generation end does not wait for the same event again
            r.background.advanceSoon();
            await("generation 2 is written", () -> r.background.closedGeneration == 2);

            writeLog(w, "c", "held");
            w.release();
            r.log(0, "c", "after"); // rolls: the held buffer of generation 1 comes back
        } finally {
            Recorder.stop();
        }

        Read read = read(out.toByteArray());

        assertThat(read.truncated()).isFalse();
        assertThat(read.logs()).extracting(Log::message).containsExactly("after");
        // exactly what the given-up buffer held: this thread's STATUS, 50 logs and the held one
        assertThat(read.lost()).isEqualTo(52);
    }

    @Test
    void virtualThreadsDoNotLoseEventsWhileASiblingHoldsTheirCarriersWriter() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Recorder r = Recorder.start(out, false, OPTIONS);
        int n = 200;
        try {
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch others = new CountDownLatch(1);
            Thread holder = Thread.ofVirtual().start(() -> {
                Writer w = r.writers.acquire(); // the writer of the carrier this virtual thread runs on
                held.countDown();
                try {
                    others.await(); // unmounted while holding it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    w.release();
                }
            });
            held.await();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int id = i;
                threads.add(Thread.ofVirtual().start(() -> {
                    Thread.yield(); // spread over the carriers
                    r.log(0, "c", "v" + id);
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            others.countDown();
            holder.join();
        } finally {
            Recorder.stop();
        }

        Read read = read(out.toByteArray());

        assertThat(read.lost()).isZero();
        assertThat(read.logs()).hasSize(n);
    }
}
