package io.jtrace.cli;

import io.jtrace.TraceOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code jtrace record -o FILE [--options K=V,…] -- JAVA-ARGS…}: runs {@code java JAVA-ARGS}
 * (this JDK's java) with the jtrace agent and returns its exit code.
 */
@Command(name = "record", description = "Run a Java program with the jtrace agent and record its execution trace.")
final class RecordCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "trace file to write")
    Path output;

    @Option(names = "--options", paramLabel = "KEY=VALUE,…",
            description = "agent options: period, genbytes, buffer, budget, stacks, stackdepth, stackcheck, events")
    String options;

    @Option(names = "--preserve-frame-pointer", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "on by default: add -XX:+PreserveFramePointer, so that stacks=auto captures stacks with the "
                    + "fp tier (frame-pointer fingerprints: no VM stack walk for a stack seen before, 10-20x cheaper "
                    + "than the VM's walk); --no-preserve-frame-pointer leaves the JVM's frame pointers alone, and "
                    + "stacks then use the fast tier (docs/performance.md)")
    boolean preserveFramePointer;

    @Option(names = "--skip-jvmti-vthread-transitions",
            description = "add -XX:-DoJVMTIVirtualThreadTransitions: saves ~150 ns per virtual-thread switch that "
                    + "any java agent costs, but then the agent records no JDK events (platform monitors, GC, "
                    + "safepoints): with this flag, JFR can hang the JVM's exit")
    boolean skipJvmtiTransitions;

    @Parameters(paramLabel = "JAVA-ARGS", arity = "1..*",
            description = "arguments of the java command, after --: e.g. -- -cp app.jar com.example.Main")
    List<String> javaArgs;

    @Override
    public Integer call() throws Exception {
        Path agent = agentJar();
        if (options != null && TraceOptions.split(options).stream()
                .anyMatch(o -> o.strip().toLowerCase(java.util.Locale.ROOT).startsWith("file="))) {
            throw new BadUsage("--options must not set file=: use -o"); // keys are case-insensitive
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (skipJvmtiTransitions) {
            // Any java agent makes the JVM track virtual-thread transitions for JVMTI, about
            // 150 ns per mount or unmount (measured on JDK 25: 445 vs 295 ns per park/unpark round
            // trip). Not the default: on JDK 25 the flag makes JFR's shutdown hang in most runs of a
            // virtual-thread server (docs/performance.md), so the agent then leaves JFR alone.
            cmd.add("-XX:+UnlockExperimentalVMOptions");
            cmd.add("-XX:-DoJVMTIVirtualThreadTransitions");
        }
        if (preserveFramePointer) {
            // Go's tracer became cheap when stacks became cheap to take: with frame pointers a stack
            // seen before costs a ~100-300 ns walk instead of the VM's 1-3 µs one. The flag comes
            // before the program's own JVM options, so an explicit -XX:-PreserveFramePointer wins.
            cmd.add("-XX:+PreserveFramePointer");
        }
        Path file = output.toAbsolutePath();
        cmd.add("-javaagent:" + agent + "=file=" + TraceOptions.escape(file.toString())
                + (options == null || options.isBlank() ? "" : "," + options));
        cmd.addAll(javaArgs);
        long started = System.currentTimeMillis();
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        int exit = p.waitFor();
        if (!writtenSince(file, started)) {
            // the agent said why on stderr (bad options, a tier that can't run); the program ran
            // untraced, and a recording that did not happen must not look like one that did
            spec.commandLine().getErr().println("jtrace: no trace was written to " + file);
            return exit == 0 ? 1 : exit;
        }
        return exit;
    }

    private static boolean writtenSince(Path file, long millis) {
        try {
            // file times may be as coarse as a second: compare at that grain
            return Files.isRegularFile(file) && Files.getLastModifiedTime(file).toMillis() / 1000 >= millis / 1000;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The agent jar: -Djtrace.agentJar, else the agent module's build output beside this CLI's. */
    static Path agentJar() {
        String configured = System.getProperty("jtrace.agentJar");
        Path jar;
        if (configured != null) {
            jar = Path.of(configured);
        } else {
            try {
                Path cli = Path.of(RecordCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                jar = cli.getParent().getParent().getParent().resolve("agent/target/jtrace-agent.jar");
            } catch (Exception e) {
                throw new IllegalStateException("cannot locate the jtrace agent jar: set -Djtrace.agentJar", e);
            }
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the jtrace agent jar is missing: " + jar
                    + " (build it with ./jtrace, or mvn -pl agent -am package)");
        }
        return jar;
    }
}
