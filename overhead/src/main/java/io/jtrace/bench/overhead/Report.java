package io.jtrace.bench.overhead;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The suite's numbers. Each round runs every configuration once per workload, so a
 * configuration's throughput is divided by the baseline's of the same round and workload
 * (runs close in time see the same machine load); the overhead is 1 − the median of those
 * ratios, the spread is their min…max, and the geomean is over the workloads' median ratios.
 */
final class Report {
    private final SuiteOptions options;
    private final List<Config> configs;
    private final List<String> leftOut;
    private final List<RunResult> results;
    private final String command;
    private final long minutes;

    Report(SuiteOptions options, List<Config> configs, List<String> leftOut, List<RunResult> results, String command, long minutes) {
        this.options = options;
        this.configs = configs;
        this.leftOut = leftOut;
        this.results = results;
        this.command = command;
        this.minutes = minutes;
    }

    /** Overhead of one configuration on one workload. NaN where no round had both runs. */
    record Cell(String workload, String config, int rounds, double medianOpsPerSec, double medianRatio, double minRatio,
                double maxRatio, double p99Ratio, double cpuRatio, double cpuMinRatio, double cpuMaxRatio, double eventsPerSec, double bytesPerSec, double bytesPerEvent,
                long lostEvents, int failed, int hung) {
        double overheadPercent() {
            return (1 - medianRatio) * 100;
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
        List<Double> ratios = new ArrayList<>();
        List<Double> p99Ratios = new ArrayList<>();
        List<Double> cpuRatios = new ArrayList<>();
        List<RunResult> mine = new ArrayList<>();
        int failed = 0;
        for (RunResult r : results) {
            if (!r.workload().equals(workload) || !r.config().equals(config)) {
                continue;
            }
            if (!r.ok()) {
                failed++;
                continue;
            }
            mine.add(r);
            Optional<RunResult> base = results.stream().filter(b -> b.ok() && b.round() == r.round()
                    && b.workload().equals(workload) && b.config().equals("none")).findFirst();
            if (base.isPresent()) {
                ratios.add(r.opsPerSec() / base.get().opsPerSec());
                if (!Double.isNaN(r.p99Micros()) && !Double.isNaN(base.get().p99Micros())) {
                    p99Ratios.add(r.p99Micros() / base.get().p99Micros());
                }
                if (!Double.isNaN(r.cpuMicrosPerOp()) && !Double.isNaN(base.get().cpuMicrosPerOp())) {
                    cpuRatios.add(r.cpuMicrosPerOp() / base.get().cpuMicrosPerOp());
                }
            }
        }
        long lost = mine.stream().mapToLong(RunResult::lostEvents).filter(l -> l >= 0).sum();
        return new Cell(workload, config, ratios.size(), median(mine, RunResult::opsPerSec), median(ratios),
                ratios.stream().mapToDouble(d -> d).min().orElse(Double.NaN),
                ratios.stream().mapToDouble(d -> d).max().orElse(Double.NaN), median(p99Ratios), median(cpuRatios),
                cpuRatios.stream().mapToDouble(d -> d).min().orElse(Double.NaN),
                cpuRatios.stream().mapToDouble(d -> d).max().orElse(Double.NaN),
                median(mine.stream().filter(r -> r.events() >= 0).toList(), r -> r.events() / r.elapsedSeconds()),
                median(mine.stream().filter(r -> r.bytes() >= 0).toList(), r -> r.bytes() / r.elapsedSeconds()),
                median(mine.stream().filter(r -> r.events() > 0).toList(), r -> (double) r.bytes() / r.events()),
                mine.stream().anyMatch(r -> r.lostEvents() >= 0) ? lost : -1, failed,
                (int) mine.stream().filter(r -> r.note() != null).count());
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
        double[] loads = results.stream().mapToDouble(RunResult::loadAverage).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (loads.length > 0) {
            md.append(String.format(Locale.ROOT, "- 1-minute load average at the runs' starts: min %.2f, median %.2f, max %.2f%n",
                    loads[0], loads[loads.length / 2], loads[loads.length - 1]));
        }
        for (String l : leftOut) {
            md.append("- Left out: ").append(l).append('\n');
        }
        long failures = results.stream().filter(r -> !r.ok()).count();
        if (failures > 0) {
            md.append("- Failed runs: ").append(failures).append(" (see runs.csv)\n");
        }
        md.append('\n');
        md.append("Overhead = 1 − throughput ÷ the `none` run's of the same round: median over rounds, then min…max. "
                + "p99 = the median change of the request latency's 99th percentile. CPU/op = the change of the measured JVM's CPU time "
                + "(all its threads, a tracer's included) per operation in the measured window, against the same round's `none`: "
                + "less sensitive than throughput to other processes taking CPUs. Events/s and bytes/s are per second "
                + "of the recorded JVM's life (start-up and warm-up included).\n\n");
        md.append("| workload | config | ops/s (median) | overhead % | spread % (min…max) | p99 Δ % | CPU/op Δ % (min…max) | events/s | KB/s | B/event | lost | runs |\n");
        md.append("|---|---|---:|---:|---|---:|---|---:|---:|---:|---:|---|\n");
        for (Cell c : cells) {
            boolean base = c.config().equals("none");
            md.append("| ").append(c.workload()).append(" | ").append(c.config()).append(" | ")
                    .append(fmt(c.medianOpsPerSec(), "%,.0f")).append(" | ")
                    .append(base ? "–" : fmt(c.overheadPercent(), "%+.1f")).append(" | ")
                    .append(base || Double.isNaN(c.minRatio()) ? "–" : fmt((1 - c.maxRatio()) * 100, "%+.1f") + " … " + fmt((1 - c.minRatio()) * 100, "%+.1f"))
                    .append(" | ").append(base ? "–" : fmt((c.p99Ratio() - 1) * 100, "%+.0f")).append(" | ")
                    .append(base || Double.isNaN(c.cpuRatio()) ? "–" : fmt((c.cpuRatio() - 1) * 100, "%+.1f") + " ("
                            + fmt((c.cpuMinRatio() - 1) * 100, "%+.1f") + " … " + fmt((c.cpuMaxRatio() - 1) * 100, "%+.1f") + ")")
                    .append(" | ")
                    .append(fmt(c.eventsPerSec(), "%,.0f")).append(" | ").append(fmt(c.bytesPerSec() / 1024, "%,.0f")).append(" | ")
                    .append(fmt(c.bytesPerEvent(), "%.1f")).append(" | ").append(c.lostEvents() < 0 ? "–" : Long.toString(c.lostEvents()))
                    .append(" | ").append(c.rounds())
                    .append(c.failed() > 0 ? ", " + c.failed() + " failed" : "")
                    .append(c.hung() > 0 ? ", " + c.hung() + " hung at exit" : "").append(" |\n");
        }
        md.append("\n| config | geomean overhead % | worst workload | workloads > 3 % | geomean CPU/op Δ % | worst CPU/op Δ |\n"
                + "|---|---:|---|---:|---:|---|\n");
        for (Config config : configs) {
            if (config.name().equals("none")) {
                continue;
            }
            List<Cell> mine = cells.stream().filter(c -> c.config().equals(config.name()) && !Double.isNaN(c.medianRatio())).toList();
            double logSum = mine.stream().mapToDouble(c -> Math.log(c.medianRatio())).sum();
            double geomean = mine.isEmpty() ? Double.NaN : Math.exp(logSum / mine.size());
            Cell worst = mine.stream().max((a, b) -> Double.compare(a.overheadPercent(), b.overheadPercent())).orElse(null);
            long over3 = mine.stream().filter(c -> c.overheadPercent() > 3).count();
            md.append("| ").append(config.name()).append(" | ").append(fmt((1 - geomean) * 100, "%+.2f")).append(" | ")
                    .append(worst == null ? "–" : worst.workload() + " " + fmt(worst.overheadPercent(), "%+.1f")).append(" | ")
                    .append(over3).append(" of ").append(mine.size()).append(" | ");
            List<Cell> cpu = mine.stream().filter(c -> !Double.isNaN(c.cpuRatio())).toList();
            double cpuGeomean = cpu.isEmpty() ? Double.NaN : Math.exp(cpu.stream().mapToDouble(c -> Math.log(c.cpuRatio())).sum() / cpu.size());
            Cell cpuWorst = cpu.stream().max((a, b) -> Double.compare(a.cpuRatio(), b.cpuRatio())).orElse(null);
            md.append(fmt((cpuGeomean - 1) * 100, "%+.2f")).append(" | ")
                    .append(cpuWorst == null ? "–" : cpuWorst.workload() + " " + fmt((cpuWorst.cpuRatio() - 1) * 100, "%+.1f")).append(" |\n");
        }
        pfpLines(cells, md);
        problems(md);
        md.append("\nConfigurations:\n\n");
        for (Config c : configs) {
            md.append("- `").append(c.name()).append("`: ").append(c.description()).append('\n');
        }
        return md.toString();
    }

    /** The fp tier against a baseline with the same -XX:+PreserveFramePointer, so the flag's own cost is apart. */
    private void pfpLines(List<Cell> cells, StringBuilder md) {
        if (configs.stream().noneMatch(c -> c.name().equals("jtrace-fp")) || configs.stream().noneMatch(c -> c.name().equals("none-pfp"))) {
            return;
        }
        md.append("\n| workload | jtrace-fp vs none-pfp overhead % |\n|---|---:|\n");
        for (String w : options.workloads()) {
            Map<Integer, Double> pfp = new TreeMap<>();
            Map<Integer, Double> fp = new TreeMap<>();
            for (RunResult r : results) {
                if (r.ok() && r.workload().equals(w) && r.config().equals("none-pfp")) {
                    pfp.put(r.round(), r.opsPerSec());
                } else if (r.ok() && r.workload().equals(w) && r.config().equals("jtrace-fp")) {
                    fp.put(r.round(), r.opsPerSec());
                }
            }
            double[] ratios = fp.entrySet().stream().filter(e -> pfp.containsKey(e.getKey()))
                    .mapToDouble(e -> e.getValue() / pfp.get(e.getKey())).sorted().toArray();
            md.append("| ").append(w).append(" | ").append(fmt((1 - medianOf(ratios)) * 100, "%+.1f")).append(" |\n");
        }
        Objects.requireNonNull(cells);
    }

    /** Every distinct failure and note, per configuration: where a tool broke, the table must say so. */
    private void problems(StringBuilder md) {
        Map<String, Long> seen = new TreeMap<>();
        for (RunResult r : results) {
            if (!r.ok()) {
                seen.merge(r.config() + " on " + r.workload() + ": " + r.error(), 1L, Long::sum);
            } else if (r.note() != null) {
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

    private static String fmt(double v, String format) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "–" : String.format(Locale.ROOT, format, v);
    }

    private static double median(List<Double> values) {
        return medianOf(values.stream().mapToDouble(d -> d).sorted().toArray());
    }

    private static <T> double median(List<T> values, ToDoubleFunction<T> f) {
        return medianOf(values.stream().mapToDouble(f).sorted().toArray());
    }

    static double medianOf(double[] sorted) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double[] s = sorted.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
