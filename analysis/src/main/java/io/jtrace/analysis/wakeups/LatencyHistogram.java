package io.jtrace.analysis.wakeups;

/**
 * Durations in nanoseconds, counted in log-linear buckets: exact below 32 ns, then 32 buckets per
 * power of two, so a percentile is within about 3% of the true value while the memory stays a few
 * hundred bytes whatever the count. Count, total and maximum are exact.
 */
public final class LatencyHistogram {
    private static final int SUB_BITS = 5;
    private static final int SUB = 1 << SUB_BITS;

    /** rows[0]: values 0..31; rows[k], k ≥ 1: values with highest bit SUB_BITS + k - 1. */
    private final long[][] rows = new long[64 - SUB_BITS + 1][];
    private long count;
    private long total;
    private long max;

    public void record(long nanos) {
        long v = Math.max(0, nanos);
        int row;
        int sub;
        if (v < SUB) {
            row = 0;
            sub = (int) v;
        } else {
            int high = 63 - Long.numberOfLeadingZeros(v);
            row = high - SUB_BITS + 1;
            sub = (int) ((v >>> (high - SUB_BITS)) & (SUB - 1));
        }
        long[] r = rows[row];
        if (r == null) {
            r = rows[row] = new long[SUB];
        }
        r[sub]++;
        count++;
        total += v;
        max = Math.max(max, v);
    }

    public long count() {
        return count;
    }

    public long total() {
        return total;
    }

    public long max() {
        return max;
    }

    /**
     * The value below which a fraction {@code q} (0 < q ≤ 1) of the recorded durations lie: the
     * middle of the bucket holding that rank, never above the maximum; 0 when empty.
     */
    public long percentile(double q) {
        if (count == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * count));
        long seen = 0;
        for (int row = 0; row < rows.length; row++) {
            long[] r = rows[row];
            if (r == null) {
                continue;
            }
            for (int sub = 0; sub < SUB; sub++) {
                seen += r[sub];
                if (seen >= rank) {
                    return Math.min(max, middle(row, sub));
                }
            }
        }
        return max;
    }

    private static long middle(int row, int sub) {
        if (row == 0) {
            return sub;
        }
        int shift = row - 1; // bucket width is 2^shift
        long low = ((long) (SUB + sub)) << shift;
        return low + ((1L << shift) >>> 1);
    }
}
