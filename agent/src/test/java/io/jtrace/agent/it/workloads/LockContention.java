package io.jtrace.agent.it.workloads;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;

/** "holder" holds a ReentrantLock for 50 ms while "waiter" tries to take it. */
public final class LockContention {
    public static void main(String[] args) throws Exception {
        ReentrantLock lock = new ReentrantLock();
        CountDownLatch held = new CountDownLatch(1);
        boolean virtual = args.length > 0 && args[0].equals("virtual");
        Thread.Builder builder = virtual ? Thread.ofVirtual() : Thread.ofPlatform();
        Thread holder = builder.name("holder").start(() -> {
            lock.lock();
            try {
                held.countDown();
                Work.sleep(50);
            } finally {
                lock.unlock();
            }
        });
        Thread waiter = builder.name("waiter").start(() -> {
            Work.await(held);
            lock.lock();
            try {
                System.out.println("waiter got the lock");
            } finally {
                lock.unlock();
            }
        });
        holder.join();
        waiter.join();
    }
}
