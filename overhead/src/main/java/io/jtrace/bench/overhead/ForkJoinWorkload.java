package io.jtrace.bench.overhead;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

/**
 * CPU work on the common ForkJoinPool: a parallel stream over 1 M numbers and a parallel sort of
 * 256 K ints, in a loop. Few blocking events: tracing should cost about nothing here.
 */
final class ForkJoinWorkload implements Workload {
    @Override
    public void start(Meter meter) {
        Workers.start("forkjoin-driver", 1, () -> {
            SplittableRandom rnd = new SplittableRandom(7);
            int[] data = new int[1 << 18];
            long sink = 0;
            while (true) {
                sink += LongStream.range(0, 1_000_000).parallel().map(QueuePipelineWorkload::mix).filter(v -> (v & 3) == 0).count();
                for (int i = 0; i < data.length; i++) {
                    data[i] = rnd.nextInt();
                }
                Arrays.parallelSort(data);
                sink += data[data.length / 2];
                meter.count(1);
                if (sink == 42) {
                    System.out.print("");
                }
            }
        });
    }
}
