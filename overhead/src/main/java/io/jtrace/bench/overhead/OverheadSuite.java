package io.jtrace.bench.overhead;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The overhead suite's driver: every selected workload under every selected configuration, in
 * fresh child JVMs, interleaved in rounds (each round runs every configuration once per workload,
 * in a new random order), then CPU-per-op and throughput ratios against no tracing with bootstrap
 * intervals, written as a markdown table ({@link Report}). With --profile, one profiled jtrace run
 * per workload instead ({@link ProfileMode}). Run it with {@code bench/overhead.sh}; see
 * docs/performance.md.
 */
public final class OverheadSuite {
    private OverheadSuite() {}

    public static void main(String[] args) throws Exception {
        SuiteOptions options;
        try {
            options = SuiteOptions.parse(args);
        } catch (SuiteOptions.HelpRequested h) {
            System.out.println(SuiteOptions.USAGE);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("overhead: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            System.exit(run(options, args));
        } catch (IllegalArgumentException e) {
            System.err.println("overhead: " + e.getMessage());
            System.exit(2);
        } catch (IllegalStateException e) {
            System.err.println("overhead: " + e.getMessage());
            System.exit(1);
        }
    }

    static int run(SuiteOptions options, String[] args) throws IOException, InterruptedException, URISyntaxException {
        Environment env = Environment.prepare(options);
        try {
            return options.profile() ? ProfileMode.run(options, env, args) : rounds(options, env, args);
        } finally {
            if (!options.keep()) {
                env.deleteWork();
            }
        }
    }

    /** The A/B measurement: every usable configuration once per workload and round, then results.md. */
    private static int rounds(SuiteOptions options, Environment env, String[] args) throws IOException, InterruptedException {
        ChildRunner runner = env.runner(options, options.warmupMs(), options.measureMs(), options.keep());
        List<Config> configs = select(env.configs(), options.configs());
        System.out.printf(Locale.ROOT, "overhead suite: %d round(s), %.1f s warm-up, %.1f s measured; workloads %s%n",
                options.rounds(), options.warmupMs() / 1e3, options.measureMs() / 1e3, String.join(",", options.workloads()));

        List<String> leftOut = new ArrayList<>();
        List<Config> usable = new ArrayList<>();
        for (Config c : configs) {
            String problem = c.name().equals("async-wall-lock") && env.asyncProblem() != null ? env.asyncProblem() : null;
            if (problem == null) {
                ChildRunner probe = env.runner(options, 300, 700, false);
                RunResult r = probe.run(0, "probe", c);
                if (!r.ok() && !r.error().startsWith("jtrace: recording stopped")) {
                    problem = r.error();
                } else if (!r.ok()) {
                    // it started, then broke: keep it, so that the table shows on which workloads it breaks
                    System.out.println("  " + c.name() + ": broke in the start-up check, kept: " + r.error());
                } else if (c.recording() == Recording.JTRACE && r.events() <= 0) {
                    problem = "the trace has no events";
                }
            }
            if (problem == null) {
                usable.add(c);
            } else if (c.name().equals("none")) {
                throw new IllegalStateException("the baseline configuration does not run: " + problem);
            } else {
                String line = c.name() + ": left out, " + problem;
                leftOut.add(line);
                System.out.println("  " + line);
            }
        }

        Path csv = env.out().resolve("runs.csv");
        Files.writeString(csv, RunResult.csvHeader() + System.lineSeparator(), StandardCharsets.UTF_8);
        List<RunResult> results = new ArrayList<>();
        long started = System.currentTimeMillis();
        for (int round = 1; round <= options.rounds(); round++) {
            for (String workload : options.workloads()) {
                List<Config> order = new ArrayList<>(usable);
                Collections.shuffle(order, new Random(options.seed() * 1_000_003L + round * 101L + workload.hashCode()));
                for (Config c : order) {
                    RunResult r = runner.run(round, workload, c);
                    results.add(r);
                    Files.writeString(csv, r.csv() + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                    System.out.println(progress(options, r));
                }
            }
        }
        long minutes = (System.currentTimeMillis() - started) / 60_000;
        String markdown = new Report(options, usable, leftOut, results, String.join(" ", args), minutes).markdown();
        Path md = env.out().resolve("results.md");
        Files.writeString(md, markdown, StandardCharsets.UTF_8);
        System.out.println();
        System.out.println(markdown);
        System.out.println("written: " + md + ", " + csv + ", " + env.log());
        return results.stream().anyMatch(r -> !r.ok()) ? 3 : 0;
    }

    private static String progress(SuiteOptions o, RunResult r) {
        if (!r.ok()) {
            return String.format(Locale.ROOT, "[%d/%d] %-9s %-16s FAILED: %s", r.round(), o.rounds(), r.workload(), r.config(), r.error());
        }
        return String.format(Locale.ROOT, "[%d/%d] %-9s %-16s %s us CPU/op %,14.0f ops/s  p99 %s  events %s  bytes %s  (%.1f s, load %.2f → %.2f)",
                r.round(), o.rounds(), r.workload(), r.config(), Report.fmt(r.cpuMicrosPerOp(), "%8.3f"), r.opsPerSec(),
                Double.isNaN(r.p99Micros()) ? "-" : String.format(Locale.ROOT, "%.0f us", r.p99Micros()),
                r.events() < 0 ? "-" : Long.toString(r.events()), r.bytes() < 0 ? "-" : Long.toString(r.bytes()),
                r.elapsedSeconds(), r.loadAtStart(), r.loadAtEnd());
    }

    private static List<Config> select(List<Config> all, List<String> names) {
        Map<String, Config> byName = new LinkedHashMap<>();
        for (Config c : all) {
            byName.put(c.name(), c);
        }
        if (names == null) {
            return all;
        }
        List<Config> r = new ArrayList<>();
        r.add(byName.get("none"));
        for (String n : names) {
            Config c = byName.get(n);
            if (c == null) {
                throw new IllegalArgumentException("unknown configuration '" + n + "' (known: " + String.join(", ", byName.keySet()) + ")");
            }
            if (!r.contains(c)) {
                r.add(c);
            }
        }
        return r;
    }
}
