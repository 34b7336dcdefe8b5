package io.jtrace.bench.overhead;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The suite in its smallest form, for real: child JVMs run the queue pipeline without tracing and
 * with the jtrace agent, and the suite writes its table. The numbers are not checked (speed is
 * never asserted in a test); their presence and the recorded trace are.
 */
class OverheadSuiteTest {

    @Test
    void smallestSuiteWritesTableAndReadsTheTrace(@TempDir Path out) throws Exception {
        SuiteOptions options = SuiteOptions.parse(new String[] {"--rounds", "1", "--warmup", "0.3", "--measure", "0.7",
                "--workloads", "queues", "--configs", "jtrace", "--out", out.toString()});

        int status = OverheadSuite.run(options, new String[0]);

        assertThat(status).as("every run succeeded (see %s)", out.resolve("runs.log")).isZero();
        List<String> csv = Files.readAllLines(out.resolve("runs.csv"));
        assertThat(csv.getFirst()).isEqualTo(RunResult.csvHeader());
        assertThat(csv).hasSize(3);
        String[] none = row(csv, "none");
        String[] jtrace = row(csv, "jtrace");
        assertThat(Double.parseDouble(none[3])).as("baseline ops/s").isPositive();
        assertThat(Double.parseDouble(jtrace[3])).as("jtrace ops/s").isPositive();
        assertThat(Double.parseDouble(jtrace[5])).as("CPU µs per op").isPositive();
        assertThat(Long.parseLong(jtrace[6])).as("events read back from the trace").isGreaterThan(1000);
        assertThat(Long.parseLong(jtrace[7])).as("lost events").isZero();
        assertThat(Long.parseLong(jtrace[8])).as("validation errors in the trace").isZero();
        assertThat(Long.parseLong(jtrace[9])).as("trace bytes").isGreaterThan(Long.parseLong(jtrace[6]));
        assertThat(none[6]).as("no recording without tracing").isEqualTo("-1");
        assertThat(none[8]).as("nothing validated without tracing").isEqualTo("-1");

        assertThat(Double.parseDouble(jtrace[11])).as("load at the start").isNotNegative();
        assertThat(Double.parseDouble(jtrace[12])).as("load at the end").isNotNegative();

        String md = Files.readString(out.resolve("results.md"));
        assertThat(md).contains("| workload | config | CPU/op Δ % [95 % CI] | throughput Δ % [95 % CI] | ops/s (median) |");
        assertThat(md).containsPattern("\\| queues \\| none \\| – \\| – \\| [0-9,]+ \\|");
        // one round: the changes without an interval
        assertThat(md).containsPattern("\\| queues \\| jtrace \\| [+-][0-9]+\\.[0-9] \\| [+-][0-9]+\\.[0-9] \\| [0-9,]+ \\|");
        assertThat(md).containsPattern("\\| jtrace \\| [+-][0-9]+\\.[0-9] \\| [+-][0-9]+\\.[0-9] \\| queues [+-][0-9.]+ \\| [01] of 1 ");
        assertThat(md).contains("JDK: ").contains("Command: ").contains("1-minute load average at the runs' starts and ends: min ");
    }

    @Test
    void profileModeFindsTheTracersShareOfTheQueuePipeline(@TempDir Path out) throws Exception {
        SuiteOptions options = SuiteOptions.parse(new String[] {"--profile", "--warmup", "0.3", "--measure", "0.7",
                "--workloads", "queues", "--out", out.toString()});

        int status = OverheadSuite.run(options, new String[0]);

        assertThat(status).as("the profiled run succeeded (see %s)", out.resolve("runs.log")).isZero();
        List<String> stacks = Files.readAllLines(out.resolve(ProfileMode.collapsedName("queues", "jtrace", 1)));
        assertThat(stacks).as("async-profiler's threads option: the first frame names the thread")
                .allMatch(l -> l.matches("\\[([^\\]]+ )?tid=[0-9]+\\];.* [0-9]+")); // a native thread may have no name
        String md = Files.readString(out.resolve("profile.md"));
        assertThat(md).contains("| workload | config | round | samples | tracer % | jtrace-writer % | agent start-up % |");
        Matcher row = Pattern.compile("\\| queues \\| jtrace \\| 1 \\| ([0-9,]+) \\| ([0-9.]+) \\| ([0-9.]+) \\| ([0-9.]+) \\|").matcher(md);
        assertThat(row.find()).as(md).isTrue();
        assertThat(Long.parseLong(row.group(1).replace(",", ""))).as("samples").isPositive();
        assertThat(Double.parseDouble(row.group(2))).as("tracer %% in%n%s", md).isPositive();
        assertThat(Double.parseDouble(row.group(4))).as("agent start-up %%").isPositive();
        assertThat(md).contains("#### queues, jtrace: the tracer's samples by outermost tracer frame").contains("`io/jtrace/");
    }

    @Test
    void profileModeOverTheMeasuredWindowOnlySamplesAWarmedUpJvmAndComparesConfigurationsPerOp(@TempDir Path out) throws Exception {
        SuiteOptions options = SuiteOptions.parse(new String[] {"--profile", "--window", "--configs", "none,jtrace", "--warmup", "0.5",
                "--measure", "1", "--workloads", "queues", "--out", out.toString()});

        int status = OverheadSuite.run(options, new String[0]);

        assertThat(status).as("the profiled runs succeeded (see %s)", out.resolve("runs.log")).isZero();
        String md = Files.readString(out.resolve("profile.md"));
        assertThat(md).contains("in the measured window only").contains("attached at the measured window's start");
        Matcher row = Pattern.compile("\\| queues \\| jtrace \\| 1 \\| ([0-9,]+) \\| ([0-9.]+) \\| ([0-9.]+) \\| ([0-9.]+) \\|").matcher(md);
        assertThat(row.find()).as(md).isTrue();
        assertThat(Long.parseLong(row.group(1).replace(",", ""))).as("samples").isPositive();
        assertThat(Double.parseDouble(row.group(4))).as("agent start-up %%: before the window, not sampled").isZero();
        // what the window holds depends on how much CPU the JVM got in its second (a loaded
        // machine gives it little); that the agent's start-up is not in it does not
        List<String> stacks = Files.readAllLines(out.resolve(ProfileMode.collapsedName("queues", "jtrace", 1)));
        assertThat(stacks).as("stacks of the window").isNotEmpty()
                .noneMatch(l -> l.contains("premain") || l.contains("io/jtrace/agent/Startup"));

        // per 1,000 ops by where: the untraced run has no tracer samples, the traced one has some
        assertThat(md).contains("| workload | config | runs | application | tracer | JFR threads | JIT | GC | other VM threads | all | all Δ % |");
        Matcher none = Pattern.compile("\\| queues \\| none \\| 1 \\| ([0-9.]+) \\| ([0-9.]+) \\|.* \\| – \\|\n").matcher(md);
        assertThat(none.find()).as(md).isTrue();
        assertThat(Double.parseDouble(none.group(1))).as("application samples per 1,000 ops, untraced").isPositive();
        assertThat(Double.parseDouble(none.group(2))).as("tracer samples per 1,000 ops, untraced").isZero();
        Matcher traced = Pattern.compile("\\| queues \\| jtrace \\| 1 \\| ([0-9.]+) \\| ([0-9.]+) \\|.* \\| [+-][0-9.]+ \\|\n").matcher(md);
        assertThat(traced.find()).as(md).isTrue();
        assertThat(Double.parseDouble(traced.group(2))).as("tracer samples per 1,000 ops, traced").isPositive();
    }

    private static String[] row(List<String> csv, String config) {
        return csv.stream().map(l -> l.split(",", -1)).filter(f -> f[2].equals(config)).findFirst().orElseThrow();
    }
}
