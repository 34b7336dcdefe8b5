package io.jtrace.analysis.timeline;

import io.jtrace.Region;
import io.jtrace.Trace;
import io.jtrace.TraceOptions;
import io.jtrace.format.BlockReason;
import io.jtrace.format.StackFrame;
import io.jtrace.format.ThreadState;
import io.jtrace.format.WakerKind;
import io.jtrace.recorder.Events;
import io.jtrace.recorder.LateEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Late facts, written by the real recorder (as the agent's JDK event bridge writes them, generations
 * after the live events they correct), change the timeline retroactively.
 */
class TimelineLateFactsTest {
    @TempDir
    Path dir;

    private static final long MS = 1_000_000L;

    @Test
    void aLateMonitorBlockIsCarvedOutOfRunningTimeInsideItsRegion() throws Exception {
        Path file = dir.resolve("monitor.jtrace");
        long[] t = new long[2];
        CountDownLatch ran = new CountDownLatch(1);
        CountDownLatch reported = new CountDownLatch(1);
        Trace.start(file, TraceOptions.parse("period=100ms"));
        Thread x;
        long owner = Thread.currentThread().threadId();
        try {
            x = Thread.ofPlatform().name("X").start(() -> {
                try (Region r = Trace.region("r")) {
                    t[0] = LateEvents.traceTime();
                    spin(60);
                    t[1] = LateEvents.traceTime();
                }
                ran.countDown();
                await(reported); // alive until its late block is written
            });
            ran.await();
            Thread.sleep(300); // the fact arrives generations later
            LateEvents.monitorBlocked(x.threadId(), t[0] + 10 * MS, t[0] + 40 * MS, "java.lang.Object", owner,
                    List.of(new StackFrame("a.B", "c", "()V", "B.java", 12, 3, 2)), false);
            reported.countDown();
            x.join();
        } finally {
            Trace.stop();
        }
        List<ThreadInterval> xs = new ArrayList<>();
        TimelineSummary s = Timeline.read(file, new TimelineListener() {
            @Override
            public void interval(ThreadInterval iv) {
                if (iv.thread() == x.threadId()) {
                    xs.add(iv);
                }
            }
        });
        assertThat(s.lateApplied()).isEqualTo(1);
        List<ThreadInterval> blocked = xs.stream().filter(iv -> iv.state() == ThreadState.BLOCKED).toList();
        assertThat(blocked).hasSize(1);
        ThreadInterval b = blocked.get(0);
        assertThat(b.reason()).isEqualTo(BlockReason.MONITOR);
        assertThat(b.start()).isEqualTo(t[0] + 10 * MS);
        assertThat(b.duration()).isEqualTo(30 * MS);
        assertThat(b.waker()).isEqualTo(new Waker(WakerKind.THREAD, owner, true));
        assertThat(b.stack().top().methodName()).isEqualTo("c");
        assertThat(b.inRegion("r")).isTrue();
        assertThat(b.what()).isEqualTo("java.lang.Object");
        // the running time around it, in the region, is what is left of the 60 ms
        long runningInRegion = xs.stream().filter(iv -> iv.state() == ThreadState.RUNNING && iv.inRegion("r"))
                .mapToLong(ThreadInterval::duration).sum();
        long inRegion = xs.stream().filter(iv -> iv.inRegion("r")).mapToLong(ThreadInterval::duration).sum();
        assertThat(runningInRegion).isEqualTo(inRegion - 30 * MS).isGreaterThanOrEqualTo(t[1] - t[0] - 30 * MS);
        // the thread's intervals still tile its time
        for (int i = 1; i < xs.size(); i++) {
            assertThat(xs.get(i).start()).as("interval %d starts where %d ends", i, i - 1).isEqualTo(xs.get(i - 1).end());
        }
    }

    @Test
    void aLateNotifierReplacesTheUnknownWakerOfAWait() throws Exception {
        Path file = dir.resolve("notify.jtrace");
        long[] woken = new long[1];
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch unblocked = new CountDownLatch(1);
        CountDownLatch reported = new CountDownLatch(1);
        long notifier = Thread.currentThread().threadId();
        Thread w;
        Trace.start(file, TraceOptions.parse("period=100ms"));
        try {
            w = Thread.ofPlatform().name("W").start(() -> {
                Events.block(BlockReason.WAIT, "java.lang.Object");
                blocked.countDown();
                await(unblocked);
                Events.run();
                await(reported);
            });
            blocked.await();
            Thread.sleep(20);
            woken[0] = LateEvents.traceTime();
            Events.unblock(w, WakerKind.UNKNOWN, 0);
            unblocked.countDown();
            Thread.sleep(300);
            LateEvents.notified(w.threadId(), woken[0], notifier);
            reported.countDown();
            w.join();
        } finally {
            Trace.stop();
        }
        List<ThreadInterval> ws = new ArrayList<>();
        Timeline.read(file, new TimelineListener() {
            @Override
            public void interval(ThreadInterval iv) {
                if (iv.thread() == w.threadId()) {
                    ws.add(iv);
                }
            }
        });
        ThreadInterval wait = ws.stream().filter(iv -> iv.state() == ThreadState.BLOCKED).findFirst().orElseThrow();
        assertThat(wait.reason()).isEqualTo(BlockReason.WAIT);
        assertThat(wait.duration()).isGreaterThanOrEqualTo(20 * MS);
        assertThat(wait.waker()).isEqualTo(new Waker(WakerKind.THREAD, notifier, true));
        ThreadInterval runnable = ws.get(ws.indexOf(wait) + 1);
        assertThat(runnable.state()).isEqualTo(ThreadState.RUNNABLE);
        assertThat(runnable.waker()).isEqualTo(new Waker(WakerKind.THREAD, notifier, true));
    }

    static void spin(long millis) {
        long end = System.nanoTime() + millis * MS;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
