package io.jtrace.bench.overhead;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A pipeline of platform threads over small BlockingQueues: 2 producers, two stages of 2
 * threads, 1 consumer. The queues are short, so threads park and unpark all the time, on
 * both the full and the empty side.
 */
final class QueuePipelineWorkload implements Workload {
    private record Item(long id, long value) {}

    @Override
    public void start(Meter meter) {
        BlockingQueue<Item> q1 = new ArrayBlockingQueue<>(16);
        BlockingQueue<Item> q2 = new LinkedBlockingQueue<>(16);
        BlockingQueue<Item> q3 = new ArrayBlockingQueue<>(16);
        Workers.start("producer", 2, () -> {
            long id = 0;
            while (true) {
                q1.put(new Item(id, id * 31));
                id++;
            }
        });
        Workers.start("stage-a", 2, () -> {
            while (true) {
                Item it = q1.take();
                q2.put(new Item(it.id(), mix(it.value())));
            }
        });
        Workers.start("stage-b", 2, () -> {
            while (true) {
                Item it = q2.take();
                q3.put(new Item(it.id(), mix(it.value())));
            }
        });
        Workers.start("consumer", 1, () -> {
            long sum = 0;
            int batch = 0;
            while (true) {
                sum += q3.take().value();
                if (++batch == 64) {
                    meter.count(batch);
                    batch = 0;
                }
                if (sum == 42) {
                    System.out.print("");
                }
            }
        });
    }

    /** A little work per item: a few rounds of a 64-bit mixer. */
    static long mix(long v) {
        long x = v;
        for (int i = 0; i < 8; i++) {
            x ^= x >>> 33;
            x *= 0xff51afd7ed558ccdL;
            x ^= x >>> 29;
        }
        return x;
    }
}
