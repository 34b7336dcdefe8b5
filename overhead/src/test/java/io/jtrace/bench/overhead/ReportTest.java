package io.jtrace.bench.overhead;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/** The suite's arithmetic: ratios to the same round's baseline, medians, intervals, geomean, load; and the options. */
class ReportTest {
    private static final SuiteOptions OPTIONS = SuiteOptions.parse(new String[] {"--rounds", "3", "--workloads", "h2,queues"});
    private static final Config NONE = new Config("none", "", Recording.NONE, false, f -> List.of());
    private static final Config T = new Config("t", "", Recording.NONE, false, f -> List.of());

    private static RunResult run(int round, String workload, String config, double ops, double cpu) {
        return run(round, workload, config, ops, cpu, 0.5);
    }

    private static RunResult run(int round, String workload, String config, double ops, double cpu, double load) {
        return new RunResult(round, workload, config, ops, Double.NaN, cpu, -1, -1, -1, -1, 5, load, load, null, null);
    }

    /** The baseline drifts between rounds; per-round ratios: h2 ops 0.98, 0.99, 0.97, CPU 1.02, 1.01, 1.03; queues 0.96 and 1.05 ×3. */
    private static List<RunResult> results() {
        return List.of(
                run(1, "h2", "none", 1000, 10), run(1, "h2", "t", 980, 10.2),
                run(2, "h2", "none", 2000, 10), run(2, "h2", "t", 1980, 10.1),
                run(3, "h2", "none", 1500, 10), run(3, "h2", "t", 1455, 10.3),
                run(1, "queues", "none", 100, 2), run(1, "queues", "t", 96, 2.1),
                run(2, "queues", "none", 100, 2), run(2, "queues", "t", 96, 2.1),
                run(3, "queues", "none", 100, 2), run(3, "queues", "t", 96, 2.1));
    }

    @Test
    void figuresAreMediansOfPerRoundRatiosWithIntervalsCpuFirst() {
        Report report = new Report(OPTIONS, List.of(NONE, T), List.of(), results(), "", 1);

        Report.Cell h2 = report.cells().stream().filter(c -> c.workload().equals("h2") && c.config().equals("t")).findFirst().orElseThrow();
        assertThat(h2.rounds()).isEqualTo(3);
        assertThat(h2.opsRatio()).isCloseTo(0.98, offset(1e-9));
        assertThat(h2.cpuRatio()).isCloseTo(1.02, offset(1e-9));
        // of 3 rounds each value is the resampled median in over 2.5 % of resamples: the interval is min…max
        assertThat(h2.cpuInterval().low()).isCloseTo(1.01, offset(1e-9));
        assertThat(h2.cpuInterval().high()).isCloseTo(1.03, offset(1e-9));
        assertThat(h2.opsInterval().low()).isCloseTo(0.97, offset(1e-9));

        String md = report.markdown();
        assertThat(md).contains("| workload | config | CPU/op Δ % [95 % CI] | throughput Δ % [95 % CI] | ops/s (median) | p99 Δ % |");
        assertThat(md).contains("| h2 | t | +2.0 [+1.0, +3.0] | -2.0 [-3.0, -1.0] | 1,455 |");
        assertThat(md).contains("| queues | t | +5.0 [+5.0, +5.0] | -4.0 [-4.0, -4.0] | 96 |");
        assertThat(md).contains("| h2 | none | – | – | 1,500 |");
        // geomeans: √(1.02 × 1.05) = 1.0349 → +3.5 %, √(0.98 × 0.96) = 0.9699 → −3.0 %; only queues is over +3 % (its whole CI too)
        assertThat(md).containsPattern("\\| t \\| \\+3\\.5 \\[\\+[0-9.]+, \\+[0-9.]+\\] \\| -3\\.0 \\[-[0-9.]+, -[0-9.]+\\] "
                + "\\| queues \\+5\\.0 \\| 1 of 2 \\(1 with the whole CI above\\) \\|");
        assertThat(md).contains("[+3.0, +4.0]");   // the geomean's interval: h2's 1.01…1.03 with queues' fixed 1.05
    }

    @Test
    void fewerThanThreeRoundsHaveNoInterval() {
        SuiteOptions one = SuiteOptions.parse(new String[] {"--rounds", "1", "--workloads", "h2"});
        Report report = new Report(one, List.of(NONE, T), List.of(), results().subList(0, 2), "", 1);
        assertThat(report.markdown()).contains("| h2 | t | +2.0 | -2.0 | 980 |").contains("| t | +2.0 | -2.0 | h2 +2.0 | 0 of 1 (0 with the whole CI above) |");
    }

    @Test
    void loadIsSummarisedAndABusyMachineIsNamed() {
        String idle = new Report(OPTIONS, List.of(NONE, T), List.of(), results(), "", 1).markdown();
        assertThat(idle).contains("1-minute load average at the runs' starts and ends: min 0.50, median 0.50, max 0.50")
                .doesNotContain("not idle");

        List<RunResult> busy = List.of(run(1, "h2", "none", 1000, 10, 0.2), run(1, "h2", "t", 980, 10.2, 2.5),
                run(2, "h2", "none", 1000, 10, 1.5), run(2, "h2", "t", 980, 10.2, 1.7));
        String md = new Report(OPTIONS, List.of(NONE, T), List.of(), busy, "", 1).markdown();
        assertThat(md).contains("min 0.20, median 1.60, max 2.50").contains("at the first run's start: 0.20")
                .contains("the machine was not idle: the median 1-minute load was 1.60, over 1.0");
    }

    @Test
    void aTraceThatFailsValidationIsAProblemOfTheReport() {
        List<RunResult> runs = List.of(run(1, "h2", "none", 1000, 10),
                new RunResult(1, "h2", "t", 980, Double.NaN, 10.2, 5_000, 0, 114, 40_000, 5, 0.5, 0.5, null, null),
                run(2, "h2", "none", 1000, 10),
                new RunResult(2, "h2", "t", 990, Double.NaN, 10.1, 5_000, 0, 0, 40_000, 5, 0.5, 0.5, null, null));
        String md = new Report(OPTIONS, List.of(NONE, T), List.of(), runs, "", 1).markdown();
        assertThat(md).contains("Problems:").contains("t on h2: the trace failed validation (114 impossible state transitions");
        assertThat(md).doesNotContain("(0 impossible");
        assertThat(runs.get(1).csv()).contains(",5000,0,114,40000,");
    }

    @Test
    void everyRunsLoadsAreInTheCsv() {
        RunResult r = new RunResult(2, "h2", "t", 980, Double.NaN, 10.2, -1, -1, -1, -1, 5, 0.25, 1.75, null, null);
        assertThat(RunResult.csvHeader()).contains(",loadAverage1mStart,loadAverage1mEnd,");
        assertThat(r.csv()).contains(",0.25,1.75,");
    }

    @Test
    void badOptionsSayWhatIsWrong() {
        assertThatThrownBy(() -> SuiteOptions.parse(new String[] {"--workloads", "h2,nope"}))
                .hasMessage("unknown workload 'nope' (known: jetty, h2, queues, forkjoin, vthreads, caffeine)");
        assertThatThrownBy(() -> SuiteOptions.parse(new String[] {"--rounds", "0"}))
                .hasMessage("option --rounds needs a positive integer, not '0'");
        assertThatThrownBy(() -> SuiteOptions.parse(new String[] {"--frobnicate"}))
                .hasMessage("unknown option '--frobnicate' (see --help)");
        assertThatThrownBy(() -> SuiteOptions.parse(new String[] {"--seed", "x"}))
                .hasMessage("option --seed needs an integer, not 'x'");
        SuiteOptions compared = SuiteOptions.parse(new String[] {"--configs", "none,jtrace", "--profile", "--rounds", "3"});
        assertThat(compared.rounds()).isEqualTo(3);
        assertThat(compared.configs()).containsExactly("none", "jtrace");
        assertThat(SuiteOptions.parse(new String[] {"--profile"}).rounds()).as("a profile runs once by default").isEqualTo(1);
        assertThat(SuiteOptions.parse(new String[] {"--quick"}).rounds()).isEqualTo(1);
        SuiteOptions defaults = SuiteOptions.parse(new String[0]);
        assertThat(defaults.out()).isEqualTo(Path.of("bench/target/overhead"));
        assertThat(defaults.rounds()).isEqualTo(11);
        assertThat(defaults.profile()).isFalse();
        SuiteOptions profile = SuiteOptions.parse(new String[] {"--profile", "--workloads", "queues", "--warmup", "0.5", "--measure", "1"});
        assertThat(profile.profile()).isTrue();
        assertThat(profile.workloads()).containsExactly("queues");
        assertThat(profile.measureMs()).isEqualTo(1000);
        assertThat(profile.window()).isFalse();
        assertThat(SuiteOptions.parse(new String[] {"--profile", "--window"}).window()).isTrue();
        assertThatThrownBy(() -> SuiteOptions.parse(new String[] {"--window"}))
                .hasMessage("option --window applies to --profile only");
        assertThat(SuiteOptions.USAGE).contains("--profile").contains("--window").contains("11 rounds");
    }
}
