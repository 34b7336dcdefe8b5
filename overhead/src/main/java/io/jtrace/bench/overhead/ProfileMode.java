package io.jtrace.bench.overhead;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * {@code --profile}: where the tracer's cost is, rather than how large it is. Each selected
 * workload runs once under the {@code jtrace} configuration (the rounds' command line) with
 * async-profiler sampling CPU time too; {@link ProfileShare} then says which share of the samples
 * is the tracer's and through which entry points, and profile.md tabulates it. The profiler's own
 * cost makes these runs' throughput meaningless; the shares are what they are for.
 */
final class ProfileMode {
    /** How many of the tracer's entry points profile.md lists per workload. */
    static final int TOP = 8;

    private ProfileMode() {}

    private record Row(String workload, Config config, int round, RunResult run, ProfileShare share, String problem) {}

    static int run(SuiteOptions options, Environment env, String[] args) throws IOException, InterruptedException {
        if (env.asyncProfiler() == null) {
            throw new IllegalStateException("--profile needs async-profiler: " + env.asyncProblem());
        }
        if (env.out().toString().contains(",")) {
            // async-profiler's agent options are comma-separated: the file= path cannot hold one
            throw new IllegalArgumentException("with --profile, --out must not contain a comma: " + env.out());
        }
        List<Config> configs = configs(env.configs(), options.configs());
        ChildRunner runner = env.runner(options, options.warmupMs(), options.measureMs(), options.keep());
        System.out.printf(Locale.ROOT, "overhead suite --profile: %.1f s warm-up, %.1f s measured; workloads %s; configurations %s; "
                        + "%d round(s)%n", options.warmupMs() / 1e3, options.measureMs() / 1e3, String.join(",", options.workloads()),
                String.join(",", configs.stream().map(Config::name).toList()), options.rounds());
        long started = System.currentTimeMillis();
        List<Row> rows = new ArrayList<>();
        for (int round = 1; round <= options.rounds(); round++) {
            for (String workload : options.workloads()) {
                for (Config config : configs) { // interleaved: each round runs every configuration of a workload in turn
                    Row row = profile(options, env, runner, round, workload, config);
                    rows.add(row);
                    System.out.println(row.problem() != null
                            ? String.format(Locale.ROOT, "  %-9s %-12s round %d FAILED: %s", workload, config.name(), round, row.problem())
                            : String.format(Locale.ROOT, "  %-9s %-12s round %d: %,d samples, tracer %.1f %%, jtrace-writer %.1f %%, "
                                    + "start-up %.1f %%", workload, config.name(), round, row.share().total(),
                            row.share().percent(row.share().tracer()), row.share().percent(row.share().writer()),
                            row.share().percent(row.share().startUp())));
                }
            }
        }
        long minutes = (System.currentTimeMillis() - started) / 60_000;
        Path md = env.out().resolve("profile.md");
        String markdown = markdown(options, configs, rows, String.join(" ", args), minutes);
        Files.writeString(md, markdown, StandardCharsets.UTF_8);
        System.out.println();
        System.out.println(markdown);
        System.out.println("written: " + md + ", " + env.out().resolve("profile-*.collapsed") + ", " + env.log());
        return rows.stream().anyMatch(r -> r.problem() != null) ? 3 : 0;
    }

    /** The profile's configurations: those named (no baseline added: a profile is read alone), else jtrace alone. */
    static List<Config> configs(List<Config> all, List<String> names) {
        List<Config> r = new ArrayList<>();
        for (String n : names == null ? List.of("jtrace") : names) {
            Config c = all.stream().filter(x -> x.name().equals(n)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                    "unknown configuration '" + n + "' (known: " + String.join(", ", all.stream().map(Config::name).toList()) + ")"));
            if (!r.contains(c)) {
                r.add(c);
            }
        }
        return r;
    }

    /** The collapsed stacks of one profiled run. */
    static String collapsedName(String workload, String config, int round) {
        return "profile-" + workload + "-" + config + "-" + round + ".collapsed";
    }

    private static Row profile(SuiteOptions options, Environment env, ChildRunner runner, int round, String workload, Config config)
            throws IOException, InterruptedException {
        Path collapsed = env.out().resolve(collapsedName(workload, config.name(), round));
        Files.deleteIfExists(collapsed);
        RunResult r = options.window()
                ? runner.run(round, workload, windowed(config), new AttachedProfiler(env.asyncProfiler(), collapsed))
                : runner.run(round, workload, profiled(config, env.asyncProfiler(), collapsed));
        if (!r.ok()) {
            return new Row(workload, config, round, r, null, r.error());
        }
        if (!Files.isRegularFile(collapsed)) {
            return new Row(workload, config, round, r, null, "async-profiler wrote no " + collapsed.getFileName());
        }
        ProfileShare share = ProfileShare.read(collapsed);
        return new Row(workload, config, round, r, share, share.total() == 0 ? "the profile has no samples" : null);
    }

    /**
     * A configuration with async-profiler loaded first (so that it sees the agent's
     * start-up): CPU time (itimer, no perf_events needed), 1 ms, one collapsed file with thread
     * names; DebugNonSafepoints so that frames between safepoints are attributed to the right
     * method rather than the nearest safepoint's.
     */
    static Config profiled(Config config, Path asyncProfiler, Path collapsed) {
        return new Config(config.name(), config.description() + ", with async-profiler (itimer)", config.recording(), false, f -> {
            List<String> a = new ArrayList<>(profilerArgs(asyncProfiler, collapsed));
            a.addAll(config.jvmArgs(f));
            return a;
        });
    }

    /**
     * {@code --window}: a configuration with no profiler at start-up; {@link
     * AttachedProfiler} loads it into the running JVM at the measured window's start and stops it
     * at its end, so the shares are those of a warmed-up traced JVM, start-up and exit left out.
     */
    static Config windowed(Config config) {
        return new Config(config.name(), config.description() + ", with async-profiler (itimer) over the measured window",
                config.recording(), false, f -> {
                    List<String> a = new ArrayList<>(WINDOW_JVM_ARGS);
                    a.addAll(config.jvmArgs(f));
                    return a;
                });
    }

    /** DebugNonSafepoints as at start-up; the agent loaded later, without the JVM's warning about it. */
    static final List<String> WINDOW_JVM_ARGS = List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+DebugNonSafepoints",
            "-XX:+EnableDynamicAgentLoading");
    static final String WINDOW_START_OPTIONS = "start,event=itimer,interval=1ms,threads";

    /** async-profiler loaded into the traced JVM through the JDK's attach API, as its own launcher does. */
    private record AttachedProfiler(Path library, Path collapsed) implements ChildRunner.Window {
        @Override
        public void started(long pid) throws IOException {
            load(pid, WINDOW_START_OPTIONS);
        }

        @Override
        public void ended(long pid) throws IOException {
            load(pid, "stop,file=" + collapsed + ",collapsed");
        }

        private void load(long pid, String agentOptions) throws IOException {
            try {
                com.sun.tools.attach.VirtualMachine vm = com.sun.tools.attach.VirtualMachine.attach(Long.toString(pid));
                try {
                    vm.loadAgentPath(library.toString(), agentOptions);
                } finally {
                    vm.detach();
                }
            } catch (com.sun.tools.attach.AttachNotSupportedException | com.sun.tools.attach.AgentLoadException
                     | com.sun.tools.attach.AgentInitializationException e) {
                throw new IOException("async-profiler " + agentOptions + " into " + pid + ": " + e, e);
            }
        }
    }

    static List<String> profilerArgs(Path asyncProfiler, Path collapsed) {
        return List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+DebugNonSafepoints",
                "-agentpath:" + asyncProfiler + "=start,event=itimer,interval=1ms,threads,file=" + collapsed + ",collapsed");
    }

    private static String markdown(SuiteOptions options, List<Config> configs, List<Row> rows, String command, long minutes) {
        StringBuilder md = new StringBuilder("### Overhead suite profile: the tracer's share of CPU samples\n\n");
        md.append("- Date: ").append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
                .append(", ").append(minutes).append(" min\n");
        md.append("- Command: `bench/overhead.sh").append(command.isBlank() ? "" : " " + command).append("`\n");
        md.append(String.format(Locale.ROOT, "- %d round(s), each runs every workload under %s in turn (%.1f s warm-up, %.1f s measured; "
                        + "JVM -Xms%s -Xmx%s -XX:+UseG1GC), with %s%n", options.rounds(),
                String.join(", ", configs.stream().map(c -> "`" + c.name() + "`").toList()), options.warmupMs() / 1e3,
                options.measureMs() / 1e3, options.heap(), options.heap(),
                options.window()
                        ? String.join(" ", WINDOW_JVM_ARGS) + " and async-profiler attached at the measured window's start ("
                                + WINDOW_START_OPTIONS + ") and stopped at its end"
                        : String.join(" ", profilerArgs(Path.of("libasyncProfiler.so"), Path.of("profile-WORKLOAD-CONFIG-ROUND.collapsed")))));
        md.append("- JDK: ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.runtime.version"))
                .append("; ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs\n");
        md.append(LoadAverage.describe(rows.stream().map(Row::run).toList(), Runtime.getRuntime().availableProcessors()));
        md.append('\n');
        md.append((options.window()
                ? "Samples are of the profiled JVM's CPU time in the measured window only (the JVM warmed up; start-up and exit "
                        + "not sampled), every thread, JIT and GC included. Tracer % ="
                : "Samples are of the profiled JVM's CPU time over its whole life (start-up, warm-up, the measured window and "
                        + "the exit's final flush), every thread, JIT and GC included. Tracer % =") + " samples with a frame of jtrace's code "
                + "(`io.jtrace`, not the workloads' `io.jtrace.bench`) or in a `jtrace-` thread, agent start-up excluded; "
                + "jtrace-writer % is the part of it in the writer thread. Start-up % = stacks through `premain` or "
                + "`io/jtrace/agent/Startup`, paid once per JVM. JFR threads % = JFR's own threads, which under `jtrace` run "
                + "only for the agent's JDK-event bridge and carry no tracer frame (not in tracer %). The JIT's and GC's work "
                + "for the tracer's code and garbage is in no column. itimer signals come at most once per kernel tick "
                + "(CONFIG_HZ), so there are far fewer samples than 1 per ms of CPU time. Tracer samples per 1,000 ops (with "
                + "--window only) compares runs of two builds: it does not move with the rest of the JVM's work per op, "
                + "which the share does.\n\n");
        md.append("| workload | config | round | samples | tracer % | jtrace-writer % | agent start-up % | JFR threads % | ops/s "
                + "| CPU/op µs | tracer samples per 1,000 ops | events | lost | validation errors | wall s |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            md.append("| ").append(r.workload()).append(" | ").append(r.config().name()).append(" | ").append(r.round()).append(" | ");
            if (r.share() == null) {
                md.append("– | – | – | – | – | – | – | – | – | – | – | ").append(Report.fmt(r.run().elapsedSeconds(), "%.1f")).append(" |\n");
                continue;
            }
            ProfileShare s = r.share();
            md.append(String.format(Locale.ROOT, "%,d | %s | %s | %s | %s | %,.0f | %s | %s | %s | %s | %s | %.1f |%n", s.total(),
                    pct(s, s.tracer()), pct(s, s.writer()), pct(s, s.startUp()), pct(s, s.jfrThreads()), r.run().opsPerSec(),
                    Report.fmt(r.run().cpuMicrosPerOp(), "%.2f"), perThousandOps(s.tracer(), r, options),
                    r.run().events() < 0 ? "–" : String.format(Locale.ROOT, "%,d", r.run().events()),
                    r.run().lostEvents() < 0 ? "–" : Long.toString(r.run().lostEvents()),
                    r.run().validationErrors() < 0 ? "–" : Long.toString(r.run().validationErrors()), r.run().elapsedSeconds()));
        }
        if (options.window()) {
            whereTable(md, options, configs, rows);
        }
        for (String workload : options.workloads()) {
            for (Config config : configs) {
                List<ProfileShare> runs = rows.stream().filter(r -> r.share() != null && r.workload().equals(workload)
                        && r.config() == config).map(Row::share).toList();
                ProfileShare s = ProfileShare.sum(runs);
                if (s.tracer() == 0) {
                    continue;
                }
                md.append("\n#### ").append(workload).append(", ").append(config.name())
                        .append(": the tracer's samples by outermost tracer frame (top ").append(TOP).append(runs.size() > 1
                                ? ", " + runs.size() + " runs together" : "")
                        .append(")\n\n| frame | samples | % of all | % of the tracer's |\n|---|---:|---:|---:|\n");
                for (Map.Entry<String, Long> e : s.top(TOP)) {
                    md.append("| `").append(e.getKey()).append("` | ").append(String.format(Locale.ROOT, "%,d", e.getValue())).append(" | ")
                            .append(pct(s, e.getValue())).append(" | ")
                            .append(Report.fmt(100.0 * e.getValue() / s.tracer(), "%.1f")).append(" |\n");
                }
            }
        }
        List<Row> failed = rows.stream().filter(r -> r.problem() != null).toList();
        if (!failed.isEmpty()) {
            md.append("\nProblems:\n\n");
            failed.forEach(r -> md.append("- ").append(r.workload()).append(", ").append(r.config().name()).append(", round ")
                    .append(r.round()).append(": ").append(r.problem()).append('\n'));
        }
        md.append("\nThe stacks are in `").append(collapsedName("WORKLOAD", "CONFIG", 1).replace("-1.", "-ROUND."))
                .append("` next to this file (a flame graph tool reads them).\n");
        return md.toString();
    }

    /**
     * Samples per 1,000 operations by where they went, median over the rounds: between a traced and
     * an untraced configuration this shows the cost that carries no tracer frame (more JIT, more
     * GC, a slower application), which the tracer's share cannot.
     */
    private static void whereTable(StringBuilder md, SuiteOptions options, List<Config> configs, List<Row> rows) {
        md.append("\n#### Where the CPU went: samples per 1,000 ops (median of the rounds)\n\n")
                .append("Application = every thread that is not the JIT's, the GC's, JFR's or the VM's own, without a tracer frame; "
                        + "tracer = as above. The last column compares the total with the first configuration's.\n\n")
                .append("| workload | config | runs |");
        for (ProfileShare.Where w : ProfileShare.Where.values()) {
            md.append(' ').append(w.label).append(" |");
        }
        md.append(" all | all Δ % |\n|---|---|---:|").append("---:|".repeat(ProfileShare.Where.values().length + 2)).append('\n');
        for (String workload : options.workloads()) {
            double first = Double.NaN;
            for (Config config : configs) {
                List<Row> runs = rows.stream().filter(r -> r.share() != null && r.workload().equals(workload) && r.config() == config)
                        .toList();
                md.append("| ").append(workload).append(" | ").append(config.name()).append(" | ").append(runs.size()).append(" |");
                for (ProfileShare.Where w : ProfileShare.Where.values()) {
                    md.append(' ').append(Report.fmt(median(runs, r -> r.share().where(w), options), "%.2f")).append(" |");
                }
                double all = median(runs, r -> r.share().total() - r.share().startUp(), options);
                if (Double.isNaN(first)) {
                    first = all;
                }
                md.append(' ').append(Report.fmt(all, "%.2f")).append(" | ")
                        .append(config == configs.getFirst() ? "–" : Report.fmt(100.0 * (all / first - 1), "%+.1f")).append(" |\n");
            }
        }
    }

    private static double median(List<Row> runs, ToLongFunction<Row> samples, SuiteOptions options) {
        return Bootstrap.median(runs.stream().mapToDouble(r -> perThousand(samples.applyAsLong(r), r, options))
                .filter(x -> !Double.isNaN(x)).toArray());
    }

    private static double perThousand(long samples, Row r, SuiteOptions options) {
        double ops = r.run().opsPerSec() * options.measureMs() / 1e3;
        return ops > 0 ? 1000.0 * samples / ops : Double.NaN;
    }

    /**
     * Samples per 1,000 of the window's operations: unlike a share, it does not move when the rest
     * of the JVM's work per op does, so it compares two builds' runs. Only with --window, whose
     * samples and operations cover the same time.
     */
    private static String perThousandOps(long samples, Row r, SuiteOptions options) {
        return options.window() ? Report.fmt(perThousand(samples, r, options), "%.3f") : "–";
    }

    private static String pct(ProfileShare s, long n) {
        return Report.fmt(s.percent(n), "%.1f");
    }
}
