package io.jtrace.agent.it.workloads;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * 64 virtual threads on few carriers, each blocking again and again at one of 60 call depths
 * (a timed Object.wait, then a park): every generation (the test runs them 10 ms long) their
 * stacks are new to the tracer's tables, so the threads contend for the tables' locks while
 * they write their block events.
 */
public final class ManyNewStacks {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            int id = i;
            threads.add(Thread.ofVirtual().name("deep-" + i).start(() -> {
                Object monitor = new Object();
                for (int k = 0; k < rounds; k++) {
                    blockAtDepth((id * 7 + k) % 60, monitor);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        System.out.println("done");
    }

    private static void blockAtDepth(int depth, Object monitor) {
        if (depth > 0) {
            blockAtDepth(depth - 1, monitor);
            return;
        }
        synchronized (monitor) {
            try {
                monitor.wait(1);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        LockSupport.parkNanos(1_000);
    }
}
