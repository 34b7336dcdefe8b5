package io.jtrace.cli.workloads;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wake-ups with known answers, {@link #ROUNDS} rounds each (hand-offs between the two sides spin on
 * volatile counters, so they add no wake-ups of their own):
 * <ul>
 *   <li>"lock-holder" holds a ReentrantLock until "lock-waiter" waits for it, then 50 ms more (a
 *       Thread.sleep: one timer wake-up): one wake-up lock-holder → lock-waiter per round;</li>
 *   <li>platform "mon-holder" holds a monitor until platform "mon-waiter" waits to enter it, then
 *       50 ms more: the JVM reports the hand-over later, previous owner → waiter;</li>
 *   <li>platform "mailbox-waiter" waits in Object.wait until "main" notifies it;</li>
 *   <li>3 threads of a fixed pool and 3 unnamed virtual threads wait on a latch main counts down
 *       once they all wait.</li>
 * </ul>
 * Then 1.5 s for the JVM's event stream to deliver.
 */
public final class WakeupWorkload {
    public static final int ROUNDS = 5;
    public static final int MONITOR_ROUNDS = 3;

    public static void main(String[] args) throws Exception {
        if (!io.jtrace.Trace.awaitJdkEvents(java.time.Duration.ofSeconds(60))) { // they start a moment after the JVM
            throw new IllegalStateException("the JDK's events are not recorded");
        }
        lockRounds();
        monitorRounds();
        waitNotifyRounds();
        latches();
        Thread.sleep(1500);
        System.out.println("done");
    }

    private static void lockRounds() throws InterruptedException {
        ReentrantLock lock = new ReentrantLock();
        AtomicInteger held = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        Thread[] waiter = new Thread[1];
        Thread holder = Thread.ofPlatform().name("lock-holder").unstarted(() -> {
            for (int i = 1; i <= ROUNDS; i++) {
                lock.lock();
                try {
                    held.set(i);
                    // the waiter is parked waiting for the lock, however slow the machine
                    while (!lock.hasQueuedThread(waiter[0]) || waiter[0].getState() != Thread.State.WAITING) {
                        Thread.onSpinWait();
                    }
                    sleep(50);
                } finally {
                    lock.unlock();
                }
                spinUntil(done, i);
            }
        });
        waiter[0] = Thread.ofPlatform().name("lock-waiter").start(() -> {
            for (int i = 1; i <= ROUNDS; i++) {
                spinUntil(held, i);
                lock.lock();
                lock.unlock();
                done.set(i);
            }
        });
        holder.start();
        holder.join();
        waiter[0].join();
    }

    private static void monitorRounds() throws InterruptedException {
        Object monitor = new Object();
        AtomicInteger held = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        Thread[] waiter = new Thread[1];
        Thread holder = Thread.ofPlatform().name("mon-holder").unstarted(() -> {
            for (int i = 1; i <= MONITOR_ROUNDS; i++) {
                synchronized (monitor) {
                    held.set(i);
                    awaitState(waiter[0], Thread.State.BLOCKED);
                    busy(50);
                }
                spinUntil(done, i);
            }
        });
        waiter[0] = Thread.ofPlatform().name("mon-waiter").start(() -> {
            for (int i = 1; i <= MONITOR_ROUNDS; i++) {
                spinUntil(held, i);
                synchronized (monitor) {
                    done.set(i);
                }
            }
        });
        holder.start();
        holder.join();
        waiter[0].join();
    }

    private static void waitNotifyRounds() throws InterruptedException {
        Object mailbox = new Object();
        int[] delivered = {0};
        AtomicInteger waiting = new AtomicInteger();
        Thread waiter = Thread.ofPlatform().name("mailbox-waiter").start(() -> {
            for (int i = 1; i <= ROUNDS; i++) {
                synchronized (mailbox) {
                    waiting.set(i);
                    while (delivered[0] < i) {
                        try {
                            mailbox.wait();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            }
        });
        for (int i = 1; i <= ROUNDS; i++) {
            spinUntil(waiting, i);
            busy(10); // the waiter is inside wait() by now: it released the monitor to let main in
            synchronized (mailbox) {
                delivered[0] = i;
                mailbox.notifyAll();
            }
        }
        waiter.join();
    }

    private static void latches() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch waiting = new CountDownLatch(6);
        List<Thread> waiters = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(3, r -> {
            Thread t = Executors.defaultThreadFactory().newThread(r);
            waiters.add(t);
            return t;
        });
        for (int i = 0; i < 3; i++) {
            pool.submit(() -> {
                waiting.countDown();
                go.await();
                return null;
            });
        }
        Thread[] virtuals = new Thread[3];
        for (int i = 0; i < 3; i++) {
            virtuals[i] = Thread.ofVirtual().unstarted(() -> {
                waiting.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            waiters.add(virtuals[i]);
            virtuals[i].start();
        }
        waiting.await();
        for (Thread t : waiters) {
            awaitState(t, Thread.State.WAITING);
        }
        go.countDown();
        for (Thread v : virtuals) {
            v.join();
        }
        pool.shutdown();
        pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static void spinUntil(AtomicInteger value, int atLeast) {
        while (value.get() < atLeast) {
            Thread.onSpinWait();
        }
    }

    private static void awaitState(Thread t, Thread.State state) {
        while (t.getState() != state) {
            Thread.onSpinWait();
        }
    }

    private static void busy(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
