package io.jtrace.bench;

import io.jtrace.Trace;
import io.jtrace.TraceOptions;
import io.jtrace.format.Event;
import io.jtrace.format.EventType;
import io.jtrace.format.Generation;
import io.jtrace.format.TraceReader;
import io.jtrace.recorder.Recorder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The cost of one event without a stack on the recorder's hot path, in ns per event
 * (DESIGN.md: "a few tens of nanoseconds"; target ≤ 25 ns and ≤ 6 bytes per event), next to the
 * JDK Flight Recorder's commit of a custom event without a stack, the cost of an annotation while
 * tracing is off, and {@code System.nanoTime()} (the floor: every event takes one timestamp).
 *
 * <p>Traced benchmarks record to a real file in a fresh temporary directory, with
 * {@code stacks=off} and a 256 MiB buffer budget. After the trial the trace is stopped, read back
 * with {@link TraceReader} and a line starting {@code [jtrace-bench]} is printed with the file's
 * bytes per event and the lost (dropped) events; the JFR benchmarks print the same for their
 * recording. A region begin+end pair counts as two events ({@code @OperationsPerInvocation(2)}),
 * so every score is ns per event. With {@code @Threads(2)} the score is the time per event as
 * seen by each thread (the two threads together record twice as many events per second).
 * Each benchmark thread also prints its CPU time per event over the measurement iterations: on a
 * shared machine that number does not include the time the thread waited for a CPU.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar EventCostBenchmark -f 2 -wi 3 -w 1s -i 5 -r 1s}
 * (docs/performance.md). For {@code -prof gc} add {@code -Djtrace.bench.read=false} to the forks'
 * JVM arguments: JMH counts the allocation of every thread, the read-back included. System
 * properties {@code jtrace.bench.budget}, {@code .read}, {@code .keep} and {@code .sink} are
 * described below.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// Carrier-local writers, as with the agent (which opens jdk.internal.misc the same way). The fixed
// 6 GiB heap is for reading the trace back after the trial (one generation's events at a time);
// the hot path allocates nothing.
@Fork(value = 2, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms6g", "-Xmx6g"})
public class EventCostBenchmark {
    static final String REGION_TYPE = "bench.region";
    static final String LOG_CATEGORY = "bench";
    static final String LOG_MESSAGE = "hello";

    /**
     * Stacks off; a budget large enough that a writer thread that falls behind for a while (the
     * machine has 2 cores) does not run out of buffers: the default 32 MiB is ~0.1-0.3 s of events
     * at this rate. The rest are the defaults.
     */
    static final TraceOptions OPTIONS = TraceOptions.defaults()
            .withStacks(TraceOptions.Stacks.OFF)
            .withBudgetBytes(Long.getLong("jtrace.bench.budget", 256L << 20));

    /** Read the trace back after the trial (set false for allocation profiling with -prof gc). */
    static final boolean READ_BACK = Boolean.parseBoolean(System.getProperty("jtrace.bench.read", "true"));
    /**
     * Where the trace goes: {@code file} (default: a file in a temporary directory) or
     * {@code discard} (an OutputStream that counts and drops the bytes: a diagnostic that takes the
     * file system and the page cache out of the picture; nothing is read back then).
     */
    static final String SINK = System.getProperty("jtrace.bench.sink", "file");
    /** Keep the trace file after the trial (its path is printed), for inspection. */
    static final boolean KEEP = Boolean.getBoolean("jtrace.bench.keep");

    /** Every thread's operation counter of this trial (this JVM runs one benchmark). */
    static final Queue<Ops> ALL_OPS = new ConcurrentLinkedQueue<>();
    private static final com.sun.management.ThreadMXBean THREAD_MX =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /**
     * Events recorded by one benchmark thread (a cross-check of the events found in the trace), its
     * CPU time per event over the measurement iterations, and the bytes it allocated per event in the
     * last iteration.
     *
     * <p>CPU time per event is printed because this machine is shared: when other processes take the
     * CPU, JMH's wall-clock score counts the time a benchmark thread waits to run, the thread's CPU
     * time does not. Allocation is the benchmark thread's alone (JMH's {@code -prof gc} counts every
     * thread of the JVM: the trace writer, and the read-back after the trial).
     */
    @State(Scope.Thread)
    public static class Ops {
        long n;
        private boolean measuring;
        private long iterationStartOps;
        private long iterationStartBytes;
        private long iterationStartCpu;
        private long iterationStartWall;
        private long measuredOps;
        private long measuredCpu;
        private long measuredWall;
        private long lastBytes;
        private long lastOps;

        @Setup(Level.Trial)
        public void register() {
            ALL_OPS.add(this);
        }

        @Setup(Level.Iteration)
        public void markIteration(IterationParams iteration) {
            measuring = iteration.getType() == IterationType.MEASUREMENT;
            iterationStartOps = n;
            iterationStartWall = System.nanoTime();
            iterationStartCpu = THREAD_MX.getCurrentThreadCpuTime();
            iterationStartBytes = THREAD_MX.getCurrentThreadAllocatedBytes();
        }

        @TearDown(Level.Iteration)
        public void sampleIteration() {
            lastBytes = THREAD_MX.getCurrentThreadAllocatedBytes() - iterationStartBytes;
            long cpu = THREAD_MX.getCurrentThreadCpuTime() - iterationStartCpu;
            long wall = System.nanoTime() - iterationStartWall;
            lastOps = n - iterationStartOps;
            if (measuring) {
                measuredOps += lastOps;
                measuredCpu += cpu;
                measuredWall += wall;
            }
        }

        @TearDown(Level.Trial)
        public void printThread() {
            System.out.println(String.format(Locale.ROOT,
                    "[jtrace-bench] %s: measurement iterations: %.2f CPU ns/event, %.2f wall ns/event (on CPU %.0f%%); "
                            + "last iteration allocated %,d bytes for %,d events = %.4f B/event",
                    Thread.currentThread().getName(), (double) measuredCpu / Math.max(1, measuredOps),
                    (double) measuredWall / Math.max(1, measuredOps), 100.0 * measuredCpu / Math.max(1, measuredWall),
                    lastBytes, lastOps, (double) lastBytes / Math.max(1, lastOps)));
        }

        static long total() {
            long sum = 0;
            for (Ops o : ALL_OPS) {
                sum += o.n;
            }
            return sum;
        }
    }

    /** A jtrace recording to a file in a temporary directory, for the whole trial. */
    @State(Scope.Benchmark)
    public static class Tracing {
        Path dir;
        Path file;
        CountingDiscard discard;

        @Setup(Level.Trial)
        public void start() throws IOException {
            if (SINK.equals("discard")) {
                discard = new CountingDiscard();
                Trace.start(discard, OPTIONS);
                System.out.println("[jtrace-bench] tracing to a discarding stream with " + OPTIONS + ", "
                        + Recorder.active().writerStrategy());
                return;
            }
            dir = Files.createTempDirectory("jtrace-bench");
            file = dir.resolve("bench.jtrace");
            Trace.start(file, OPTIONS);
            System.out.println("[jtrace-bench] tracing to " + file + " with " + OPTIONS + ", "
                    + Recorder.active().writerStrategy());
        }

        @TearDown(Level.Trial)
        public void stopAndRead() throws IOException {
            Trace.stop();
            if (discard != null) {
                System.out.println(String.format(Locale.ROOT, "[jtrace-bench] jtrace: %,d bytes discarded, %,d events recorded",
                        discard.bytes, Ops.total()));
                return;
            }
            long bytes = Files.size(file);
            if (!READ_BACK) {
                System.out.println(String.format(Locale.ROOT, "[jtrace-bench] jtrace: %,d bytes, %,d events counted (not read back)",
                        bytes, Ops.total()));
                deleteQuietly();
                return;
            }
            long events = 0;
            long annotations = 0;
            long lost = 0;
            long generations = 0;
            long lossyGenerations = 0;
            long maxLostInGeneration = 0;
            boolean truncated;
            long t0 = System.nanoTime();
            try (TraceReader reader = TraceReader.open(file)) {
                Generation g;
                while ((g = reader.next()) != null) {
                    generations++;
                    events += g.events().size();
                    lost += g.lostEvents();
                    if (g.lostEvents() > 0) {
                        lossyGenerations++;
                        maxLostInGeneration = Math.max(maxLostInGeneration, g.lostEvents());
                    }
                    for (Event e : g.events()) {
                        EventType t = e.type();
                        if (t == EventType.REGION_BEGIN || t == EventType.REGION_END || t == EventType.LOG) {
                            annotations++;
                        }
                    }
                }
                truncated = reader.truncated();
            }
            long readMillis = (System.nanoTime() - t0) / 1_000_000;
            System.out.println(String.format(Locale.ROOT,
                    "[jtrace-bench] jtrace: %,d bytes / %,d events = %.3f bytes/event; lost events %,d "
                            + "(in %d of %d generations, at most %,d in one); annotation events %,d (recorded %,d)%s; "
                            + "read in %,d ms",
                    bytes, events, (double) bytes / Math.max(1, events), lost, lossyGenerations, generations,
                    maxLostInGeneration, annotations, Ops.total(), truncated ? " TRUNCATED" : "", readMillis));
            deleteQuietly();
        }

        void deleteQuietly() {
            if (KEEP) {
                System.out.println("[jtrace-bench] kept " + file);
                return;
            }
            try {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Counts the bytes written to it and drops them. */
    static final class CountingDiscard extends java.io.OutputStream {
        volatile long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }

    /** A JFR custom event with one field, committed without a stack trace. */
    @jdk.jfr.Name("io.jtrace.bench.BenchEvent")
    @jdk.jfr.Label("jtrace bench event")
    public static class BenchEvent extends jdk.jfr.Event {
        @jdk.jfr.Label("value")
        long value;
    }

    /** A JFR recording of {@link BenchEvent} only (stack traces off), to disk, for the whole trial. */
    @State(Scope.Benchmark)
    public static class Jfr {
        Path dir;
        Path file;
        Recording recording;

        @Setup(Level.Trial)
        public void start() throws IOException {
            dir = Files.createTempDirectory("jtrace-bench-jfr");
            file = dir.resolve("bench.jfr");
            recording = new Recording();
            recording.enable(BenchEvent.class).withoutStackTrace();
            recording.enable("jdk.DataLoss");
            recording.setToDisk(true);
            recording.setDestination(file);
            recording.start();
        }

        @TearDown(Level.Trial)
        public void stopAndRead() throws IOException {
            recording.stop(); // writes the destination file
            recording.close();
            long bytes = Files.size(file);
            long events = 0;
            long benchEvents = 0;
            long lostBytes = 0;
            if (!READ_BACK) {
                System.out.println(String.format(Locale.ROOT, "[jtrace-bench] jfr: %,d bytes, %,d events committed (not read back)",
                        bytes, Ops.total()));
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
                return;
            }
            long t0 = System.nanoTime();
            try (RecordingFile in = new RecordingFile(file)) {
                while (in.hasMoreEvents()) {
                    RecordedEvent e = in.readEvent();
                    events++;
                    String name = e.getEventType().getName();
                    if (name.equals("io.jtrace.bench.BenchEvent")) {
                        benchEvents++;
                    } else if (name.equals("jdk.DataLoss")) {
                        lostBytes += e.getLong("amount");
                    }
                }
            }
            long readMillis = (System.nanoTime() - t0) / 1_000_000;
            long ops = Ops.total();
            System.out.println(String.format(Locale.ROOT,
                    "[jtrace-bench] jfr: %,d bytes / %,d events = %.3f bytes/event; bench events %,d of %,d "
                            + "committed (%,d missing); jdk.DataLoss %,d bytes; read in %,d ms",
                    bytes, events, (double) bytes / Math.max(1, events), benchEvents, ops,
                    ops - benchEvents, lostBytes, readMillis));
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    // ---- jtrace, tracing on ----------------------------------------------------------------

    @Benchmark
    @OperationsPerInvocation(2)
    public void regionPair(Tracing tracing, Ops ops) {
        Trace.region(REGION_TYPE).end();
        ops.n += 2;
    }

    @Benchmark
    @OperationsPerInvocation(2)
    @Threads(2)
    public void regionPair_2threads(Tracing tracing, Ops ops) {
        Trace.region(REGION_TYPE).end();
        ops.n += 2;
    }

    @Benchmark
    public void log(Tracing tracing, Ops ops) {
        Trace.log(LOG_CATEGORY, LOG_MESSAGE);
        ops.n++;
    }

    @Benchmark
    @Threads(2)
    public void log_2threads(Tracing tracing, Ops ops) {
        Trace.log(LOG_CATEGORY, LOG_MESSAGE);
        ops.n++;
    }

    // ---- references ---------------------------------------------------------------------------

    @Benchmark
    public void jfrCommit(Jfr jfr, Ops ops) {
        BenchEvent e = new BenchEvent();
        e.value = ops.n;
        e.commit();
        ops.n++;
    }

    @Benchmark
    @Threads(2)
    public void jfrCommit_2threads(Jfr jfr, Ops ops) {
        BenchEvent e = new BenchEvent();
        e.value = ops.n;
        e.commit();
        ops.n++;
    }

    /** Tracing off (never started in this JVM): one region pair, reported per event. */
    @Benchmark
    @OperationsPerInvocation(2)
    public void regionPair_tracingOff() {
        Trace.region(REGION_TYPE).end();
    }

    /** The floor of any timed event. */
    @Benchmark
    public long nanoTime(Ops ops) {
        ops.n++;
        return System.nanoTime();
    }
}
