package io.jtrace.agent.it.workloads;

import java.util.concurrent.CountDownLatch;

/**
 * Platform thread "waiter" waits ~50 ms to enter a monitor "holder" holds, and main returns at
 * once after: the JVM reports that block about a second later, so it arrives only if the tracer's
 * stop collects what the JVM's event stream still holds.
 */
public final class MonitorAtExit {
    public static void main(String[] args) throws Exception {
        if (!io.jtrace.Trace.awaitJdkEvents(java.time.Duration.ofSeconds(60))) {
            throw new IllegalStateException("the JDK's events are not recorded");
        }
        Object monitor = new Object();
        CountDownLatch held = new CountDownLatch(1);
        Work.await(new CountDownLatch(0)); // Work loaded here, not by both threads at once
        Thread holder = Thread.ofPlatform().name("holder").start(() -> {
            synchronized (monitor) {
                held.countDown();
                Work.sleep(50);
            }
        });
        Work.await(held);
        Thread waiter = Thread.ofPlatform().name("waiter").start(() -> {
            synchronized (monitor) {
                monitor.hashCode();
            }
        });
        holder.join();
        waiter.join();
    }
}
