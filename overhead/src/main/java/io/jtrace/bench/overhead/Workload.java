package io.jtrace.bench.overhead;

/**
 * A workload that, once started, runs on its own threads until the JVM exits and reports every
 * completed operation to the meter. The harness measures it over a window after a warm-up.
 */
interface Workload {
    void start(Meter meter) throws Exception;
}
