package io.jtrace.bench.overhead;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A Caffeine loading cache of 20,000 entries under 4 threads reading 200,000 keys with a skewed
 * distribution: mostly hits, a steady stream of misses that load and evict.
 */
final class CaffeineWorkload implements Workload {
    private static final int KEYS = 200_000;

    @Override
    public void start(Meter meter) {
        LoadingCache<Integer, long[]> cache = Caffeine.newBuilder()
                .maximumSize(20_000)
                .build(CaffeineWorkload::load);
        Workers.start("cache-client", 4, () -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            long sink = 0;
            while (true) {
                for (int i = 0; i < 256; i++) {
                    int key = rnd.nextInt(1 + rnd.nextInt(KEYS));
                    sink += cache.get(key)[0];
                }
                meter.count(256);
                if (sink == 42) {
                    System.out.print("");
                }
            }
        });
    }

    private static long[] load(Integer key) {
        long[] v = new long[8];
        long x = key;
        for (int i = 0; i < v.length; i++) {
            x = QueuePipelineWorkload.mix(x + i);
            v[i] = x;
        }
        return v;
    }
}
