package io.jtrace.bench.overhead;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The suite's numbers. Each round runs every configuration once per workload, so a
 * configuration's run is divided by the baseline's of the same round and workload (runs close in
 * time see the same machine load). A figure is the median of those per-round ratios, as a change
 * in % (ratio − 1), with a 95 % bootstrap interval over the rounds; the geomean is over the
 * workloads' medians, its interval from resampling every workload's rounds. CPU time per
 * operation comes first: on a shared machine throughput mostly measures how much CPU a run got.
 */
final class Report {
    /** Below this many rounds a bootstrap interval is the data itself, not an interval: shown as –. */
    static final int MIN_ROUNDS_FOR_INTERVAL = 3;
    /** The change a workload may show before it counts against the tracer in the summary. */
    static final double THRESHOLD_PERCENT = 3;

    private final SuiteOptions options;
    private final List<Config> configs;
    private final List<String> leftOut;
    private final List<RunResult> results;
    private final String command;
    private final long minutes;
    private final Bootstrap bootstrap;

    Report(SuiteOptions options, List<Config> configs, List<String> leftOut, List<RunResult> results, String command, long minutes) {
        this.options = options;
        this.configs = configs;
        this.leftOut = leftOut;
        this.results = results;
        this.command = command;
        this.minutes = minutes;
        this.bootstrap = new Bootstrap(Bootstrap.RESAMPLES, options.seed());
    }

    /**
     * One configuration on one workload: per-round ratios to the baseline (throughput and CPU per
     * op) and what is derived from them. Medians are NaN where no round had both runs.
     */
    record Cell(String workload, String config, double[] opsRatios, double[] cpuRatios, Bootstrap.Interval opsInterval,
                Bootstrap.Interval cpuInterval, double medianOpsPerSec, double p99Ratio, double eventsPerSec,
                double bytesPerSec, double bytesPerEvent, long lostEvents, int failed, int hung) {
        int rounds() {
            return opsRatios.length;
        }

        double opsRatio() {
            return Bootstrap.median(opsRatios);
        }

        double cpuRatio() {
            return Bootstrap.median(cpuRatios);
        }

        double cpuDeltaPercent() {
            return (cpuRatio() - 1) * 100;
        }
    }

    List<Cell> cells() {
        List<Cell> cells = new ArrayList<>();
        for (String w : options.workloads()) {
            for (Config c : configs) {
                cells.add(cell(w, c.name()));
            }
        }
        return cells;
    }

    private Cell cell(String workload, String config) {
        List<RunResult> mine = results.stream().filter(r -> r.ok() && r.workload().equals(workload) && r.config().equals(config)).toList();
        int failed = (int) results.stream().filter(r -> !r.ok() && r.workload().equals(workload) && r.config().equals(config)).count();
        double[] ops = pairedRatios(workload, config, "none", RunResult::opsPerSec);
        double[] cpu = pairedRatios(workload, config, "none", RunResult::cpuMicrosPerOp);
        double[] p99 = pairedRatios(workload, config, "none", RunResult::p99Micros);
        long lost = mine.stream().mapToLong(RunResult::lostEvents).filter(l -> l >= 0).sum();
        return new Cell(workload, config, ops, cpu, interval(ops), interval(cpu),
                median(mine, RunResult::opsPerSec), Bootstrap.median(p99),
                median(mine.stream().filter(r -> r.events() >= 0).toList(), r -> r.events() / r.elapsedSeconds()),
                median(mine.stream().filter(r -> r.bytes() >= 0).toList(), r -> r.bytes() / r.elapsedSeconds()),
                median(mine.stream().filter(r -> r.events() > 0).toList(), r -> (double) r.bytes() / r.events()),
                mine.stream().anyMatch(r -> r.lostEvents() >= 0) ? lost : -1, failed,
                (int) mine.stream().filter(r -> r.note() != null).count());
    }

    /** {@code metric} of config's good runs ÷ base's good run of the same round, where both have it. */
    double[] pairedRatios(String workload, String config, String base, ToDoubleFunction<RunResult> metric) {
        Map<Integer, Double> baseline = new TreeMap<>();
        for (RunResult r : results) {
            if (r.ok() && r.workload().equals(workload) && r.config().equals(base) && !Double.isNaN(metric.applyAsDouble(r))) {
                baseline.putIfAbsent(r.round(), metric.applyAsDouble(r));
            }
        }
        return results.stream()
                .filter(r -> r.ok() && r.workload().equals(workload) && r.config().equals(config)
                        && baseline.containsKey(r.round()) && !Double.isNaN(metric.applyAsDouble(r)))
                .mapToDouble(r -> metric.applyAsDouble(r) / baseline.get(r.round()))
                .toArray();
    }

    private Bootstrap.Interval interval(double[] ratios) {
        return ratios.length < MIN_ROUNDS_FOR_INTERVAL ? Bootstrap.Interval.NONE : bootstrap.medianInterval(ratios);
    }

    String markdown() {
        List<Cell> cells = cells();
        StringBuilder md = new StringBuilder();
        md.append("### Overhead suite results\n\n");
        md.append("- Date: ").append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
                .append(", ").append(minutes).append(" min\n");
        md.append("- Command: `bench/overhead.sh").append(command.isBlank() ? "" : " " + command).append("`\n");
        md.append(String.format(Locale.ROOT, "- %d round(s), %.1f s warm-up, %.1f s measured per run; JVM -Xms%s -Xmx%s -XX:+UseG1GC; Jetty load: %d connections%n",
                options.rounds(), options.warmupMs() / 1e3, options.measureMs() / 1e3, options.heap(), options.heap(), options.jettyConnections()));
        md.append("- JDK: ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.runtime.version"))
                .append("; ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs; ").append(cpuModel()).append('\n');
        md.append(LoadAverage.describe(results, Runtime.getRuntime().availableProcessors()));
        for (String l : leftOut) {
            md.append("- Left out: ").append(l).append('\n');
        }
        long failures = results.stream().filter(r -> !r.ok()).count();
        if (failures > 0) {
            md.append("- Failed runs: ").append(failures).append(" (see runs.csv)\n");
        }
        md.append('\n');
        md.append("Every Δ is the median over rounds of (run ÷ the same round's `none` run) − 1, in %; [a, b] is its 95 % "
                + "bootstrap interval over the rounds (" + String.format(Locale.ROOT, "%,d", Bootstrap.RESAMPLES) + " resamples, seed "
                + options.seed() + "; – below "
                + MIN_ROUNDS_FOR_INTERVAL + " rounds). CPU/op = the measured JVM's CPU time (all its threads, a tracer's included) "
                + "per operation in the measured window: the primary figure, as it is less sensitive than throughput to other "
                + "processes taking CPUs; + is more CPU per op. Throughput Δ: − is fewer ops/s. p99 = the request latency's "
                + "99th percentile. Events/s and bytes/s are per second of the recorded JVM's life (start-up and warm-up "
                + "included).\n\n");
        md.append("| workload | config | CPU/op Δ % [95 % CI] | throughput Δ % [95 % CI] | ops/s (median) | p99 Δ % | events/s | KB/s | B/event | lost | runs |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Cell c : cells) {
            boolean base = c.config().equals("none");
            md.append("| ").append(c.workload()).append(" | ").append(c.config()).append(" | ")
                    .append(base ? "–" : delta(c.cpuRatio(), c.cpuInterval())).append(" | ")
                    .append(base ? "–" : delta(c.opsRatio(), c.opsInterval())).append(" | ")
                    .append(fmt(c.medianOpsPerSec(), "%,.0f")).append(" | ")
                    .append(base ? "–" : fmt((c.p99Ratio() - 1) * 100, "%+.0f")).append(" | ")
                    .append(fmt(c.eventsPerSec(), "%,.0f")).append(" | ").append(fmt(c.bytesPerSec() / 1024, "%,.0f")).append(" | ")
                    .append(fmt(c.bytesPerEvent(), "%.1f")).append(" | ").append(c.lostEvents() < 0 ? "–" : Long.toString(c.lostEvents()))
                    .append(" | ").append(c.rounds())
                    .append(c.failed() > 0 ? ", " + c.failed() + " failed" : "")
                    .append(c.hung() > 0 ? ", " + c.hung() + " hung at exit" : "").append(" |\n");
        }
        summary(cells, md);
        pfpLines(md);
        problems(md);
        md.append("\nConfigurations:\n\n");
        for (Config c : configs) {
            md.append("- `").append(c.name()).append("`: ").append(c.description()).append('\n');
        }
        return md.toString();
    }

    /** Per configuration, over the workloads: geomeans with intervals, the worst workload, how many exceed the threshold. */
    private void summary(List<Cell> cells, StringBuilder md) {
        md.append(String.format(Locale.ROOT, "%n| config | geomean CPU/op Δ %% [95 %% CI] | geomean throughput Δ %% [95 %% CI] "
                + "| worst workload (CPU/op Δ %%) | workloads > +%.0f %% CPU/op |%n|---|---:|---:|---|---|%n", THRESHOLD_PERCENT));
        for (Config config : configs) {
            if (config.name().equals("none")) {
                continue;
            }
            List<Cell> mine = cells.stream().filter(c -> c.config().equals(config.name())).toList();
            List<double[]> cpu = mine.stream().map(Cell::cpuRatios).toList();
            List<double[]> ops = mine.stream().map(Cell::opsRatios).toList();
            List<Cell> measured = mine.stream().filter(c -> c.cpuRatios().length > 0).toList();
            Cell worst = measured.stream().max((a, b) -> Double.compare(a.cpuRatio(), b.cpuRatio())).orElse(null);
            long over = measured.stream().filter(c -> c.cpuDeltaPercent() > THRESHOLD_PERCENT).count();
            // the claim "above the threshold" only stands where the whole interval is above it
            long surelyOver = measured.stream()
                    .filter(c -> !Double.isNaN(c.cpuInterval().low()) && (c.cpuInterval().low() - 1) * 100 > THRESHOLD_PERCENT).count();
            md.append("| ").append(config.name()).append(" | ")
                    .append(delta(Bootstrap.geomeanOfMedians(cpu), geomeanInterval(cpu))).append(" | ")
                    .append(delta(Bootstrap.geomeanOfMedians(ops), geomeanInterval(ops))).append(" | ")
                    .append(worst == null ? "–" : worst.workload() + " " + fmt(worst.cpuDeltaPercent(), "%+.1f")).append(" | ")
                    .append(over).append(" of ").append(measured.size())
                    .append(" (").append(surelyOver).append(" with the whole CI above) |\n");
        }
    }

    private Bootstrap.Interval geomeanInterval(List<double[]> perWorkload) {
        boolean enough = perWorkload.stream().filter(v -> v.length > 0).allMatch(v -> v.length >= MIN_ROUNDS_FOR_INTERVAL);
        return enough ? bootstrap.geomeanInterval(perWorkload) : Bootstrap.Interval.NONE;
    }

    /** jtrace (which runs with -XX:+PreserveFramePointer) against a baseline with the same flag: the tracer's cost without the flag's. */
    private void pfpLines(StringBuilder md) {
        if (configs.stream().noneMatch(c -> c.name().equals("jtrace")) || configs.stream().noneMatch(c -> c.name().equals("none-pfp"))) {
            return;
        }
        md.append("\n| workload | jtrace vs none-pfp: CPU/op Δ % [95 % CI] | throughput Δ % [95 % CI] |\n|---|---:|---:|\n");
        for (String w : options.workloads()) {
            double[] cpu = pairedRatios(w, "jtrace", "none-pfp", RunResult::cpuMicrosPerOp);
            double[] ops = pairedRatios(w, "jtrace", "none-pfp", RunResult::opsPerSec);
            md.append("| ").append(w).append(" | ").append(delta(Bootstrap.median(cpu), interval(cpu))).append(" | ")
                    .append(delta(Bootstrap.median(ops), interval(ops))).append(" |\n");
        }
    }

    /** Every distinct failure and note, per configuration: where a tool broke, the table must say so. */
    private void problems(StringBuilder md) {
        Map<String, Long> seen = new TreeMap<>();
        for (RunResult r : results) {
            if (!r.ok()) {
                seen.merge(r.config() + " on " + r.workload() + ": " + r.error(), 1L, Long::sum);
            } else if (r.validationErrors() > 0) {
                seen.merge(r.config() + " on " + r.workload() + ": the trace failed validation (" + r.validationErrors()
                        + " impossible state transitions: a recorder bug; `jtrace stats` on a kept trace lists them)", 1L, Long::sum);
            }
            if (r.ok() && r.note() != null) {
                seen.merge(r.config() + " on " + r.workload() + ": " + r.note() + " (throughput kept; the recording was "
                        + "measured as far as it was written)", 1L, Long::sum);
            }
        }
        if (seen.isEmpty()) {
            return;
        }
        md.append("\nProblems:\n\n");
        seen.forEach((k, n) -> md.append("- ").append(k.length() > 400 ? k.substring(0, 400) + "…" : k).append(" (").append(n).append("×)\n"));
    }

    /** A ratio as "+4.2 [+1.0, +7.9]": the change in % and its interval, or the change alone without one. */
    static String delta(double ratio, Bootstrap.Interval interval) {
        String point = fmt((ratio - 1) * 100, "%+.1f");
        if (Double.isNaN(ratio) || Double.isNaN(interval.low())) {
            return point;
        }
        return point + " [" + fmt((interval.low() - 1) * 100, "%+.1f") + ", " + fmt((interval.high() - 1) * 100, "%+.1f") + "]";
    }

    private static String cpuModel() {
        try {
            for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    return l.substring(l.indexOf(':') + 1).strip();
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    static String fmt(double v, String format) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "–" : String.format(Locale.ROOT, format, v);
    }

    private static <T> double median(List<T> values, ToDoubleFunction<T> f) {
        return Bootstrap.median(values.stream().mapToDouble(f).toArray());
    }
}
