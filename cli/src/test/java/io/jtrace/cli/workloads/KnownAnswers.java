package io.jtrace.cli.workloads;

import io.jtrace.Region;
import io.jtrace.Task;
import io.jtrace.Trace;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A program with known answers, recorded by the analysis tests with the agent. One scenario after
 * the other, each on threads named after it:
 * <ul>
 *   <li>"sleeper" sleeps 200 ms;</li>
 *   <li>"spinner" computes for 200 ms from its first instruction (no traced call), then sleeps 10 ms;</li>
 *   <li>"lock-holder" holds a ReentrantLock 50 ms while "lock-waiter" waits for it;</li>
 *   <li>"monitor-holder" holds a monitor 50 ms while "monitor-waiter" waits to enter it (known only
 *       from the JVM's late events);</li>
 *   <li>"notified" waits in Object.wait until main notifies it 30 ms later;</li>
 *   <li>"region-thread" parks 30 ms inside region "await-reply";</li>
 *   <li>task "order" runs region "stage1" on "stage-1" (sleeps 40 ms), then region "stage2" on
 *       "stage-2" (sleeps 60 ms), which ends it;</li>
 *   <li>"socket-reader" reads from a loopback server that answers after 40 ms;</li>
 *   <li>20 virtual threads, each in region "runner", wait on one latch and then run 10 ms each:
 *       with one carrier, each waits for the others to run (scheduler latency), made runnable
 *       by the thread before it (the latch wakes its waiters one after the other).</li>
 * </ul>
 * then waits 1.5 s for the JVM's event stream to deliver.
 */
public final class KnownAnswers {
    public static void main(String[] args) throws Exception {
        if (!io.jtrace.Trace.awaitJdkEvents(java.time.Duration.ofSeconds(60))) { // they start a moment after the JVM
            throw new IllegalStateException("the JDK's events are not recorded");
        }
        Thread sleeper = Thread.ofPlatform().name("sleeper").start(() -> sleep(200));
        sleeper.join();
        Thread spinner = Thread.ofPlatform().name("spinner").start(() -> {
            spin(200);
            sleep(10);
        });
        spinner.join();

        ReentrantLock lock = new ReentrantLock();
        CountDownLatch locked = new CountDownLatch(1);
        Thread lockHolder = Thread.ofPlatform().name("lock-holder").start(() -> {
            lock.lock();
            try {
                locked.countDown();
                while (!lock.hasQueuedThreads()) {
                    Thread.onSpinWait(); // the 50 ms begin once the waiter waits
                }
                sleep(50);
            } finally {
                lock.unlock();
            }
        });
        Thread lockWaiter = Thread.ofPlatform().name("lock-waiter").start(() -> {
            await(locked);
            lock.lock();
            lock.unlock();
        });
        lockHolder.join();
        lockWaiter.join();

        Object monitor = new Object();
        CountDownLatch entered = new CountDownLatch(1);
        Thread monitorWaiter = Thread.ofPlatform().name("monitor-waiter").unstarted(() -> {
            await(entered);
            synchronized (monitor) {
                monitor.hashCode();
            }
        });
        Thread monitorHolder = Thread.ofPlatform().name("monitor-holder").start(() -> {
            synchronized (monitor) {
                entered.countDown();
                while (monitorWaiter.getState() != Thread.State.BLOCKED) {
                    Thread.onSpinWait(); // the 50 ms begin once the waiter waits
                }
                spin(50);
            }
        });
        monitorWaiter.start();
        monitorHolder.join();
        monitorWaiter.join();

        Object mailbox = new Object();
        boolean[] delivered = {false};
        CountDownLatch waiting = new CountDownLatch(1);
        Thread notified = Thread.ofPlatform().name("notified").start(() -> {
            synchronized (mailbox) {
                waiting.countDown();
                while (!delivered[0]) {
                    try {
                        mailbox.wait();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        });
        await(waiting);
        while (notified.getState() != Thread.State.WAITING) {
            Thread.onSpinWait(); // in wait() now: the 30 ms below are all inside its wait, however late it got there
        }
        sleep(30);
        synchronized (mailbox) {
            delivered[0] = true;
            mailbox.notifyAll();
        }
        notified.join();

        Thread regionThread = Thread.ofPlatform().name("region-thread").start(() -> {
            try (Region r = Trace.region("await-reply")) {
                LockSupport.parkNanos(30_000_000L);
            }
        });
        regionThread.join();

        Task order = Trace.newTask("order");
        Thread stage1 = Thread.ofPlatform().name("stage-1").start(() -> {
            try (Region r = order.region("stage1")) {
                sleep(40);
            }
        });
        stage1.join();
        Thread stage2 = Thread.ofPlatform().name("stage-2").start(() -> {
            try (Region r = order.region("stage2")) {
                sleep(60);
            }
            order.end();
        });
        stage2.join();

        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread answerer = Thread.ofPlatform().name("answerer").start(() -> {
                try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                    sleep(40);
                    out.write(42);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Thread reader = Thread.ofPlatform().name("socket-reader").start(() -> {
                try (Socket s = new Socket(server.getInetAddress(), server.getLocalPort()); InputStream in = s.getInputStream()) {
                    if (in.read() != 42) {
                        throw new IllegalStateException("wrong answer");
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            reader.join();
            answerer.join();
        }

        CountDownLatch go = new CountDownLatch(1);
        List<Thread> runners = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            runners.add(Thread.ofVirtual().name("runner-" + i).start(() -> {
                try (Region r = Trace.region("runner")) {
                    await(go);
                    spin(10);
                }
            }));
        }
        while (runners.stream().anyMatch(t -> t.getState() != Thread.State.WAITING)) {
            sleep(5); // until every runner is parked on the latch
        }
        go.countDown();
        for (Thread t : runners) {
            t.join();
        }

        sleep(1500); // for the JVM's event stream to deliver the monitor wait and the notifier
        System.out.println("done");
    }

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

    /** Runs (does not block) for about this long. */
    static void spin(long millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        long x = 0;
        while (System.nanoTime() < end) {
            x += System.identityHashCode(x);
        }
        if (x == 42) {
            System.out.println();
        }
    }
}
