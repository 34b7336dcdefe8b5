package io.jtrace.bench.overhead;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts a workload's completed operations and, for requests, their latencies. The window swaps
 * the histogram so that warm-up latencies never reach the measured one.
 */
final class Meter {
    private final LongAdder done = new LongAdder();
    private volatile LatencyHistogram latencies = new LatencyHistogram();

    void count(long ops) {
        done.add(ops);
    }

    /** One request that started at {@code startNanos} (System.nanoTime) and has just finished. */
    void request(long startNanos) {
        long now = System.nanoTime();
        done.increment();
        latencies.record(now - startNanos);
    }

    /**
     * Waits out one window of the running workload and returns what it did in it, with the CPU
     * time this JVM used meanwhile (all its threads, the tracer's included).
     */
    Window measure(long nanos) throws InterruptedException {
        LatencyHistogram h = new LatencyHistogram();
        latencies = h;
        long cpu0 = processCpuNanos();
        long ops0 = done.sum();
        long t0 = System.nanoTime();
        long end = t0 + nanos;
        for (long left; (left = end - System.nanoTime()) > 0; ) {
            Thread.sleep(Math.max(1, left / 1_000_000));
        }
        long ops = done.sum() - ops0;
        long elapsed = System.nanoTime() - t0;
        long cpu = processCpuNanos() - cpu0;
        return new Window(ops, elapsed, h.count() == 0 ? -1 : h.quantile(0.99), cpu);
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** {@code cpuNanos} is -1 where another JVM's CPU is what counts (the Jetty server's, measured by the suite). */
    record Window(long ops, long nanos, long p99Nanos, long cpuNanos) {
        double opsPerSecond() {
            return ops * 1e9 / nanos;
        }

        /** The line the suite parses: one per run, on stdout. */
        String resultLine(String workload) {
            return String.format(java.util.Locale.ROOT, "%s workload=%s ops=%d seconds=%.3f opsPerSec=%.1f p99Micros=%s cpuMicrosPerOp=%s",
                    RESULT_PREFIX, workload, ops, nanos / 1e9, opsPerSecond(),
                    p99Nanos < 0 ? "-" : String.format(java.util.Locale.ROOT, "%.1f", p99Nanos / 1e3),
                    cpuNanos < 0 || ops == 0 ? "-" : String.format(java.util.Locale.ROOT, "%.4f", cpuNanos / 1e3 / ops));
        }
    }

    static final String RESULT_PREFIX = "OVERHEAD-RESULT";
    /** Printed by the Jetty load generator around its measured window, so the suite can read the server's CPU time. */
    static final String WINDOW_START = "OVERHEAD-WINDOW-START";
    static final String WINDOW_END = "OVERHEAD-WINDOW-END";
}
