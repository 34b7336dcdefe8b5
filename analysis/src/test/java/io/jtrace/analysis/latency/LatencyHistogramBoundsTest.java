package io.jtrace.analysis.latency;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LatencyHistogramBoundsTest {
    @Test
    void smallValuesAreExact() {
        LatencyHistogram h = new LatencyHistogram();
        for (long v = 1; v <= 10; v++) {
            h.record(v);
        }
        assertThat(h.percentile(0.5)).isEqualTo(5);
        assertThat(h.percentile(0.99)).isEqualTo(10);
        assertThat(h.percentile(1.0)).isEqualTo(10);
        assertThat(h.count()).isEqualTo(10);
        assertThat(h.sum()).isEqualTo(55);
        assertThat(h.max()).isEqualTo(10);
    }

    @Test
    void percentilesOfAWideRangeAreWithinThreePercent() {
        LatencyHistogram h = new LatencyHistogram();
        // 1 µs .. 100 ms, 100,000 values spread evenly: the q-quantile is q × 100 ms
        for (long i = 1; i <= 100_000; i++) {
            h.record(i * 1_000);
        }
        assertThat((double) h.percentile(0.5)).isCloseTo(50_000_000, within(0.03 * 50_000_000));
        assertThat((double) h.percentile(0.99)).isCloseTo(99_000_000, within(0.03 * 99_000_000));
        assertThat((double) h.percentile(0.001)).isCloseTo(100_000, within(0.03 * 100_000));
        assertThat(h.max()).isEqualTo(100_000_000);
        assertThat(h.sum()).isEqualTo(1_000L * 100_000 * 100_001 / 2);
    }

    @Test
    void aPercentileIsNeverAboveTheMaximum() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(1_000_001); // its bucket's middle lies above it
        assertThat(h.percentile(0.5)).isLessThanOrEqualTo(1_000_001).isGreaterThan(970_000);
    }

    @Test
    void emptyIsZero() {
        assertThat(new LatencyHistogram().percentile(0.99)).isZero();
    }
}
