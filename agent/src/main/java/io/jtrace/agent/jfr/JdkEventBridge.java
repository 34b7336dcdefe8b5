package io.jtrace.agent.jfr;

import io.jtrace.format.StackFrame;
import io.jtrace.format.Wire;
import io.jtrace.recorder.LateEvents;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.EventStream;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What only the JVM knows, from its own in-process event stream (JFR), written into the trace
 * after the fact: which platform thread waited for a contended monitor and who held it
 * ({@code jdk.JavaMonitorEnter.previousOwner}), who notified a platform thread's Object.wait
 * ({@code jdk.JavaMonitorWait.notifier}), collector pauses and safepoints. The stream
 * delivers about once a second; events are sorted, mapped onto the trace clock with
 * {@link ClockSync} and handed to {@link LateEvents}.
 */
public final class JdkEventBridge {
    /** How long stopping waits for the stream to deliver what was recorded before. */
    private static final long STOP_PATIENCE_MILLIS = 2_000;
    /** The threads Flight Recorder runs (JDK 25), which exist only because the bridge started it. */
    private static final Set<String> JFR_THREADS = Set.of("JFR Periodic Tasks", "JFR Recorder Thread", "JFR Shutdown Hook");

    private final Recording recording = new Recording();
    private EventStream stream;
    private final List<RecordedEvent> pending = new ArrayList<>();
    private final Map<Long, Long> safepointStarts = new HashMap<>();
    /** Set when the stop begins: no more syncs per flush. */
    private volatile boolean stopping;
    /** Chunk ends committed, and the latest one the stream delivered. */
    private final java.util.concurrent.atomic.AtomicLong chunkEnds = new java.util.concurrent.atomic.AtomicLong();
    private volatile long chunkEndSeen;
    private final Runnable chunkEndSync = this::chunkEndSync;
    /** Whether this bridge asked Flight Recorder to keep its repository at exit (and so deletes it itself). */
    private boolean keepsRepository;
    /** Epoch nanoseconds minus trace nanoseconds, from the latest ClockSync; unknown until the first. */
    private long offset = Long.MIN_VALUE;

    private JdkEventBridge() {}

    /**
     * Whether Flight Recorder runs, or will run, for the application itself: started already, or
     * asked for on the command line (a recording from -XX:StartFlightRecording starts after the
     * agent's premain). One the application starts later through the API or jcmd shares the
     * threads the bridge's recording started; they stay the tracer's (README, known limits).
     */
    private static boolean applicationUsesFlightRecorder() {
        if (FlightRecorder.isInitialized()) {
            return true;
        }
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-XX:StartFlightRecording") || arg.startsWith("-XX:FlightRecorderOptions")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Records the JDK's events from now on; {@link #stream()} then reads them back on the calling
     * thread until {@link #stop()}.
     */
    static JdkEventBridge start() throws IOException {
        boolean oursAlone = !applicationUsesFlightRecorder(); // before anything here starts Flight Recorder
        if (oursAlone) {
            // Flight Recorder starts for us: its threads are the tracer's, not the application's
            LateEvents.tracerThreadNames(JFR_THREADS);
        }
        JdkEventBridge bridge = new JdkEventBridge(); // its Recording starts Flight Recorder
        bridge.keepsRepository = oursAlone && preserveRepository(true);
        Recording r = bridge.recording;
        r.setName("jtrace");
        r.setToDisk(true); // the in-process stream reads the disk repository
        r.enable("jdk.JavaMonitorEnter").withThreshold(Duration.ZERO).withStackTrace();
        r.enable("jdk.JavaMonitorWait").withThreshold(Duration.ZERO).withoutStackTrace();
        r.enable("jdk.GarbageCollection");
        r.enable("jdk.SafepointBegin");
        r.enable("jdk.SafepointEnd");
        FlightRecorder.addPeriodicEvent(ClockSync.class, bridge.chunkEndSync);
        r.enable(ClockSync.class).with("period", "endChunk");
        r.start();
        // opened once the recording runs: before, the repository it reads may not exist yet
        EventStream s = EventStream.openRepository();
        bridge.stream = s;
        s.setStartTime(Instant.now().minusSeconds(1));
        s.onEvent(bridge::collect);
        s.onFlush(bridge::flush);
        sync();
        return bridge;
    }

    /**
     * Delivers the recorded events until {@link #stop()}, on this thread: a thread of the JDK's
     * ({@code startAsync}) would keep the JVM from exiting, and from running the shutdown hook that
     * stops it.
     */
    void stream() {
        try {
            stream.start();
        } catch (IllegalStateException closedAlready) {
            // stopped before it began: stop() delivered what there was
        }
    }

    private static void sync() {
        ClockSync c = new ClockSync();
        c.begin();
        c.traceTime = LateEvents.traceTime();
        c.commit();
    }

    /** Run by Flight Recorder as each chunk ends, the last one's included, on the thread that ends it. */
    private void chunkEndSync() {
        ClockSync c = new ClockSync();
        c.begin();
        c.traceTime = LateEvents.traceTime();
        c.chunkEnd = chunkEnds.incrementAndGet();
        c.commit();
    }

    /**
     * Waits (bounded) until the stream delivered what was recorded, then closes and delivers it. The recording
     * ends either here or, at the JVM's exit, in Flight Recorder's own shutdown hook, which runs
     * beside the tracer's; either way its last chunk ends with a chunk-end sync, and the stream has
     * delivered everything once it delivered that one. Flight Recorder's exit deletes the
     * repository the stream reads, so a bridge that started Flight Recorder asks it to keep the
     * repository and deletes it itself when done; one that shares Flight Recorder with the
     * application stops waiting when the repository is gone (what had not arrived by then is lost:
     * README, known limits).
     */
    void stop() {
        stopping = true;
        try {
            // stopping our recording ends its last chunk, which the stream then reads; at JVM exit
            // the JDK's own shutdown hook may have stopped it already
            recording.stop();
        } catch (IllegalStateException alreadyStopped) {
            // what was recorded until then is on disk all the same
        }
        long lastChunkEnd = chunkEnds.get(); // the last chunk's is among them: it is ended now
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_PATIENCE_MILLIS);
        try {
            while (chunkEndSeen < lastChunkEnd && System.nanoTime() < deadline && repositoryExists()) {
                Thread.sleep(10); // the stream still reads
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
        flush();
        if (keepsRepository) {
            deleteRepositoryAtExit();
        }
    }

    /**
     * Sets Flight Recorder's own "preserve repository" option (what {@code jcmd JFR.configure
     * preserve-repository=…} sets), through the class the agent exports to the tracer; false if
     * it cannot.
     */
    private static boolean preserveRepository(boolean preserve) {
        try {
            Class.forName("jdk.jfr.internal.Options").getMethod("setPreserveRepository", boolean.class).invoke(null, preserve);
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * At the JVM's exit, once Flight Recorder's shutdown hook is done, the repository it kept for
     * the stream is deleted (while the JVM runs on after a stop, Flight Recorder's exit does it).
     */
    private static void deleteRepositoryAtExit() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return; // not exiting
        } catch (IllegalStateException exiting) {
            // go on
        }
        String dir = System.getProperty("jdk.jfr.repository");
        Thread flightRecordersExit = thread("JFR Shutdown Hook");
        try {
            if (flightRecordersExit != null) {
                flightRecordersExit.join(STOP_PATIENCE_MILLIS); // it deletes it itself if it clears after our reset
            }
            if (dir != null && java.nio.file.Files.isDirectory(java.nio.file.Path.of(dir))) {
                try (var files = java.nio.file.Files.walk(java.nio.file.Path.of(dir))) {
                    for (java.nio.file.Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                        java.nio.file.Files.deleteIfExists(f);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // a repository left in the temporary directory: Flight Recorder's own behaviour with preserve-repository
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the directory the stream reads is still there (Flight Recorder's exit deletes it). */
    private static boolean repositoryExists() {
        String dir = System.getProperty("jdk.jfr.repository");
        return dir == null || java.nio.file.Files.isDirectory(java.nio.file.Path.of(dir));
    }

    /** The live platform thread named {@code name}, or null. */
    private static Thread thread(String name) {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] all = new Thread[root.activeCount() + 16];
        int n = root.enumerate(all, true);
        for (int i = 0; i < n; i++) {
            if (all[i].getName().equals(name)) {
                return all[i];
            }
        }
        return null;
    }

    /** Ends the recording without delivering anything. */
    void close() {
        stream.close();
        recording.close();
        FlightRecorder.removePeriodicEvent(chunkEndSync);
        if (keepsRepository) {
            preserveRepository(false);
        }
    }

    private synchronized void collect(RecordedEvent e) {
        pending.add(e);
    }

    private synchronized void flush() {
        pending.sort(Comparator.comparing(RecordedEvent::getStartTime));
        for (RecordedEvent e : pending) {
            if (e.getEventType().getName().equals("io.jtrace.ClockSync")) {
                offset = epochNanos(e.getStartTime()) - e.getLong("traceTime");
                chunkEndSeen = Math.max(chunkEndSeen, e.getLong("chunkEnd"));
            }
        }
        if (offset == Long.MIN_VALUE) {
            return; // keep them until the first clock sync arrives
        }
        // every timed part (a monitor block's start and its end are two) in time order: the
        // recorder writes a late event earlier than its buffer's last one into a new buffer, and
        // H2's eight threads contending on monitors made one per event, out of the budget
        List<Part> parts = new ArrayList<>();
        for (RecordedEvent e : pending) {
            deliver(e, parts);
        }
        parts.sort(Comparator.comparingLong(Part::time));
        for (Part p : parts) {
            p.write().run();
        }
        pending.clear();
        if (!stopping) {
            sync(); // one per flush keeps the offset fresh
        }
    }

    /** One write of a late fact at its trace time. */
    private record Part(long time, Runnable write) {}

    /** Adds the writes {@code e} stands for to {@code parts}, each at its time. */
    private void deliver(RecordedEvent e, List<Part> parts) {
        long start = epochNanos(e.getStartTime()) - offset;
        long end = epochNanos(e.getEndTime()) - offset;
        switch (e.getEventType().getName()) {
            case "jdk.JavaMonitorEnter" -> {
                RecordedThread t = e.getThread();
                if (t == null || t.isVirtual() || end < start) {
                    return; // virtual threads' monitor blocks are seen by the unmount hook
                }
                long thread = t.getJavaThreadId();
                RecordedThread owner = e.getThread("previousOwner");
                long previousOwner = owner == null ? 0 : owner.getJavaThreadId();
                String monitorClass = e.getClass("monitorClass").getName();
                List<StackFrame> frames = frames(e.getStackTrace());
                if (insideTheTracer(frames)) {
                    return; // a thread contending for one of the tracer's own locks: not the application's block
                }
                boolean truncated = e.getStackTrace() != null && e.getStackTrace().isTruncated();
                parts.add(new Part(start, () -> LateEvents.monitorEnter(thread, start, monitorClass, frames, truncated)));
                parts.add(new Part(end, () -> LateEvents.monitorEntered(thread, end, previousOwner)));
            }
            case "jdk.JavaMonitorWait" -> {
                RecordedThread t = e.getThread();
                RecordedThread notifier = e.getThread("notifier");
                if (t != null && !t.isVirtual() && notifier != null) {
                    long thread = t.getJavaThreadId();
                    long by = notifier.getJavaThreadId();
                    parts.add(new Part(end, () -> LateEvents.notified(thread, end, by)));
                }
            }
            case "jdk.GarbageCollection" -> {
                long id = e.getLong("gcId");
                String name = e.getString("name");
                parts.add(new Part(start, () -> LateEvents.gcPause(id, name, start, end)));
            }
            case "jdk.SafepointBegin" -> safepointStarts.put(e.getLong("safepointId"), start);
            case "jdk.SafepointEnd" -> {
                Long begin = safepointStarts.remove(e.getLong("safepointId"));
                if (begin != null) {
                    parts.add(new Part(begin, () -> LateEvents.safepoint(begin, end)));
                }
            }
            default -> { }
        }
    }

    /**
     * Whether a stack runs the recorder's or the hooks' code: nothing the application calls back
     * runs there, so a monitor entered from such a stack is the tracer's (its stack and string
     * tables lock to insert), however the application itself got there.
     */
    static boolean insideTheTracer(List<StackFrame> frames) {
        for (StackFrame f : frames) {
            if (f.className().startsWith("io.jtrace.recorder.") || f.className().startsWith("io.jtrace.agent.hooks.")) {
                return true;
            }
        }
        return false;
    }

    private static List<StackFrame> frames(RecordedStackTrace stack) {
        if (stack == null) {
            return List.of();
        }
        List<StackFrame> frames = new ArrayList<>(stack.getFrames().size());
        for (RecordedFrame f : stack.getFrames()) {
            if (!f.isJavaFrame()) {
                continue;
            }
            int kind = switch (f.getType()) {
                case "Interpreted" -> Wire.FRAME_INTERPRETED;
                case "JIT compiled" -> Wire.FRAME_COMPILED;
                case "Inlined" -> Wire.FRAME_INLINED;
                case "Native" -> Wire.FRAME_NATIVE;
                default -> Wire.FRAME_UNKNOWN;
            };
            frames.add(new StackFrame(f.getMethod().getType().getName(), f.getMethod().getName(),
                    f.getMethod().getDescriptor(), "", f.getLineNumber() < 0 ? -1 : f.getLineNumber(),
                    f.getBytecodeIndex() < 0 ? -1 : f.getBytecodeIndex(), kind));
        }
        return frames;
    }

    private static long epochNanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
