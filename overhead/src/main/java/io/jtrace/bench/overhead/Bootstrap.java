package io.jtrace.bench.overhead;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap confidence intervals over rounds. The suite's figures are medians of
 * per-round ratios (one configuration's run ÷ the same round's baseline), and a geomean of those
 * medians over workloads; neither has a usable closed-form interval with ~11 rounds of noise that
 * is not normal (a busy neighbour makes one round's ratio far off), so the rounds are resampled:
 * the interval is the 2.5th…97.5th percentile of the statistic recomputed on resamples drawn with
 * replacement. The random generator is seeded, so the same runs give the same interval.
 */
final class Bootstrap {
    /** Enough that the percentiles move by well under 0.1 % between seeds on the suite's data. */
    static final int RESAMPLES = 10_000;

    private final int resamples;
    private final long seed;

    Bootstrap(int resamples, long seed) {
        if (resamples < 1) {
            throw new IllegalArgumentException("resamples must be positive");
        }
        this.resamples = resamples;
        this.seed = seed;
    }

    /** A two-sided 95 % interval; both NaN where there was nothing to resample. */
    record Interval(double low, double high) {
        static final Interval NONE = new Interval(Double.NaN, Double.NaN);

        boolean contains(double v) {
            return v >= low && v <= high;
        }

        double width() {
            return high - low;
        }
    }

    /** The interval of the median of {@code values} (the per-round ratios of one workload and configuration). */
    Interval medianInterval(double[] values) {
        if (values.length == 0) {
            return Interval.NONE;
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[] stats = new double[resamples];
        double[] sample = new double[values.length];
        for (int b = 0; b < resamples; b++) {
            stats[b] = resampledMedian(values, sample, random);
        }
        return percentiles(stats);
    }

    /**
     * The interval of the geomean over workloads of their median ratios. Each resample draws every
     * workload's rounds independently (with replacement, as many as it has), recomputes each
     * median and then the geomean: the workloads' noise is independent, their number fixed.
     */
    Interval geomeanInterval(List<double[]> perWorkload) {
        List<double[]> present = perWorkload.stream().filter(v -> v.length > 0).toList();
        if (present.isEmpty()) {
            return Interval.NONE;
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[][] samples = present.stream().map(v -> new double[v.length]).toArray(double[][]::new);
        double[] stats = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            double logSum = 0;
            for (int w = 0; w < present.size(); w++) {
                logSum += Math.log(resampledMedian(present.get(w), samples[w], random));
            }
            stats[b] = Math.exp(logSum / present.size());
        }
        return percentiles(stats);
    }

    /** The geomean of the workloads' medians: the point estimate the interval above belongs to. */
    static double geomeanOfMedians(List<double[]> perWorkload) {
        List<double[]> present = perWorkload.stream().filter(v -> v.length > 0).toList();
        if (present.isEmpty()) {
            return Double.NaN;
        }
        return Math.exp(present.stream().mapToDouble(v -> Math.log(median(v))).sum() / present.size());
    }

    private static double resampledMedian(double[] values, double[] sample, SplittableRandom random) {
        for (int i = 0; i < sample.length; i++) {
            sample[i] = values[random.nextInt(values.length)];
        }
        Arrays.sort(sample);
        return medianOfSorted(sample);
    }

    private static Interval percentiles(double[] stats) {
        Arrays.sort(stats);
        return new Interval(quantile(stats, 0.025), quantile(stats, 0.975));
    }

    /** Linear interpolation between the closest ranks (R's type 7), on sorted values. */
    static double quantile(double[] sorted, double p) {
        double pos = p * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        return medianOfSorted(s);
    }

    private static double medianOfSorted(double[] s) {
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
