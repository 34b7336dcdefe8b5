package io.jtrace.agent.it.workloads;

import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/** N virtual threads (default 10,000), each sleeping twice and taking a contended lock. */
public final class ManyVirtualThreads {
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        ReentrantLock lock = new ReentrantLock();
        AtomicLong sum = new AtomicLong();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                int id = i;
                executor.submit(() -> {
                    Work.sleep(1);
                    lock.lock();
                    try {
                        sum.addAndGet(id);
                        Work.sleep(0);
                    } finally {
                        lock.unlock();
                    }
                    Work.sleep(1);
                });
            }
        }
        System.out.println("sum " + sum.get());
    }
}
