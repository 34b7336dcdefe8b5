package io.jtrace.agent.it.workloads;

import java.util.concurrent.CountDownLatch;

/**
 * {@code synchronized} contention: "holder" keeps a monitor for 50 ms while "waiter" tries to
 * enter it (platform or virtual threads, per the first argument); then a virtual thread
 * "vwaiting" waits in Object.wait until main notifies it; then a System.gc(), and 1.5 s for the
 * JVM's event stream to deliver.
 */
public final class Monitors {
    public static void main(String[] args) throws Exception {
        if (!io.jtrace.Trace.awaitJdkEvents(java.time.Duration.ofSeconds(60))) { // they start a moment after the JVM
            throw new IllegalStateException("the JDK's events are not recorded");
        }
        boolean virtual = args.length > 0 && args[0].equals("virtual");
        Thread.Builder builder = virtual ? Thread.ofVirtual() : Thread.ofPlatform();
        Object monitor = new Object();
        CountDownLatch held = new CountDownLatch(1);
        // load and initialize Work here: else both threads may load it at once, and the class
        // loader's lock contention is a monitor block of "waiter" too (the JVM reports it)
        Work.await(new CountDownLatch(0));
        Thread holder = builder.name("holder").start(() -> {
            synchronized (monitor) {
                held.countDown();
                Work.sleep(50);
            }
        });
        Thread waiter = builder.name("waiter").start(() -> {
            Work.await(held);
            synchronized (monitor) {
                System.out.println("waiter entered");
            }
        });
        holder.join();
        waiter.join();

        Object mailbox = new Object();
        boolean[] delivered = {false};
        Thread waiting = Thread.ofVirtual().name("vwaiting").start(() -> {
            synchronized (mailbox) {
                while (!delivered[0]) {
                    try {
                        mailbox.wait();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        });
        Work.sleep(30);
        synchronized (mailbox) {
            delivered[0] = true;
            mailbox.notifyAll();
        }
        waiting.join();
        System.gc();
        // the JVM reports monitor waits and GC pauses through its event stream about once a
        // second; what it has not delivered when the JVM exits can be lost (see README)
        Work.sleep(1500);
        System.out.println("done");
    }
}
