package io.jtrace.bench.overhead;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies in log-linear buckets (16 per power of two, so a percentile is within about 6 %),
 * striped by thread so that many threads can record without fighting over one cache line.
 */
final class LatencyHistogram {
    private static final int SUB_BITS = 4;
    private static final int SUB = 1 << SUB_BITS;
    private static final int BUCKETS = 64 * SUB;
    private static final int STRIPES = 16;

    private final AtomicLongArray[] stripes = new AtomicLongArray[STRIPES];

    LatencyHistogram() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new AtomicLongArray(BUCKETS);
        }
    }

    void record(long nanos) {
        long v = Math.max(0, nanos);
        int stripe = (int) (Thread.currentThread().threadId() & (STRIPES - 1));
        stripes[stripe].incrementAndGet(bucket(v));
    }

    static int bucket(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int exp = 63 - Long.numberOfLeadingZeros(v);
        int mantissa = (int) (v >>> (exp - SUB_BITS)) & (SUB - 1);
        return (exp - SUB_BITS + 1) * SUB + mantissa;
    }

    /** The middle of the bucket's value range. */
    static long valueOf(int bucket) {
        if (bucket < SUB) {
            return bucket;
        }
        int exp = bucket / SUB + SUB_BITS - 1;
        long mantissa = bucket % SUB;
        long low = (SUB + mantissa) << (exp - SUB_BITS);
        long width = 1L << (exp - SUB_BITS);
        return low + width / 2;
    }

    long count() {
        long n = 0;
        for (AtomicLongArray s : stripes) {
            for (int i = 0; i < BUCKETS; i++) {
                n += s.get(i);
            }
        }
        return n;
    }

    /** The latency at quantile q (0..1), in nanoseconds; -1 without samples. */
    long quantile(double q) {
        long[] merged = new long[BUCKETS];
        long n = 0;
        for (AtomicLongArray s : stripes) {
            for (int i = 0; i < BUCKETS; i++) {
                merged[i] += s.get(i);
                n += s.get(i);
            }
        }
        if (n == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(q * n);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += merged[i];
            if (seen >= rank) {
                return valueOf(i);
            }
        }
        return valueOf(BUCKETS - 1);
    }
}
