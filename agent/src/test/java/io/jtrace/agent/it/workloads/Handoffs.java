package io.jtrace.agent.it.workloads;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;

/**
 * The other ways a thread waits for another: a BlockingQueue handoff ("consumer" takes what
 * "producer" puts 30 ms later), a CompletableFuture ("getter" waits, "completer" completes),
 * Object.wait/notify ("notified" waits, main notifies), Thread.sleep ("sleeper"), Thread.join
 * (main joins "sleeper") and Thread.interrupt (main wakes "dozer" out of a long sleep).
 */
public final class Handoffs {
    public static void main(String[] args) throws Exception {
        if (!io.jtrace.Trace.awaitJdkEvents(java.time.Duration.ofSeconds(60))) { // they start a moment after the JVM
            throw new IllegalStateException("the JDK's events are not recorded");
        }
        BlockingQueue<String> queue = new ArrayBlockingQueue<>(1);
        Thread consumer = Thread.ofPlatform().name("consumer").start(() -> {
            try {
                System.out.println("took " + queue.take());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread producer = Thread.ofPlatform().name("producer").start(() -> {
            Work.untilWaiting(consumer, 30);
            try {
                queue.put("order-1");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        consumer.join();
        producer.join();

        CompletableFuture<String> future = new CompletableFuture<>();
        Thread getter = Thread.ofPlatform().name("getter").start(() -> System.out.println("got " + future.join()));
        Thread completer = Thread.ofPlatform().name("completer").start(() -> {
            Work.untilWaiting(getter, 30);
            future.complete("result");
        });
        getter.join();
        completer.join();

        Object monitor = new Object();
        boolean[] ready = {false};
        Thread notified = Thread.ofPlatform().name("notified").start(() -> {
            synchronized (monitor) {
                while (!ready[0]) {
                    try {
                        monitor.wait();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            System.out.println("notified");
        });
        Work.untilWaiting(notified, 30);
        synchronized (monitor) {
            ready[0] = true;
            monitor.notifyAll();
        }
        notified.join();

        Thread sleeper = Thread.ofPlatform().name("sleeper").start(() -> Work.sleep(40));
        sleeper.join();

        Thread dozer = Thread.ofPlatform().name("dozer").start(() -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException expected) {
                System.out.println("dozer interrupted");
            }
        });
        Work.untilWaiting(dozer, 30);
        dozer.interrupt();
        dozer.join();
        Work.sleep(1500); // for the JVM's event stream to deliver who notified (see Monitors)
        System.out.println("done");
    }
}
