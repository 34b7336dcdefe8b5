package io.jtrace.analysis.latency;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LatencyHistogramTest {
    @Test
    void percentilesAreWithinThreePercentAndExtremesExact() {
        LatencyHistogram h = new LatencyHistogram();
        for (long ms = 1000; ms >= 1; ms--) {
            h.record(ms * 1_000_000L + 123);
        }
        assertThat(h.count()).isEqualTo(1000);
        assertThat(h.min()).isEqualTo(1_000_123L);
        assertThat(h.max()).isEqualTo(1_000_000_123L);
        assertThat((double) h.percentile(0.5)).isCloseTo(500e6, within(500e6 * 0.03));
        assertThat((double) h.percentile(0.9)).isCloseTo(900e6, within(900e6 * 0.03));
        assertThat((double) h.percentile(0.99)).isCloseTo(990e6, within(990e6 * 0.03));
        assertThat(h.percentile(1.0)).isEqualTo(h.max());
        // decades: 1-9 ms, 10-99 ms, 100-999 ms, 1000 ms
        assertThat(h.decadeCounts()).containsExactly(0, 0, 0, 0, 9, 90, 900, 1, 0);
    }

    @Test
    void smallValuesAreExact() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(0);
        h.record(7);
        h.record(31);
        assertThat(h.percentile(0.34)).isEqualTo(7);
        assertThat(h.percentile(1)).isEqualTo(31);
        assertThat(h.percentile(0.01)).isEqualTo(0);
    }
}
