package io.jtrace.agent.it.workloads;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

/** Concurrent work with a deterministic result printed to stdout and exit code 3. */
public final class Deterministic {
    public static void main(String[] args) throws Exception {
        var results = new ConcurrentHashMap<Integer, Long>();
        var queue = new LinkedBlockingQueue<Integer>();
        try (var executor = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 200; i++) {
                int n = i;
                executor.submit(() -> {
                    long f = 1;
                    for (int k = 1; k <= n % 20; k++) {
                        f *= k;
                    }
                    results.put(n, f);
                    queue.add(n);
                });
            }
        }
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 100; i++) {
                executor.submit(() -> queue.take());
            }
        }
        long sum = results.values().stream().mapToLong(Long::longValue).sum();
        System.out.println("results " + results.size() + " sum " + sum + " left " + queue.size());
        System.exit(3);
    }
}
