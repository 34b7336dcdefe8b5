package io.jtrace.bench.overhead;

import io.jtrace.analysis.TraceStats;
import jdk.jfr.consumer.RecordingFile;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one workload under one configuration in fresh child JVMs, reads the result line, then
 * measures the recording (events, bytes) and deletes it.
 */
final class ChildRunner {
    private static final String EOF = "\u0000eof";
    /** How long a JVM may take to exit after its result; then it is killed and the run noted (a hang is a finding). */
    private static final long EXIT_WAIT_MS = 15_000;

    private final Path javaExe;
    private final String workloadClasspath;
    private final List<String> commonJvmArgs;
    private final Path workDir;
    private final Path logFile;
    private final long warmupMs;
    private final long measureMs;
    private final int jettyConnections;
    private final boolean keep;

    ChildRunner(Path java, String workloadClasspath, List<String> commonJvmArgs, Path workDir, Path logFile,
                long warmupMs, long measureMs, int jettyConnections, boolean keep) {
        this.javaExe = java;
        this.workloadClasspath = workloadClasspath;
        this.commonJvmArgs = commonJvmArgs;
        this.workDir = workDir;
        this.logFile = logFile;
        this.warmupMs = warmupMs;
        this.measureMs = measureMs;
        this.jettyConnections = jettyConnections;
        this.keep = keep;
    }

    /** Told when the measured window of a run starts and ends, with the traced JVM's pid (a profiler attaches). */
    interface Window {
        void started(long pid) throws IOException;

        void ended(long pid) throws IOException;
    }

    RunResult run(int round, String workload, Config config) throws IOException, InterruptedException {
        return run(round, workload, config, null);
    }

    /** As {@link #run(int, String, Config)}, telling {@code window} (if not null) the measured window's bounds. */
    RunResult run(int round, String workload, Config config, Window window) throws IOException, InterruptedException {
        double loadAtStart = LoadAverage.oneMinute();
        Path recording = workDir.resolve(workload + "-" + config.name() + "-r" + round + config.fileSuffix());
        Files.deleteIfExists(recording);
        long t0 = System.nanoTime();
        Outcome outcome = workload.equals("jetty")
                ? runJetty(round, config, recording, window)
                : runSingle(round, workload, config, recording, window);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        // before reading the recording: the suite's own parsing is not the run's load
        double loadAtEnd = LoadAverage.oneMinute();
        try {
            if (outcome.error != null) {
                return RunResult.failed(round, workload, config.name(), elapsed, loadAtStart, loadAtEnd, outcome.error);
            }
            String notTracing = outcome.stderrProblem();
            if (notTracing != null) {
                return RunResult.failed(round, workload, config.name(), elapsed, loadAtStart, loadAtEnd, notTracing);
            }
            Result r = Result.parse(outcome.resultLine);
            long events = -1;
            long lost = -1;
            long errors = -1;
            long bytes = -1;
            switch (config.recording()) {
                case NONE -> { }
                case JTRACE -> {
                    if (!Files.isRegularFile(recording)) {
                        return RunResult.failed(round, workload, config.name(), elapsed, loadAtStart, loadAtEnd, "no trace file written");
                    }
                    TraceStats stats = TraceStats.of(recording);
                    events = stats.totalEvents();
                    lost = stats.lostEvents();
                    errors = stats.validationErrors();
                    bytes = stats.bytes();
                }
                case JFR -> {
                    if (!Files.isRegularFile(recording)) {
                        return RunResult.failed(round, workload, config.name(), elapsed, loadAtStart, loadAtEnd, "no recording file written");
                    }
                    bytes = Files.size(recording);
                    events = countJfrEvents(recording);
                }
            }
            return new RunResult(round, workload, config.name(), r.opsPerSec, r.p99Micros, r.cpuMicrosPerOp, events, lost, errors, bytes,
                    outcome.recordedSeconds, loadAtStart, loadAtEnd, null, outcome.note);
        } finally {
            if (!keep) {
                Files.deleteIfExists(recording);
            }
        }
    }

    private static long countJfrEvents(Path file) {
        long n = 0;
        try (RecordingFile f = new RecordingFile(file)) {
            while (f.hasMoreEvents()) {
                f.readEvent();
                n++;
            }
            return n;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private Outcome runSingle(int round, String workload, Config config, Path recording, Window window)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExe.toString());
        cmd.addAll(commonJvmArgs);
        cmd.addAll(config.jvmArgs(recording));
        if (window != null) {
            cmd.add("-D" + WorkloadMain.AWAIT_AFTER_WINDOW + "=true");
        }
        cmd.addAll(List.of("-cp", workloadClasspath, WorkloadMain.class.getName(), workload,
                Long.toString(warmupMs), Long.toString(measureMs)));
        Child child = Child.start(cmd, logFile, "round " + round + " " + workload + " " + config.name());
        if (window != null) {
            try {
                if (child.awaitLine(Meter.WINDOW_START, timeoutMs()) != null) {
                    window.started(child.process.pid());
                }
                if (child.awaitLine(Meter.WINDOW_END, timeoutMs()) != null) {
                    window.ended(child.process.pid());
                }
            } catch (IOException e) {
                child.kill();
                return Outcome.failed("the measured window's observer failed: " + e.getMessage());
            } finally {
                child.closeInput(); // the JVM waits for its stdin after the window
            }
        }
        String line = child.awaitLine(Meter.RESULT_PREFIX, timeoutMs());
        long start = child.startNanos;
        int exit = child.awaitExit(EXIT_WAIT_MS);
        double lifetime = (System.nanoTime() - start) / 1e9;
        return Outcome.of(line, exit, child, lifetime);
    }

    private Outcome runJetty(int round, Config config, Path recording, Window window) throws IOException, InterruptedException {
        List<String> server = new ArrayList<>();
        server.add(javaExe.toString());
        server.addAll(commonJvmArgs);
        server.addAll(config.jvmArgs(recording));
        server.addAll(List.of("-cp", workloadClasspath, JettyServerMain.class.getName()));
        Child serverChild = Child.start(server, logFile, "round " + round + " jetty-server " + config.name());
        String port = serverChild.awaitLine("PORT ", 60_000);
        if (port == null) {
            serverChild.kill();
            return Outcome.failed("the Jetty server did not start: " + serverChild.stderrTail());
        }
        List<String> load = new ArrayList<>();
        load.add(javaExe.toString());
        load.addAll(List.of("-Xms512m", "-Xmx512m", "-cp", workloadClasspath, JettyLoadMain.class.getName(),
                port.substring("PORT ".length()).strip(), Integer.toString(jettyConnections),
                Long.toString(warmupMs), Long.toString(measureMs)));
        Child loadChild = Child.start(load, logFile, "round " + round + " jetty-load " + config.name());
        String line = null;
        String observerFailed = null;
        if (loadChild.awaitLine(Meter.WINDOW_START, timeoutMs()) != null) {
            long cpu0 = serverChild.cpuNanos();
            observerFailed = observe(window, true, serverChild);
            if (loadChild.awaitLine(Meter.WINDOW_END, timeoutMs()) != null) {
                long cpu = serverChild.cpuNanos() - cpu0;
                if (observerFailed == null) {
                    observerFailed = observe(window, false, serverChild);
                }
                line = loadChild.awaitLine(Meter.RESULT_PREFIX, 30_000);
                if (line != null) {
                    line = line.replace("cpuMicrosPerOp=-", "cpuMicrosPerOp=" + perOpMicros(cpu, line));
                }
            }
        }
        int loadExit = loadChild.awaitExit(30_000);
        serverChild.closeInput();
        int exit = serverChild.awaitExit(EXIT_WAIT_MS);
        double lifetime = (System.nanoTime() - serverChild.startNanos) / 1e9;
        if (loadExit != 0) {
            return Outcome.failed("the load generator exited with " + loadExit + ": " + loadChild.stderrTail());
        }
        if (observerFailed != null) {
            return Outcome.failed(observerFailed);
        }
        return Outcome.of(line, exit, serverChild, lifetime);
    }

    /** Tells {@code window} (if any) that the window started or ended; the failure's line, or null. */
    private static String observe(Window window, boolean start, Child traced) {
        if (window == null) {
            return null;
        }
        try {
            if (start) {
                window.started(traced.process.pid());
            } else {
                window.ended(traced.process.pid());
            }
            return null;
        } catch (IOException e) {
            return "the measured window's observer failed: " + e.getMessage();
        }
    }

    private static String perOpMicros(long cpuNanos, String resultLine) {
        for (String field : resultLine.split(" ")) {
            if (field.startsWith("ops=")) {
                long ops = Long.parseLong(field.substring(4));
                return cpuNanos < 0 || ops == 0 ? "-" : String.format(Locale.ROOT, "%.4f", cpuNanos / 1e3 / ops);
            }
        }
        return "-";
    }

    static final String HUNG_AT_EXIT = "hung at exit, killed";

    private long timeoutMs() {
        return warmupMs + measureMs + 120_000;
    }

    /** A parsed result line. */
    private record Result(double opsPerSec, double p99Micros, double cpuMicrosPerOp) {
        static Result parse(String line) {
            double ops = Double.NaN;
            double p99 = Double.NaN;
            double cpu = Double.NaN;
            for (String field : line.split(" ")) {
                if (field.startsWith("cpuMicrosPerOp=") && !field.endsWith("-")) {
                    cpu = Double.parseDouble(field.substring("cpuMicrosPerOp=".length()));
                }
                if (field.startsWith("opsPerSec=")) {
                    ops = Double.parseDouble(field.substring("opsPerSec=".length()));
                } else if (field.startsWith("p99Micros=") && !field.endsWith("-")) {
                    p99 = Double.parseDouble(field.substring("p99Micros=".length()));
                }
            }
            return new Result(ops, p99, cpu);
        }
    }

    private record Outcome(String resultLine, String error, Child child, double recordedSeconds, String note) {
        static Outcome failed(String error) {
            return new Outcome(null, error, null, 0, null);
        }

        static Outcome of(String line, int exit, Child child, double lifetime) {
            if (line == null) {
                return failed("no result line (exit " + exit + "): " + child.stderrTail());
            }
            if (child.killed) {
                // the measurement is complete; the recording may be cut short (a trace keeps its complete generations)
                return new Outcome(line, null, child, lifetime, HUNG_AT_EXIT);
            }
            if (exit != 0) {
                return failed("exit status " + exit + ": " + child.stderrTail());
            }
            return new Outcome(line, null, child, lifetime, null);
        }

        /** A configuration that did not take effect says so on stderr and lets the program run. */
        String stderrProblem() {
            for (String l : child.stderr) {
                if (l.startsWith("jtrace: not tracing") || l.startsWith("jtrace: recording stopped") || l.contains("Could not find agent library")
                        || l.contains("[ERROR]") || l.startsWith("Error occurred during initialization of VM")) {
                    return l.strip();
                }
            }
            return null;
        }
    }

    /** A child JVM: stdout lines in a queue, stderr kept and appended to the suite's log. */
    private static final class Child {
        final Process process;
        final long startNanos;
        final LinkedBlockingQueue<String> stdout = new LinkedBlockingQueue<>();
        final List<String> stderr = Collections.synchronizedList(new ArrayList<>());
        final Thread errReader;
        final Path log;

        private Child(Process process, long startNanos, Path log, String label) {
            this.process = process;
            this.startNanos = startNanos;
            this.log = log;
            Thread.ofPlatform().daemon().name("child-stdout").start(() -> pump(process.inputReader(StandardCharsets.UTF_8), stdout::add, true));
            errReader = Thread.ofPlatform().daemon().name("child-stderr").start(() -> pump(
                    new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)),
                    stderr::add, false));
            appendLog(log, "== " + label + ": " + String.join(" ", process.info().arguments().map(List::of).orElse(List.of())));
        }

        static Child start(List<String> cmd, Path log, String label) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            long t = System.nanoTime();
            Process p = pb.start();
            return new Child(p, t, log, label);
        }

        private void pump(BufferedReader reader, Consumer<String> sink, boolean signalEof) {
            try (reader) {
                String l;
                while ((l = reader.readLine()) != null) {
                    sink.accept(l);
                }
            } catch (IOException e) {
                // the process went away
            } finally {
                if (signalEof) {
                    stdout.add(EOF);
                }
            }
        }

        String awaitLine(String prefix, long timeoutMs) throws InterruptedException {
            long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
            while (true) {
                long left = deadline - System.nanoTime();
                String l = stdout.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
                if (l == null || l.equals(EOF)) {
                    return null;
                }
                if (l.startsWith(prefix)) {
                    return l;
                }
            }
        }

        /** CPU time of the process so far (all threads), -1 if the OS does not tell. */
        long cpuNanos() {
            return process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
        }

        void closeInput() {
            try {
                OutputStream in = process.getOutputStream();
                in.close();
            } catch (IOException e) {
                // already gone
            }
        }

        int awaitExit(long timeoutMs) throws InterruptedException {
            if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
                kill();
                killed = true;
                stderr.add("killed after " + timeoutMs + " ms without exiting");
            }
            errReader.join(5_000);
            for (String l : List.copyOf(stderr)) {
                appendLog(log, l);
            }
            return killed ? -1 : process.exitValue();
        }

        boolean killed;

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        String stderrTail() {
            List<String> copy = List.copyOf(stderr);
            return copy.isEmpty() ? "(no stderr)" : String.join(" | ", copy.subList(Math.max(0, copy.size() - 3), copy.size()));
        }

        private static void appendLog(Path log, String line) {
            try {
                Files.writeString(log, line + System.lineSeparator(), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                // the log is a convenience
            }
        }
    }
}
