package io.jtrace.agent.hooks;

import io.jtrace.format.BlockReason;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.locks.AbstractQueuedLongSynchronizer;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.StampedLock;

/** Why a thread parks, judged from the blocker object java.util.concurrent passes to LockSupport. */
final class BlockerReasons {
    private BlockerReasons() {}

    static BlockReason of(Object blocker) {
        if (blocker == null) {
            return BlockReason.PARK;
        }
        if (blocker instanceof AbstractQueuedSynchronizer.ConditionObject
                || blocker instanceof AbstractQueuedLongSynchronizer.ConditionObject) {
            return BlockReason.WAIT; // Condition.await (inside a blocking queue the queue context wins)
        }
        if (blocker.getClass().getName().equals("java.util.concurrent.CountDownLatch$Sync")) {
            return BlockReason.WAIT; // waiting for an event, not for a lock
        }
        if (blocker instanceof AbstractQueuedSynchronizer || blocker instanceof AbstractQueuedLongSynchronizer
                || blocker instanceof Lock || blocker instanceof StampedLock) {
            return BlockReason.LOCK;
        }
        if (blocker instanceof Future<?> || blocker.getClass().getName().startsWith("java.util.concurrent.CompletableFuture")) {
            return BlockReason.FUTURE;
        }
        if (blocker instanceof BlockingQueue<?>) {
            return BlockReason.QUEUE;
        }
        return BlockReason.PARK;
    }
}
