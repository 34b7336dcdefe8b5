package io.jtrace.cli.workloads;

import java.util.concurrent.Executors;

/** {@code N} virtual threads (default 50,000), each sleeping 1 ms: a trace whose analyses hold one entry per thread. */
public final class ManyThreads {
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                executor.submit(() -> KnownAnswers.sleep(1));
            }
        }
    }
}
