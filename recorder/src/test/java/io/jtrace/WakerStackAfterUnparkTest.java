package io.jtrace;

import io.jtrace.format.BlockReason;
import io.jtrace.format.Event;
import io.jtrace.format.EventType;
import io.jtrace.format.StackFrame;
import io.jtrace.format.WakerKind;
import io.jtrace.recorder.Events;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An unpark's UNBLOCK is written at the unpark's entry and gets the waker's stack at its exit, so
 * the woken thread never waits for its waker's stack walk. The woken thread may run, and write its
 * RUN, before the waker has finished its event: the trace must still say, in time order, that the
 * waker woke it (with the waker's stack) and then it ran.
 */
class WakerStackAfterUnparkTest {
    @TempDir
    Path dir;

    @Test
    void theWokenThreadRunsBeforeItsWakerFinishesTheEventAndTheTraceStillReadsInOrder() throws Exception {
        Path f = dir.resolve("wake.jtrace");
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch ran = new CountDownLatch(1);
        AtomicBoolean woken = new AtomicBoolean();
        long[] ids = new long[2];
        TraceFiles.record(f, TraceOptions.defaults().withStacks(TraceOptions.Stacks.SLOW), () -> {
            Thread wakee = Thread.ofPlatform().name("wakee").start(() -> {
                Events.blockIfRunning(BlockReason.PARK, null);
                blocked.countDown();
                while (!woken.get()) {
                    LockSupport.park(); // until unparked below: a spurious return parks again
                }
                Events.blockingCallReturned(WakerKind.UNKNOWN);
                ran.countDown();
            });
            ids[0] = wakee.threadId();
            ids[1] = Thread.currentThread().threadId();
            blocked.await();
            wakerUnparks(wakee, woken, ran);
            wakee.join();
        });

        List<Event> events = TraceFiles.readAll(f).events();
        Event unblock = events.stream().filter(e -> e.type() == EventType.UNBLOCK && e.arg("target") == ids[0])
                .findFirst().orElseThrow();
        Event run = events.stream().filter(e -> e.type() == EventType.RUN && e.thread() == ids[0])
                .findFirst().orElseThrow();
        assertThat(unblock.thread()).as("written by the waker").isEqualTo(ids[1]);
        assertThat(WakerKind.ofCode(unblock.arg("waker"))).isEqualTo(WakerKind.CURRENT);
        assertThat(unblock.time()).as("the wake-up is timed at the unpark's entry, before the woken thread ran")
                .isLessThan(run.time());
        assertThat(events.indexOf(unblock)).as("in the trace's order too").isLessThan(events.indexOf(run));
        List<StackFrame> frames = TraceFiles.readAll(f).generations().get(0).stack(unblock.stackId()).frames();
        assertThat(frames).as("the waker's stack, taken after the unpark")
                .anyMatch(fr -> fr.methodName().equals("wakerUnparks"));
    }

    /** What LockSupport.unpark does under the agent: entry hook, the unpark, exit hook. */
    private static void wakerUnparks(Thread wakee, AtomicBoolean woken, CountDownLatch ran) throws InterruptedException {
        Events.unparkEntered(wakee);
        woken.set(true);
        LockSupport.unpark(wakee);
        ran.await(); // the woken thread has written its RUN: only now does the waker finish its UNBLOCK
        Events.unparkReturned();
    }
}
