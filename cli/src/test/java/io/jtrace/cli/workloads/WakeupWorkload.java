package io.jtrace.cli.workloads;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wake-ups with known answers, {@link #ROUNDS} rounds each (hand-offs between the two sides spin on
 * volatile counters, so they add no wake-ups of their own):
 * <ul>
 *   <li>"lock-holder" holds a ReentrantLock for 50 ms (a Thread.sleep: one timer wake-up) while
 *       "lock-waiter" waits for it: one wake-up lock-holder → lock-waiter per round;</li>
 *   <li>platform "mon-holder" holds a monitor for 50 ms while platform "mon-waiter" waits to enter
 *       it: the JVM reports the hand-over later, previous owner → waiter;</li>
 *   <li>platform "mailbox-waiter" waits in Object.wait until "main" notifies it;</li>
 *   <li>3 threads of a fixed pool and 3 unnamed virtual threads wait on latches main counts down.</li>
 * </ul>
 * Then 1.5 s for the JVM's event stream to deliver.
 */
public final class WakeupWorkload {
    public static final int ROUNDS = 5;
    public static final int MONITOR_ROUNDS = 3;

    public static void main(String[] args) throws Exception {
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
        Thread holder = Thread.ofPlatform().name("lock-holder").start(() -> {
            for (int i = 1; i <= ROUNDS; i++) {
                lock.lock();
                try {
                    held.set(i);
                    sleep(50);
                } finally {
                    lock.unlock();
                }
                spinUntil(done, i);
            }
        });
        Thread waiter = Thread.ofPlatform().name("lock-waiter").start(() -> {
            for (int i = 1; i <= ROUNDS; i++) {
                spinUntil(held, i);
                sleep(5); // long enough to be certain the holder still has it: it keeps it 50 ms
                lock.lock();
                lock.unlock();
                done.set(i);
            }
        });
        holder.join();
        waiter.join();
    }

    private static void monitorRounds() throws InterruptedException {
        Object monitor = new Object();
        AtomicInteger held = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        Thread holder = Thread.ofPlatform().name("mon-holder").start(() -> {
            for (int i = 1; i <= MONITOR_ROUNDS; i++) {
                synchronized (monitor) {
                    held.set(i);
                    busy(50);
                }
                spinUntil(done, i);
            }
        });
        Thread waiter = Thread.ofPlatform().name("mon-waiter").start(() -> {
            for (int i = 1; i <= MONITOR_ROUNDS; i++) {
                spinUntil(held, i);
                synchronized (monitor) {
                    done.set(i);
                }
            }
        });
        holder.join();
        waiter.join();
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
        ExecutorService pool = Executors.newFixedThreadPool(3);
        for (int i = 0; i < 3; i++) {
            pool.submit(() -> {
                waiting.countDown();
                go.await();
                return null;
            });
        }
        Thread[] virtuals = new Thread[3];
        for (int i = 0; i < 3; i++) {
            virtuals[i] = Thread.startVirtualThread(() -> {
                waiting.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        waiting.await();
        Thread.sleep(50);
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
