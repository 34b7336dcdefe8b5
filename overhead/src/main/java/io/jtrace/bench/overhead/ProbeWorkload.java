package io.jtrace.bench.overhead;

import java.util.concurrent.SynchronousQueue;

/** The suite's start-up check of a configuration: two threads hand items over, so a tracer sees blocks. */
final class ProbeWorkload implements Workload {
    @Override
    public void start(Meter meter) {
        SynchronousQueue<Integer> q = new SynchronousQueue<>();
        Workers.start("probe-producer", 1, () -> {
            while (true) {
                q.put(1);
                Thread.sleep(1);
            }
        });
        Workers.start("probe-consumer", 1, () -> {
            while (true) {
                meter.count(q.take());
            }
        });
    }
}
