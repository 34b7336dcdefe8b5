package io.jtrace.analysis.state;

import io.jtrace.Trace;
import io.jtrace.TraceOptions;
import io.jtrace.format.BlockReason;
import io.jtrace.format.Generation;
import io.jtrace.format.ThreadState;
import io.jtrace.format.TraceReader;
import io.jtrace.format.UnmountReason;
import io.jtrace.recorder.Events;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/** States derived from real recordings (the recorder's hook entry points on real threads). */
class ThreadStateMachineTest {
    @TempDir
    Path dir;

    private record Step(long thread, ThreadState from, ThreadState to, BlockReason reason) {}

    private List<Step> steps;

    private ThreadStateMachine replay(Path file) throws IOException {
        steps = new ArrayList<>();
        ThreadStateMachine m = new ThreadStateMachine((t, time, from, to, reason, cause) -> steps.add(new Step(t, from, to, reason)));
        try (TraceReader r = TraceReader.open(file)) {
            Generation g;
            while ((g = r.next()) != null) {
                m.generation(g);
            }
        }
        return m;
    }

    private Path record(String name, TraceOptions options, Runnable workload) throws IOException {
        Path file = dir.resolve(name);
        Trace.start(file, options);
        try {
            workload.run();
        } finally {
            Trace.stop();
        }
        return file;
    }

    @Test
    void aBlockWokenByAnotherThreadIsBlockedRunnableRunning() throws Exception {
        long[] ids = new long[2];
        Path file = record("lock.jtrace", TraceOptions.defaults(), () -> {
            CountDownLatch blocked = new CountDownLatch(1);
            CountDownLatch woken = new CountDownLatch(1);
            Thread a = Thread.ofPlatform().name("A").start(() -> {
                Events.block(BlockReason.LOCK, "java.util.concurrent.locks.ReentrantLock$NonfairSync");
                blocked.countDown();
                await(woken);
                Events.run();
            });
            Thread b = Thread.ofPlatform().name("B").start(() -> {
                await(blocked);
                Events.unblock(a);
                woken.countDown();
            });
            join(a);
            join(b);
            ids[0] = a.threadId();
            ids[1] = b.threadId();
        });
        ThreadStateMachine m = replay(file);
        assertThat(m.errors()).isEmpty();
        assertThat(steps).filteredOn(s -> s.thread() == ids[0]).extracting(Step::to)
                .containsSubsequence(ThreadState.RUNNING, ThreadState.BLOCKED, ThreadState.RUNNABLE, ThreadState.RUNNING);
        assertThat(steps).filteredOn(s -> s.thread() == ids[0] && s.to() == ThreadState.BLOCKED)
                .extracting(Step::reason).containsExactly(BlockReason.LOCK);
        assertThat(m.state(ids[0])).isEqualTo(ThreadState.RUNNING);
    }

    @Test
    void impossibleTransitionsAreReportedWithThreadAndEvent() throws Exception {
        long[] id = new long[1];
        Path file = record("bad.jtrace", TraceOptions.defaults(), () -> {
            Thread a = Thread.ofPlatform().start(() -> {
                Events.block(BlockReason.SLEEP, null);
                Events.block(BlockReason.SLEEP, null); // blocked twice without waking up
                Events.run();                          // ran without being made runnable
            });
            join(a);
            id[0] = a.threadId();
        });
        ThreadStateMachine m = replay(file);
        assertThat(m.errorCount()).isEqualTo(2);
        assertThat(m.errors()).allMatch(e -> e.thread() == id[0]);
        assertThat(m.errors().get(0).message()).isEqualTo("cannot go from blocked to blocked (expected running)");
        assertThat(m.errors().get(1).message()).isEqualTo("cannot go from blocked to running (expected runnable)");
    }

    @Test
    void aThreadBlockedAcrossGenerationsKeepsItsStateThroughTheStatusRecords() throws Exception {
        long[] id = new long[1];
        Path file = record("long.jtrace", TraceOptions.defaults().withGenerationPeriod(Duration.ofMillis(20)), () -> {
            CountDownLatch blocked = new CountDownLatch(1);
            CountDownLatch woken = new CountDownLatch(1);
            Thread a = Thread.ofPlatform().start(() -> {
                Events.block(BlockReason.QUEUE, null);
                blocked.countDown();
                await(woken);
                Events.run();
            });
            await(blocked);
            sleep(120); // several generations pass while A is blocked
            Events.unblock(a);
            woken.countDown();
            join(a);
            id[0] = a.threadId();
        });
        List<ThreadState> statusesOfA = new ArrayList<>();
        try (TraceReader r = TraceReader.open(file)) {
            Generation g;
            while ((g = r.next()) != null) {
                g.events().stream().filter(e -> e.type() == io.jtrace.format.EventType.STATUS && e.arg("thread") == id[0])
                        .findFirst().ifPresent(e -> statusesOfA.add(ThreadState.ofCode(e.arg("state"))));
            }
        }
        assertThat(statusesOfA).contains(ThreadState.BLOCKED);
        ThreadStateMachine m = replay(file);
        assertThat(m.errors()).isEmpty();
        assertThat(steps).filteredOn(s -> s.thread() == id[0] && s.to() == ThreadState.BLOCKED)
                .extracting(Step::reason).containsOnly(BlockReason.QUEUE);
    }

    @Test
    void aVirtualThreadMountsBlocksAndYields() throws Exception {
        Thread v = Thread.ofVirtual().unstarted(() -> { });
        Path file = record("vt.jtrace", TraceOptions.defaults(), () -> {
            Thread carrier = Thread.ofPlatform().name("carrier").start(() -> {
                Events.mount(v);
                Events.unmount(v, UnmountReason.YIELD);
                Events.mount(v);
                Events.unmount(v, UnmountReason.END);
            });
            join(carrier);
        });
        ThreadStateMachine m = replay(file);
        assertThat(m.errors()).isEmpty();
        assertThat(steps).filteredOn(s -> s.thread() == v.threadId()).extracting(Step::to)
                .containsSubsequence(ThreadState.RUNNING, ThreadState.RUNNABLE, ThreadState.RUNNING, ThreadState.TERMINATED);
    }

    @Test
    void liveEventsAreReportedAfterTheirTransitionsAndLateEventsWithoutMovingState() throws Exception {
        long[] id = new long[1];
        CountDownLatch regionDone = new CountDownLatch(1);
        CountDownLatch reported = new CountDownLatch(1);
        Path file = record("late.jtrace", TraceOptions.defaults(), () -> {
            Thread a = Thread.ofPlatform().name("A").start(() -> {
                Trace.region("r").end();
                regionDone.countDown();
                await(reported);
            });
            await(regionDone);
            sleep(20); // the late block lies in the past, after the trace's start
            long now = io.jtrace.recorder.LateEvents.traceTime();
            io.jtrace.recorder.LateEvents.monitorBlocked(a.threadId(), now - 2_000_000, now - 1_000_000, "java.lang.Object",
                    0, List.of(), false);
            reported.countDown();
            join(a);
            id[0] = a.threadId();
        });
        List<String> seen = new ArrayList<>();
        ThreadStateMachine m = new ThreadStateMachine(new ThreadStateMachine.Listener() {
            @Override
            public void transition(long thread, long time, ThreadState from, ThreadState to, BlockReason reason,
                                   io.jtrace.format.Event cause) {
                if (thread == id[0]) {
                    seen.add(from + "->" + to + " by " + cause.type());
                }
            }

            @Override
            public void applied(io.jtrace.format.Event e) {
                if (e.thread() == id[0]) {
                    seen.add("applied " + e.type());
                }
            }

            @Override
            public void late(io.jtrace.format.Event e) {
                seen.add("late " + e.type());
            }
        });
        try (TraceReader r = TraceReader.open(file)) {
            for (Generation g; (g = r.next()) != null; ) {
                m.generation(g);
            }
        }
        assertThat(seen).containsSubsequence("null->RUNNING by STATUS", "applied STATUS", "applied REGION_BEGIN",
                "applied REGION_END");
        assertThat(seen).containsSubsequence("late BLOCK", "late UNBLOCK", "late RUN");
        assertThat(seen).noneMatch(s -> s.contains("BLOCKED"));
        assertThat(m.lateEvents()).isEqualTo(3);
    }

    @Test
    void mismatchedRegionsAreReported() throws Exception {
        Path file = record("regions.jtrace", TraceOptions.defaults(), () -> {
            var outer = Trace.region("outer");
            var inner = Trace.region("inner");
            outer.end(); // ends the outer region while the inner one is still open
            inner.end();
        });
        ThreadStateMachine m = replay(file);
        assertThat(m.errors()).extracting(ValidationError::message)
                .containsExactly("region \"outer\" ended while region \"inner\" is the innermost open one");
    }

    /**
     * A thread seen created whose first traced call is a return (a pool worker leaving its idle
     * wait, or a blocking call whose entry wrote nothing): it starts, and is not said to run twice.
     */
    @Test
    void aNewThreadWhoseFirstHookIsAReturnOrAnIdleWaitStartsOnce() throws Exception {
        long[] ids = new long[2];
        Path file = record("first-hook.jtrace", TraceOptions.defaults(), () -> {
            Thread returner = Thread.ofPlatform().name("returner").unstarted(
                    () -> Events.blockingCallReturned(io.jtrace.format.WakerKind.UNKNOWN));
            Thread worker = Thread.ofPlatform().name("worker").unstarted(() -> {
                Events.poolIdle();
                Events.blockingCallReturned(io.jtrace.format.WakerKind.UNKNOWN);
            });
            for (Thread t : List.of(returner, worker)) {
                Events.threadCreate(t);
                t.start();
                join(t);
            }
            ids[0] = returner.threadId();
            ids[1] = worker.threadId();
        });
        ThreadStateMachine m = replay(file);
        assertThat(m.errors()).isEmpty();
        assertThat(steps).filteredOn(s -> s.thread() == ids[1]).extracting(Step::reason).contains(BlockReason.IDLE);
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
