package io.jtrace.bench.overhead;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What every child JVM of the suite needs, found or made once: the java to launch, the workloads'
 * class path, the jtrace agent jar, the no-op agent, libasyncProfiler.so, the JVM options every
 * configuration shares, and where recordings (a temporary directory), the log and the results go.
 * Used by the A/B rounds and by --profile alike, so that both launch the same command lines.
 *
 * @param asyncProfiler null where it could not be extracted; then {@code asyncProblem} says why
 */
record Environment(Path java, String classpath, Path agentJar, Path noopAgent, Path asyncProfiler, String asyncProblem,
                   List<String> commonJvmArgs, Path work, Path log, Path out) {

    static Environment prepare(SuiteOptions options) throws IOException, URISyntaxException {
        Path classes = Path.of(System.getProperty("jtrace.overhead.classes",
                Path.of(OverheadSuite.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString()));
        Path lib = Path.of(System.getProperty("jtrace.overhead.lib", classes.resolveSibling("workload-lib").toString()));
        Path agentJar = Path.of(System.getProperty("jtrace.agentJar",
                classes.getParent().getParent().getParent().resolve("agent/target/jtrace-agent.jar").toString()));
        if (!Files.isRegularFile(agentJar)) {
            throw new IllegalStateException("the jtrace agent jar is missing: " + agentJar + " (build with bench/overhead.sh)");
        }
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException("the workloads' libraries are missing: " + lib + " (build with bench/overhead.sh)");
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<Path> jars;
        try (Stream<Path> s = Files.list(lib)) {
            jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        // async-profiler's jar only carries the native library: it stays off the workloads' class path
        String classpath = Stream.concat(Stream.of(classes), jars.stream().filter(p -> !isAsyncProfilerJar(p)))
                .map(Path::toString).collect(Collectors.joining(File.pathSeparator));

        Path out = options.out().toAbsolutePath();
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("jtrace-overhead");
        Path log = out.resolve("runs.log");
        Files.deleteIfExists(log);
        Path noopAgent = writeNoopAgent(out.resolve("noop-agent.jar"));
        Path asyncLib = null;
        String asyncProblem = null;
        try {
            asyncLib = extractAsyncProfiler(jars, work);
        } catch (IOException | IllegalStateException e) {
            asyncProblem = e.getMessage();
        }
        List<String> common = List.of("-Xms" + options.heap(), "-Xmx" + options.heap(), "-XX:+UseG1GC");
        return new Environment(java, classpath, agentJar, noopAgent, asyncLib, asyncProblem, common, work, log, out);
    }

    List<Config> configs() {
        return Config.all(agentJar, noopAgent, asyncProfiler);
    }

    ChildRunner runner(SuiteOptions options, long warmupMs, long measureMs, boolean keep) {
        return new ChildRunner(java, classpath, commonJvmArgs, work, log, warmupMs, measureMs, options.jettyConnections(), keep);
    }

    /** Removes the temporary directory (recordings, libasyncProfiler.so). */
    void deleteWork() throws IOException {
        try (Stream<Path> s = Files.walk(work)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static boolean isAsyncProfilerJar(Path p) {
        return p.getFileName().toString().startsWith("async-profiler");
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
        Path jar = jars.stream().filter(Environment::isAsyncProfilerJar).findFirst()
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
}
