package io.jtrace.recorder;

import io.jtrace.format.ThreadState;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A waker ends the block it saw, never a later one. The waker reads the thread's state, then the
 * clock; if meanwhile the thread was woken by someone else, ran and blocked again, that new block
 * began after the waker's time, and ending it would put an UNBLOCK before its BLOCK in the trace
 * (seen once on a loaded CI machine: "UNBLOCK: cannot go from runnable to runnable"). The race
 * itself is a matter of preemption; what the recorder relies on is this, checked step by step.
 */
class ThreadRecordWakeTest {
    private static ThreadRecord blocked() {
        ThreadRecord r = new ThreadRecord(Thread.currentThread(), ThreadState.RUNNING);
        r.setState(ThreadState.BLOCKED, 1);
        return r;
    }

    @Test
    void aWakerEndsTheBlockItSaw() {
        ThreadRecord r = blocked();
        int seen = r.stateWord();
        assertThat(r.wake(seen)).isTrue();
        assertThat(r.state()).isEqualTo(ThreadState.RUNNABLE.code);
    }

    @Test
    void aWakerThatSawAnEarlierBlockLeavesALaterOneAlone() {
        ThreadRecord r = blocked();
        int seen = r.stateWord(); // the slow waker reads the state, then the clock, then loses the CPU
        assertThat(r.wake(r.stateWord())).isTrue(); // a timeout or another waker ends that block
        r.setState(ThreadState.RUNNING, 0); // the thread runs
        r.setState(ThreadState.BLOCKED, 1); // and blocks again, after the slow waker's time

        assertThat(ThreadRecord.code(seen)).isEqualTo(r.state()); // blocked then, blocked now
        assertThat(r.wake(seen)).isFalse();
        assertThat(r.state()).isEqualTo(ThreadState.BLOCKED.code);
    }

    @Test
    void twoWakersOfOneBlockMakeOneWakeUp() {
        ThreadRecord r = blocked();
        int seen = r.stateWord();
        assertThat(r.wake(seen)).isTrue();
        assertThat(r.wake(seen)).isFalse();
    }
}
