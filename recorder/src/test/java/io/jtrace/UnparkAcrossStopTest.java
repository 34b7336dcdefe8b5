package io.jtrace;

import io.jtrace.format.BlockReason;
import io.jtrace.format.Event;
import io.jtrace.format.EventType;
import io.jtrace.format.WakerKind;
import io.jtrace.recorder.Events;
import io.jtrace.recorder.Recorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An unpark holds its writer from entry to exit (the waker's stack is added at the exit). When the
 * recording stops in between, as at a JVM's exit while the application runs on, the exit must
 * still finish the event and release the writer: nothing lost, no stop waiting for a writer
 * nobody will release.
 */
class UnparkAcrossStopTest {
    @TempDir
    Path dir;

    @Test
    void anUnparkThatBeganBeforeTheStopFinishesItsWakeUpAfterIt() throws Exception {
        Path f = dir.resolve("stop.jtrace");
        CountDownLatch blocked = new CountDownLatch(1);
        long[] ids = new long[2];
        Trace.start(f, TraceOptions.defaults());
        Thread wakee = Thread.ofPlatform().name("wakee").start(() -> {
            Events.blockIfRunning(BlockReason.PARK, null);
            blocked.countDown();
            LockSupport.park(); // a spurious return only ends its block sooner; the UNBLOCK is the waker's
        });
        ids[0] = wakee.threadId();
        ids[1] = Thread.currentThread().threadId();
        blocked.await();
        Events.unparkEntered(wakee); // the UNBLOCK is written but for its stack; the writer is held
        Thread stopper = Thread.ofPlatform().name("stopper").start(Trace::stop);
        while (Recorder.active() != null) {
            Thread.onSpinWait(); // until the stop has begun: from now on hooks see no active session
        }
        LockSupport.unpark(wakee);
        Events.unparkReturned(); // must still reach the stopping session and release the writer
        stopper.join();
        wakee.join();

        TraceFiles.ReadBack rb = TraceFiles.readAll(f);
        assertThat(rb.lostEvents()).as("the held event is written, not given up on").isZero();
        List<Event> unblocks = rb.events().stream()
                .filter(e -> e.type() == EventType.UNBLOCK && e.arg("target") == ids[0]).toList();
        assertThat(unblocks).hasSize(1);
        assertThat(unblocks.get(0).thread()).isEqualTo(ids[1]);
        assertThat(WakerKind.ofCode(unblocks.get(0).arg("waker"))).isEqualTo(WakerKind.CURRENT);
        assertThat(unblocks.get(0).stackId()).as("with the waker's stack").isNotZero();
    }
}
