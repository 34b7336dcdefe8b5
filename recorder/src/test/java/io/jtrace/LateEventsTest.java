package io.jtrace;

import io.jtrace.format.BlockReason;
import io.jtrace.format.Event;
import io.jtrace.format.EventType;
import io.jtrace.format.StackFrame;
import io.jtrace.format.WakerKind;
import io.jtrace.recorder.LateEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Events the JVM reports after the fact keep their own times and come back marked late. */
class LateEventsTest {
    @TempDir
    Path dir;

    @Test
    void aMonitorWaitReportedAfterTheFactIsTheThreadsLateBlockUnblockAndRun() throws Exception {
        Path f = dir.resolve("late.jtrace");
        long me = Thread.currentThread().threadId();
        long[] times = new long[2];
        List<StackFrame> frames = List.of(new StackFrame("app.Cache", "get", "(Ljava/lang/Object;)Ljava/lang/Object;", "", 42, 7, 2));
        TraceFiles.record(f, TraceOptions.defaults(), () -> {
            io.jtrace.Trace.log("before", "the thread is known to the recorder");
            sleep(20); // the reported wait lies after the trace's start
            long now = LateEvents.traceTime();
            times[0] = now - 5_000_000;
            times[1] = now - 1_000_000;
            LateEvents.monitorBlocked(me, times[0], times[1], "app.Cache", 12345, frames, false);
            Trace.log("after", "and goes on");
        });
        TraceFiles.ReadBack rb = TraceFiles.readAll(f);
        List<Event> late = rb.events().stream().filter(Event::late).toList();
        assertThat(late).extracting(Event::type).containsExactly(EventType.BLOCK, EventType.UNBLOCK, EventType.RUN);
        assertThat(late).allMatch(e -> e.thread() == me);
        Event block = late.get(0);
        assertThat(block.time()).isEqualTo(times[0]);
        assertThat(BlockReason.ofCode(block.arg("reason"))).isEqualTo(BlockReason.MONITOR);
        assertThat(rb.generations().get(0).stack(block.stackId()).frames()).isEqualTo(frames);
        Event unblock = late.get(1);
        assertThat(unblock.time()).isEqualTo(times[1]);
        assertThat(WakerKind.ofCode(unblock.arg("waker"))).isEqualTo(WakerKind.THREAD);
        assertThat(unblock.arg("wakerThread")).isEqualTo(12345);
        assertThat(rb.events()).filteredOn(e -> !e.late() && e.type() == EventType.LOG).hasSize(2);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aLateStackIsCutToStackdepthAsTheRecordersOwnAre() throws Exception {
        Path f = dir.resolve("deep.jtrace");
        List<StackFrame> frames = java.util.stream.IntStream.range(0, 10)
                .mapToObj(i -> new StackFrame("app.Deep", "level" + i, "()V", "", i + 1, 0, 2)).toList();
        TraceFiles.record(f, TraceOptions.defaults().withStackDepth(3), () -> {
            Trace.log("before", "the thread is known to the recorder");
            sleep(5);
            long now = LateEvents.traceTime();
            LateEvents.monitorBlocked(Thread.currentThread().threadId(), now - 2_000_000, now - 1_000_000, "app.Deep",
                    0, frames, false);
        });
        TraceFiles.ReadBack rb = TraceFiles.readAll(f);
        Event block = rb.events().stream().filter(e -> e.late() && e.type() == EventType.BLOCK).findFirst().orElseThrow();
        io.jtrace.format.StackTrace st = rb.generations().stream().map(g -> g.stack(block.stackId()))
                .filter(java.util.Objects::nonNull).findFirst().orElseThrow();
        assertThat(st.frames()).as("the innermost three").isEqualTo(frames.subList(0, 3));
        assertThat(st.truncated()).isTrue();
    }

    @Test
    void aThreadTheRecorderNeverSawGetsNoLateEvents() throws Exception {
        Path f = dir.resolve("unknown.jtrace");
        TraceFiles.record(f, TraceOptions.defaults(), () -> {
            long now = LateEvents.traceTime();
            LateEvents.monitorBlocked(987_654_321L, now - 10, now, "x.Y", 0, List.of(), false);
        });
        assertThat(TraceFiles.readAll(f).events()).noneMatch(Event::late);
    }

    @Test
    void aProgramCanWaitUntilTheJdksEventsAreRecorded() throws Exception {
        assertThat(Trace.awaitJdkEvents(java.time.Duration.ofSeconds(10))).as("no recording").isFalse();
        TraceFiles.record(dir.resolve("await.jtrace"), TraceOptions.defaults(), () -> {
            assertThat(Trace.awaitJdkEvents(java.time.Duration.ofSeconds(10))).as("no reporter: false at once").isFalse();
            LateEvents.jdkEventsStarting();
            assertThat(Trace.awaitJdkEvents(java.time.Duration.ofMillis(20))).as("still starting").isFalse();
            java.util.concurrent.CountDownLatch waiting = new java.util.concurrent.CountDownLatch(1);
            boolean[] answer = new boolean[1];
            Thread waiter = Thread.ofPlatform().start(() -> {
                waiting.countDown();
                try {
                    answer[0] = Trace.awaitJdkEvents(java.time.Duration.ofSeconds(60));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            waiting.await();
            LateEvents.jdkEventsRunning();
            waiter.join();
            assertThat(answer[0]).as("the waiter saw it run").isTrue();
            LateEvents.jdkEventsOver();
            assertThat(Trace.awaitJdkEvents(java.time.Duration.ofSeconds(10))).as("over").isFalse();
        });
    }
}
