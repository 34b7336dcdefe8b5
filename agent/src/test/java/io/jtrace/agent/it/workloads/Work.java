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

    static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
