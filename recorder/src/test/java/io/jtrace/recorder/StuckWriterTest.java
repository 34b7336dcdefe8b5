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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * White-box: a thread that holds a writer "mid-event" for a long time stands for one that was
 * descheduled inside an event, or a virtual thread unmounted there (blocked on a lock in the
 * tracer's tables). Such a stall must cost only the events it holds, counted as lost: never the
 * trace's readability, and never the events of other threads.
 */
class StuckWriterTest {
    private static final TraceOptions OPTIONS = TraceOptions.defaults().withStacks(TraceOptions.Stacks.OFF);

    private record Read(List<String> logs, long lost, boolean truncated) {}

    private static Read read(byte[] trace) throws Exception {
        List<String> logs = new ArrayList<>();
        long lost = 0;
        try (TraceReader rd = new TraceReader(new ByteArrayInputStream(trace))) {
            for (Generation g; (g = rd.next()) != null; ) {
                lost += g.lostEvents();
                g.events().stream().filter(e -> e.type() == EventType.LOG).map(Event::tail).forEach(logs::add);
            }
            return new Read(logs, lost, rd.truncated());
        }
    }

    @Test
    void writerStuckMidEventAcrossGenerationEndsCostsOnlyItsOwnEvents() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Recorder r = Recorder.start(out, false, OPTIONS.withGenerationPeriod(Duration.ofMillis(10)));
        try {
            for (int i = 0; i < 50; i++) {
                r.log(0, "c", "before " + i); // in this thread's buffer of the current generation
            }
            Writer w = r.writers.acquire();
            assertThat(w).isNotNull();
            long stuckIn = r.generation;
            try {
                Thread.sleep(500); // longer than the background writer waits for a busy writer
            } finally {
                w.release();
            }
            assertThat(r.generation).as("generations ended while the writer was stuck").isGreaterThan(stuckIn);
            r.log(0, "c", "after"); // rolls the writer: its stale buffer is handed off now
            Thread.sleep(30);
        } finally {
            Recorder.stop();
        }

        Read read = read(out.toByteArray());

        assertThat(read.truncated()).isFalse();
        assertThat(read.logs()).contains("after").noneMatch(s -> s.startsWith("before"));
        assertThat(read.lost()).as("the 50 logs held by the stuck writer are counted").isGreaterThanOrEqualTo(50);
    }

    @Test
    void virtualThreadsDoNotLoseEventsWhileASiblingHoldsTheirCarriersWriter() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Recorder r = Recorder.start(out, false, OPTIONS.withGenerationPeriod(Duration.ofHours(1)));
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
