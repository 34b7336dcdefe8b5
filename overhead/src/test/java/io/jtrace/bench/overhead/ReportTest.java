package io.jtrace.bench.overhead;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The suite's arithmetic: ratios to the same round's baseline, medians, spread, geomean. */
class ReportTest {
    private static final SuiteOptions OPTIONS = SuiteOptions.parse(new String[] {"--rounds", "3", "--workloads", "h2,queues"});

    private static RunResult run(int round, String workload, String config, double ops, double cpu) {
        return new RunResult(round, workload, config, ops, Double.NaN, cpu, -1, -1, -1, 5, 1, null, null);
    }

    @Test
    void overheadIsTheMedianOfPerRoundRatiosAndGeomeanSpansWorkloads() {
        Config none = new Config("none", "", Recording.NONE, false, f -> List.of());
        Config t = new Config("t", "", Recording.NONE, false, f -> List.of());
        // the baseline drifts between rounds; per-round ratios are 0.98, 0.99, 0.97 on h2 and 0.96 ×3 on queues
        List<RunResult> results = List.of(
                run(1, "h2", "none", 1000, 10), run(1, "h2", "t", 980, 10.2),
                run(2, "h2", "none", 2000, 10), run(2, "h2", "t", 1980, 10.1),
                run(3, "h2", "none", 1500, 10), run(3, "h2", "t", 1455, 10.3),
                run(1, "queues", "none", 100, 2), run(1, "queues", "t", 96, 2.1),
                run(2, "queues", "none", 100, 2), run(2, "queues", "t", 96, 2.1),
                run(3, "queues", "none", 100, 2), run(3, "queues", "t", 96, 2.1));
        Report report = new Report(OPTIONS, List.of(none, t), List.of(), results, "", 1);

        Report.Cell h2 = report.cells().stream().filter(c -> c.workload().equals("h2") && c.config().equals("t")).findFirst().orElseThrow();
        assertThat(h2.overheadPercent()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(h2.minRatio()).isCloseTo(0.97, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(h2.maxRatio()).isCloseTo(0.99, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(h2.cpuRatio()).isCloseTo(1.02, org.assertj.core.data.Offset.offset(1e-9));
        // geomean of 0.98 and 0.96 = 0.969948 → +3.01 %
        assertThat(report.markdown()).contains("| t | +3.01 | queues +4.0 | 1 of 2 |");
    }

    @Test
    void badOptionsSayWhatIsWrong() {
        assertThatThrownBy(() -> SuiteOptions.parse(new String[] {"--workloads", "h2,nope"}))
                .hasMessage("unknown workload 'nope' (known: jetty, h2, queues, forkjoin, vthreads, caffeine)");
        assertThatThrownBy(() -> SuiteOptions.parse(new String[] {"--rounds", "0"}))
                .hasMessage("option --rounds needs a positive integer, not '0'");
        assertThatThrownBy(() -> SuiteOptions.parse(new String[] {"--frobnicate"}))
                .hasMessage("unknown option '--frobnicate' (see --help)");
        assertThat(SuiteOptions.parse(new String[] {"--quick"}).rounds()).isEqualTo(1);
        assertThat(SuiteOptions.parse(new String[0]).out()).isEqualTo(Path.of("bench/target/overhead"));
    }
}
