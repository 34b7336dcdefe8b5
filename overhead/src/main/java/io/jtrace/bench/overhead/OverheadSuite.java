package io.jtrace.bench.overhead;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The overhead suite's driver: every selected workload under every selected configuration, in
 * fresh child JVMs, interleaved in rounds (each round runs every configuration once per workload,
 * in a new random order), then throughput ratios against no tracing, written as a markdown table.
 * Run it with {@code bench/overhead.sh}; see docs/performance.md.
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
        Path classes = Path.of(System.getProperty("jtrace.overhead.classes",
                Path.of(OverheadSuite.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString()));
        Path lib = Path.of(System.getProperty("jtrace.overhead.lib", classes.resolveSibling("workload-lib").toString()));
        Path agentJar = Path.of(System.getProperty("jtrace.agentJar",
                classes.getParent().getParent().getParent().resolve("agent/target/jtrace-agent.jar").toString()));
        requireFile(agentJar, "the jtrace agent jar");
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException("the workloads' libraries are missing: " + lib + " (build with bench/overhead.sh)");
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<Path> jars;
        try (Stream<Path> s = Files.list(lib)) {
            jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        String classpath = Stream.concat(Stream.of(classes), jars.stream().filter(p -> !isAsyncProfilerJar(p)))
                .map(Path::toString).collect(Collectors.joining(File.pathSeparator));

        Path out = options.out().toAbsolutePath();
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("jtrace-overhead");
        Path log = out.resolve("runs.log");
        Files.deleteIfExists(log);
        Path noopAgent = writeNoopAgent(out.resolve("noop-agent.jar"));
        String asyncProblem = null;
        Path asyncLib = null;
        try {
            asyncLib = extractAsyncProfiler(jars, work);
        } catch (IOException | IllegalStateException e) {
            asyncProblem = e.getMessage();
        }

        List<String> common = List.of("-Xms" + options.heap(), "-Xmx" + options.heap(), "-XX:+UseG1GC");
        ChildRunner runner = new ChildRunner(java, classpath, common, work, log, options.warmupMs(), options.measureMs(),
                options.jettyConnections(), options.keep());
        List<Config> configs = select(Config.all(agentJar, noopAgent, asyncLib), options.configs());
        System.out.printf(Locale.ROOT, "overhead suite: %d round(s), %.1f s warm-up, %.1f s measured; workloads %s%n",
                options.rounds(), options.warmupMs() / 1e3, options.measureMs() / 1e3, String.join(",", options.workloads()));

        List<String> leftOut = new ArrayList<>();
        List<Config> usable = new ArrayList<>();
        for (Config c : configs) {
            String problem = c.name().equals("async-wall-lock") && asyncProblem != null ? asyncProblem : null;
            if (problem == null) {
                ChildRunner probe = new ChildRunner(java, classpath, common, work, log, 300, 700,
                        options.jettyConnections(), false);
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

        Path csv = out.resolve("runs.csv");
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
        Path md = out.resolve("results.md");
        Files.writeString(md, markdown, StandardCharsets.UTF_8);
        System.out.println();
        System.out.println(markdown);
        System.out.println("written: " + md + ", " + csv + ", " + log);
        if (!options.keep()) {
            deleteTree(work);
        }
        return results.stream().anyMatch(r -> !r.ok()) ? 3 : 0;
    }

    private static String progress(SuiteOptions o, RunResult r) {
        if (!r.ok()) {
            return String.format(Locale.ROOT, "[%d/%d] %-9s %-16s FAILED: %s", r.round(), o.rounds(), r.workload(), r.config(), r.error());
        }
        return String.format(Locale.ROOT, "[%d/%d] %-9s %-16s %,14.0f ops/s  p99 %s  events %s  bytes %s  (%.1f s, load %.2f)",
                r.round(), o.rounds(), r.workload(), r.config(), r.opsPerSec(),
                Double.isNaN(r.p99Micros()) ? "-" : String.format(Locale.ROOT, "%.0f us", r.p99Micros()),
                r.events() < 0 ? "-" : Long.toString(r.events()), r.bytes() < 0 ? "-" : Long.toString(r.bytes()),
                r.elapsedSeconds(), r.loadAverage());
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

    private static boolean isAsyncProfilerJar(Path p) {
        return p.getFileName().toString().startsWith("async-profiler");
    }

    private static void requireFile(Path p, String what) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(what + " is missing: " + p + " (build with bench/overhead.sh)");
        }
    }

    /** A jar holding only NoopAgent, with a Premain-Class: the agent that does nothing. */
    static Path writeNoopAgent(Path jar) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(new Attributes.Name("Premain-Class"), NoopAgent.class.getName());
        String entry = NoopAgent.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, m);
             InputStream in = NoopAgent.class.getClassLoader().getResourceAsStream(entry)) {
            if (in == null) {
                throw new IOException("class file " + entry + " not found");
            }
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }

    /** libasyncProfiler.so for this platform, out of the async-profiler jar from Maven Central. */
    static Path extractAsyncProfiler(List<Path> jars, Path dir) throws IOException {
        Path jar = jars.stream().filter(OverheadSuite::isAsyncProfilerJar).findFirst()
                .orElseThrow(() -> new IllegalStateException("no async-profiler jar among the workload libraries"));
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        String platform = os.contains("linux") ? (arch.equals("amd64") || arch.equals("x86_64") ? "linux-x64"
                : arch.equals("aarch64") ? "linux-arm64" : null) : os.contains("mac") ? "macos" : null;
        if (platform == null) {
            throw new IllegalStateException(jar.getFileName() + " has no native library for " + os + "/" + arch);
        }
        String entry = platform + "/libasyncProfiler.so";
        try (JarFile jf = new JarFile(jar.toFile())) {
            JarEntry e = jf.getJarEntry(entry);
            if (e == null) {
                throw new IllegalStateException(jar.getFileName() + " holds no " + entry);
            }
            Path target = dir.resolve("libasyncProfiler.so");
            try (InputStream in = jf.getInputStream(e)) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
