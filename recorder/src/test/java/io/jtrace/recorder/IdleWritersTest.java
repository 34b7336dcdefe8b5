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
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Buffers held by writers that write nothing more go back to the pool under memory pressure, and
 * writers nobody can reach any more leave the writer list: a budget is not used up by idle
 * threads, nor by a pool's workers whose thread locals the JDK erases after every task (the
 * common pool's do: each task then gets a writer of its own).
 */
class IdleWritersTest {
    private static final int BUFFER = 1024;
    private static final int BUFFERS = 64;
    private static final TraceOptions OPTIONS = TraceOptions.defaults().withStacks(TraceOptions.Stacks.OFF)
            .withGenerationPeriod(Duration.ofHours(1)).withBufferBytes(BUFFER).withGenerationBytes(1 << 30)
            .withBudgetBytes((long) BUFFERS * BUFFER);

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting until " + what).isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    private static List<String> logs(byte[] trace, long[] lost) throws Exception {
        List<String> logs = new ArrayList<>();
        try (TraceReader rd = new TraceReader(new ByteArrayInputStream(trace))) {
            for (Generation g; (g = rd.next()) != null; ) {
                lost[0] += g.lostEvents();
                for (Event e : g.events()) {
                    if (e.type() == EventType.LOG) {
                        logs.add(e.tail());
                    }
                }
            }
            assertThat(rd.truncated()).isFalse();
        }
        return logs;
    }

    @Test
    void idleThreadsGiveTheirBuffersBackUnderPressure() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Recorder r = Recorder.start(out, false, OPTIONS);
        int idle = BUFFERS - 8; // each holds a buffer: more than three quarters of the budget
        List<Thread> threads = new ArrayList<>();
        CountDownLatch logged = new CountDownLatch(idle);
        CountDownLatch end = new CountDownLatch(1);
        try {
            for (int i = 0; i < idle; i++) {
                int id = i;
                threads.add(Thread.ofPlatform().start(() -> {
                    r.log(0, "c", "idle " + id);
                    logged.countDown();
                    try {
                        end.await(); // alive, writing nothing more
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            logged.await();
            await("the idle threads' buffers are back in the pool", () -> r.pool.available() >= BUFFERS / 4);
            for (int i = 0; i < 8; i++) {
                r.log(0, "c", "busy " + i);
            }
        } finally {
            end.countDown();
            for (Thread t : threads) {
                t.join();
            }
            Recorder.stop();
        }

        long[] lost = new long[1];
        List<String> logs = logs(out.toByteArray(), lost);
        assertThat(lost[0]).isZero();
        assertThat(logs).hasSize(idle + 8);
    }

    @Test
    void commonPoolTasksDoNotUseUpTheBudgetNorGrowTheWriterList() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Recorder r = Recorder.start(out, false, OPTIONS);
        int tasks = 2000;
        int before = r.writers.all().size();
        int most = 0;
        try {
            ForkJoinPool pool = ForkJoinPool.commonPool();
            for (int i = 0; i < tasks; i += 8) {
                // at most 8 new writers (and buffers) at a time, then wait until the background
                // writer took the idle ones' buffers back: never more than the budget in use
                await("a quarter of the budget is free", () -> r.pool.available() >= BUFFERS / 4);
                List<java.util.concurrent.Future<?>> batch = new ArrayList<>();
                for (int j = i; j < i + 8; j++) {
                    String message = "task " + j;
                    batch.add(pool.submit(() -> r.log(0, "c", message)));
                }
                for (var f : batch) {
                    f.get();
                }
            }
            most = r.writers.all().size();
            long closed = r.background.closedGeneration;
            r.background.advanceSoon();
            await("a generation end", () -> r.background.closedGeneration > closed);
            System.out.println("writers: " + before + " before, " + most + " after " + tasks
                    + " common-pool tasks, " + r.writers.all().size() + " after a generation end");
            assertThat(most).as("writers while the tasks ran: a worker whose thread locals the pool "
                    + "erased after a task gets its own writer back").isLessThanOrEqualTo(before + pool.getParallelism() + 2);
            assertThat(r.writers.all().size()).as("writers left after a generation end")
                    .isLessThanOrEqualTo(before + pool.getParallelism() + 2);
        } finally {
            Recorder.stop();
        }

        long[] lost = new long[1];
        List<String> logs = logs(out.toByteArray(), lost);
        assertThat(lost[0]).isZero();
        assertThat(logs).hasSize(tasks);
    }
}
