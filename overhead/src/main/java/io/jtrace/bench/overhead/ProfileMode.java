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

    private record Row(String workload, RunResult run, ProfileShare share, String problem) {}

    static int run(SuiteOptions options, Environment env, String[] args) throws IOException, InterruptedException {
        if (env.asyncProfiler() == null) {
            throw new IllegalStateException("--profile needs async-profiler: " + env.asyncProblem());
        }
        if (env.out().toString().contains(",")) {
            // async-profiler's agent options are comma-separated: the file= path cannot hold one
            throw new IllegalArgumentException("with --profile, --out must not contain a comma: " + env.out());
        }
        Config jtrace = env.configs().stream().filter(c -> c.name().equals("jtrace")).findFirst().orElseThrow();
        ChildRunner runner = env.runner(options, options.warmupMs(), options.measureMs(), options.keep());
        System.out.printf(Locale.ROOT, "overhead suite --profile: %.1f s warm-up, %.1f s measured; workloads %s%n",
                options.warmupMs() / 1e3, options.measureMs() / 1e3, String.join(",", options.workloads()));
        long started = System.currentTimeMillis();
        List<Row> rows = new ArrayList<>();
        for (String workload : options.workloads()) {
            Path collapsed = env.out().resolve("profile-" + workload + ".collapsed");
            Files.deleteIfExists(collapsed);
            RunResult r = options.window()
                    ? runner.run(1, workload, windowed(jtrace), new AttachedProfiler(env.asyncProfiler(), collapsed))
                    : runner.run(1, workload, profiled(jtrace, env.asyncProfiler(), collapsed));
            Row row;
            if (!r.ok()) {
                row = new Row(workload, r, null, r.error());
            } else if (!Files.isRegularFile(collapsed)) {
                row = new Row(workload, r, null, "async-profiler wrote no " + collapsed.getFileName());
            } else {
                ProfileShare share = ProfileShare.read(collapsed);
                row = new Row(workload, r, share, share.total() == 0 ? "the profile has no samples" : null);
            }
            rows.add(row);
            System.out.println(row.problem() != null ? String.format(Locale.ROOT, "  %-9s FAILED: %s", workload, row.problem())
                    : String.format(Locale.ROOT, "  %-9s %,d samples, tracer %.1f %%, jtrace-writer %.1f %%, start-up %.1f %%",
                    workload, row.share().total(), row.share().percent(row.share().tracer()),
                    row.share().percent(row.share().writer()), row.share().percent(row.share().startUp())));
        }
        long minutes = (System.currentTimeMillis() - started) / 60_000;
        Path md = env.out().resolve("profile.md");
        String markdown = markdown(options, rows, String.join(" ", args), minutes);
        Files.writeString(md, markdown, StandardCharsets.UTF_8);
        System.out.println();
        System.out.println(markdown);
        System.out.println("written: " + md + ", " + env.out().resolve("profile-*.collapsed") + ", " + env.log());
        return rows.stream().anyMatch(r -> r.problem() != null) ? 3 : 0;
    }

    /**
     * The jtrace configuration with async-profiler loaded first (so that it sees the agent's
     * start-up): CPU time (itimer, no perf_events needed), 1 ms, one collapsed file with thread
     * names; DebugNonSafepoints so that frames between safepoints are attributed to the right
     * method rather than the nearest safepoint's.
     */
    static Config profiled(Config jtrace, Path asyncProfiler, Path collapsed) {
        return new Config(jtrace.name(), jtrace.description() + ", with async-profiler (itimer)", jtrace.recording(), false, f -> {
            List<String> a = new ArrayList<>(profilerArgs(asyncProfiler, collapsed));
            a.addAll(jtrace.jvmArgs(f));
            return a;
        });
    }

    /**
     * {@code --window}: the jtrace configuration with no profiler at start-up; {@link
     * AttachedProfiler} loads it into the running JVM at the measured window's start and stops it
     * at its end, so the shares are those of a warmed-up traced JVM, start-up and exit left out.
     */
    static Config windowed(Config jtrace) {
        return new Config(jtrace.name(), jtrace.description() + ", with async-profiler (itimer) over the measured window",
                jtrace.recording(), false, f -> {
                    List<String> a = new ArrayList<>(WINDOW_JVM_ARGS);
                    a.addAll(jtrace.jvmArgs(f));
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

    private static String markdown(SuiteOptions options, List<Row> rows, String command, long minutes) {
        StringBuilder md = new StringBuilder("### Overhead suite profile: the tracer's share of CPU samples\n\n");
        md.append("- Date: ").append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
                .append(", ").append(minutes).append(" min\n");
        md.append("- Command: `bench/overhead.sh").append(command.isBlank() ? "" : " " + command).append("`\n");
        md.append(String.format(Locale.ROOT, "- One run per workload under `jtrace` (%.1f s warm-up, %.1f s measured; JVM -Xms%s -Xmx%s "
                        + "-XX:+UseG1GC), with %s%n", options.warmupMs() / 1e3, options.measureMs() / 1e3, options.heap(), options.heap(),
                options.window()
                        ? String.join(" ", WINDOW_JVM_ARGS) + " and async-profiler attached at the measured window's start ("
                                + WINDOW_START_OPTIONS + ") and stopped at its end"
                        : String.join(" ", profilerArgs(Path.of("libasyncProfiler.so"), Path.of("profile-WORKLOAD.collapsed")))));
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
        md.append("| workload | samples | tracer % | jtrace-writer % | agent start-up % | JFR threads % | ops/s | CPU/op µs "
                + "| tracer samples per 1,000 ops | events | lost | wall s |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            md.append("| ").append(r.workload()).append(" | ");
            if (r.share() == null) {
                md.append("– | – | – | – | – | – | – | – | – | – | ").append(Report.fmt(r.run().elapsedSeconds(), "%.1f")).append(" |\n");
                continue;
            }
            ProfileShare s = r.share();
            md.append(String.format(Locale.ROOT, "%,d | %s | %s | %s | %s | %,.0f | %s | %s | %s | %s | %.1f |%n", s.total(),
                    pct(s, s.tracer()), pct(s, s.writer()), pct(s, s.startUp()), pct(s, s.jfrThreads()), r.run().opsPerSec(),
                    Report.fmt(r.run().cpuMicrosPerOp(), "%.2f"), tracerPerThousandOps(s, r.run(), options),
                    r.run().events() < 0 ? "–" : String.format(Locale.ROOT, "%,d", r.run().events()),
                    r.run().lostEvents() < 0 ? "–" : Long.toString(r.run().lostEvents()), r.run().elapsedSeconds()));
        }
        for (Row r : rows) {
            if (r.share() == null || r.share().tracer() == 0) {
                continue;
            }
            ProfileShare s = r.share();
            md.append("\n#### ").append(r.workload()).append(": the tracer's samples by outermost tracer frame (top ").append(TOP)
                    .append(")\n\n| frame | samples | % of all | % of the tracer's |\n|---|---:|---:|---:|\n");
            for (Map.Entry<String, Long> e : s.top(TOP)) {
                md.append("| `").append(e.getKey()).append("` | ").append(String.format(Locale.ROOT, "%,d", e.getValue())).append(" | ")
                        .append(pct(s, e.getValue())).append(" | ")
                        .append(Report.fmt(100.0 * e.getValue() / s.tracer(), "%.1f")).append(" |\n");
            }
        }
        List<Row> failed = rows.stream().filter(r -> r.problem() != null).toList();
        if (!failed.isEmpty()) {
            md.append("\nProblems:\n\n");
            failed.forEach(r -> md.append("- ").append(r.workload()).append(": ").append(r.problem()).append('\n'));
        }
        md.append("\nThe stacks are in `profile-WORKLOAD.collapsed` next to this file (a flame graph tool reads them).\n");
        return md.toString();
    }

    /**
     * The tracer's samples per 1,000 of the window's operations: unlike its share, it does not
     * move when the rest of the JVM's work per op does, so it compares two builds' runs. Only
     * with --window, whose samples and operations cover the same time.
     */
    private static String tracerPerThousandOps(ProfileShare s, RunResult run, SuiteOptions options) {
        double ops = run.opsPerSec() * options.measureMs() / 1e3;
        return options.window() && ops > 0 ? Report.fmt(1000.0 * s.tracer() / ops, "%.3f") : "–";
    }

    private static String pct(ProfileShare s, long n) {
        return Report.fmt(s.percent(n), "%.1f");
    }
}
