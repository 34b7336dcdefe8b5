package io.jtrace.agent.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A child JVM running one workload class of these tests, with or without the packaged agent. */
record AgentRun(int exitCode, String stdout, String stderr, Path trace) {

    static AgentRun withAgent(Path dir, String options, Class<?> workload, String... args) throws Exception {
        return withAgent(dir, List.of(), options, workload, args);
    }

    /** With the agent and JVM options {@code jvmOptions} (before the agent). */
    static AgentRun withAgent(Path dir, List<String> jvmOptions, String options, Class<?> workload, String... args)
            throws Exception {
        Path trace = dir.resolve(workload.getSimpleName() + ".jtrace");
        String agentArg = "-javaagent:" + System.getProperty("jtrace.agentJar") + "=file=" + trace
                + (options.isEmpty() ? "" : "," + options);
        return run(dir, trace, jvmOptions, agentArg, workload, args);
    }

    static AgentRun withoutAgent(Path dir, Class<?> workload, String... args) throws Exception {
        return run(dir, null, List.of(), null, workload, args);
    }

    private static AgentRun run(Path dir, Path trace, List<String> jvmOptions, String agentArg, Class<?> workload,
                                String... args) throws Exception {
        List<String> cmd = new ArrayList<>(jvmOptions);
        if (agentArg != null) {
            cmd.add(agentArg);
        }
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(workload.getName());
        cmd.addAll(List.of(args));
        AgentRun r = java(dir, cmd);
        return new AgentRun(r.exitCode, r.stdout, r.stderr, trace);
    }

    /** This JDK's {@code java} with {@code args}, as given; no trace. */
    static AgentRun java(Path dir, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(args);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("java did not finish in 120 s: " + args);
        }
        return new AgentRun(p.exitValue(), Files.readString(out), Files.readString(err), null);
    }

    /** The test classes, and the third-party jars some workloads run on (Jetty), which the pom passes. */
    private static String classPath() {
        String classes = System.getProperty("jtrace.testClasses");
        String jars = System.getProperty("jtrace.workloadClasspath", "");
        return jars.isBlank() || jars.startsWith("${") ? classes : classes + File.pathSeparator + jars;
    }

    RecordedTrace read() throws IOException {
        return RecordedTrace.read(trace);
    }
}
