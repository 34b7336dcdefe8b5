package io.jtrace.analysis.latency;

/**
 * A distribution of durations in constant memory: log-linear buckets (32 per power of two, so a
 * percentile is within about 3% of the true value), exact count, sum, min and max, and counts per
 * decade (under 1 µs, 10 µs, …, 10 s, and above) for a printed histogram.
 */
public final class LatencyHistogram {
    private static final int SUB_BITS = 5;
    private static final int SUB = 1 << SUB_BITS;
    /** Upper bounds of the printed buckets, in ns. */
    public static final long[] DECADES = {1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L,
        1_000_000_000L, 10_000_000_000L};

    private final long[] buckets = new long[64 * SUB];
    private final long[] decades = new long[DECADES.length + 1];
    private long count;
    private long sum;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;

    public void record(long nanos) {
        long v = Math.max(0, nanos);
        buckets[index(v)]++;
        int d = 0;
        while (d < DECADES.length && v >= DECADES[d]) {
            d++;
        }
        decades[d]++;
        count++;
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
    }

    private static int index(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int exp = 63 - Long.numberOfLeadingZeros(v); // ≥ SUB_BITS
        int sub = (int) (v >>> (exp - SUB_BITS)) & (SUB - 1);
        return (exp - SUB_BITS + 1) * SUB + sub;
    }

    /** The largest value that falls in bucket {@code i}. */
    private static long upper(int i) {
        if (i < SUB) {
            return i;
        }
        int exp = i / SUB + SUB_BITS - 1;
        long sub = i % SUB;
        long base = (1L << exp) | (sub << (exp - SUB_BITS));
        return base + (1L << (exp - SUB_BITS)) - 1;
    }

    /** The {@code q}-quantile (0 < q ≤ 1): the smallest bucket value at or above that rank, within [min, max]. */
    public long percentile(double q) {
        if (count == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * count));
        long seen = 0;
        for (int i = 0; i < buckets.length; i++) {
            seen += buckets[i];
            if (seen >= rank) {
                return Math.max(min, Math.min(max, upper(i)));
            }
        }
        return max;
    }

    public long count() {
        return count;
    }

    public long sum() {
        return sum;
    }

    public long min() {
        return count == 0 ? 0 : min;
    }

    public long max() {
        return count == 0 ? 0 : max;
    }

    /** Counts per decade: index i counts values below {@code DECADES[i]} (and at or above the one before); the last, the rest. */
    public long[] decadeCounts() {
        return decades.clone();
    }
}
