package io.jtrace.agent.it.workloads;

import java.util.concurrent.CountDownLatch;

/** Unchecked helpers for the workloads. */
final class Work {
    private Work() {}

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits until {@code t} is waiting (parked, in Object.wait, or sleeping), so that what the
     * caller does next wakes a blocked thread however slow the machine: a fixed sleep alone lets a
     * loaded machine start the waiter too late. Then waits {@code millis} more.
     */
    static void untilWaiting(Thread t, long millis) {
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            if (!t.isAlive()) {
                throw new IllegalStateException(t.getName() + " ended before it waited");
            }
            Thread.yield(); // not a sleep: the recorded blocks must be the same in every run
        }
        sleep(millis);
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
