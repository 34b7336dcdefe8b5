package io.jtrace.bench.overhead;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How much of a profiled JVM's CPU samples are the tracer's, from async-profiler's collapsed
 * output with the {@code threads} option: one line per distinct stack,
 * {@code [thread-name tid=N];outermost;…;innermost COUNT}, frames as {@code pkg/Class.method}.
 *
 * <p>A sample is the <b>tracer's</b> when one of its frames is jtrace's own code (package
 * {@code io.jtrace}, except the suite's workloads in {@code io.jtrace.bench}, plus the native
 * helper's {@code jtfp_} functions) or when its thread is one of the tracer's ({@code jtrace-…}:
 * the writer, the JDK-event bridge, the shutdown flush), whose every sample is work done for the
 * trace. Samples of the agent's <b>start-up</b> (a stack through premain or the agent's Startup
 * class) are counted apart and not in the tracer's share: they are paid once per JVM, not per
 * event. JFR's own threads are counted apart too: under the jtrace configuration JFR runs only
 * for the agent's JDK-event bridge, yet their samples carry no tracer frame.
 *
 * <p>Every sample outside the start-up also falls into one {@link Where}: the tracer's, or else by
 * its thread the JIT's, the GC's, JFR's, the VM's other threads', or the application's (the rest).
 * Comparing these per operation between a traced and an untraced run shows the costs that carry no
 * tracer frame: more compilation, more collection, a slower application.
 */
final class ProfileShare {
    /** A thread frame's id; the name before it is missing where async-profiler could not read it (a GC thread). */
    private static final Pattern THREAD_ID = Pattern.compile("(^| )tid=\\d+$");
    /** A hidden class's address changes from run to run; the frame is the same code. */
    private static final Pattern LAMBDA_ADDRESS = Pattern.compile("\\$\\$Lambda[./]0x[0-9a-f]+");
    static final String WRITER_THREAD = "jtrace-writer";
    private static final String TRACER_THREAD_PREFIX = "jtrace-";
    private static final String JFR_THREAD_PREFIX = "JFR ";
    /** A stack without a tracer frame in a tracer thread is still the tracer's: it is shown under this name. */
    static final String THREAD_ONLY = "(no tracer frame: in a jtrace- thread)";

    private long total;
    private long tracer;
    private long writer;
    private long startUp;
    private long jfrThreads;
    private long lines;
    private final long[] byWhere = new long[Where.values().length];
    private final Map<String, Long> byOutermostFrame = new HashMap<>();

    /** Where a sample's CPU time went; the native thread names are as async-profiler reports them (at most 15 characters). */
    enum Where {
        APPLICATION("application"), TRACER("tracer"), JFR("JFR threads"), JIT("JIT"), GC("GC"), VM("other VM threads");

        final String label;

        Where(String label) {
            this.label = label;
        }

        private static final List<String> JIT_THREADS = List.of("C1 CompilerThre", "C2 CompilerThre");
        private static final List<String> GC_THREADS = List.of("GC Thread", "G1 ");
        private static final List<String> VM_THREADS = List.of("VM Thread", "VM Periodic Tas", "Service Thread",
                "Monitor Deflati", "Notification Th", "Signal Dispatch", "Attach Listener", "Reference Handl", "Finalizer");

        /** The thread's part of the JVM for a sample without a tracer frame; null (no threads option) is the application's. */
        static Where ofThread(String thread) {
            if (thread == null) {
                return APPLICATION;
            }
            if (thread.startsWith(JFR_THREAD_PREFIX)) {
                return JFR;
            }
            if (JIT_THREADS.stream().anyMatch(thread::startsWith)) {
                return JIT;
            }
            // a thread whose name async-profiler could not read is a GC worker
            if (thread.isEmpty() || GC_THREADS.stream().anyMatch(thread::startsWith)) {
                return GC;
            }
            return VM_THREADS.stream().anyMatch(thread::startsWith) ? VM : APPLICATION;
        }
    }

    private ProfileShare() {}

    /** The samples of several runs together (the same workload and configuration in several rounds). */
    static ProfileShare sum(List<ProfileShare> shares) {
        ProfileShare all = new ProfileShare();
        for (ProfileShare s : shares) {
            all.total += s.total;
            all.tracer += s.tracer;
            all.writer += s.writer;
            all.startUp += s.startUp;
            all.jfrThreads += s.jfrThreads;
            all.lines += s.lines;
            for (int i = 0; i < all.byWhere.length; i++) {
                all.byWhere[i] += s.byWhere[i];
            }
            s.byOutermostFrame.forEach((k, v) -> all.byOutermostFrame.merge(k, v, Long::sum));
        }
        return all;
    }

    static ProfileShare read(Path collapsed) throws IOException {
        try (Stream<String> lines = Files.lines(collapsed, StandardCharsets.UTF_8)) {
            return of(lines);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    static ProfileShare of(Stream<String> lines) {
        ProfileShare share = new ProfileShare();
        lines.forEach(share::add);
        return share;
    }

    private void add(String line) {
        int space = line.lastIndexOf(' ');
        if (line.isBlank() || space < 0) {
            return;
        }
        long count;
        try {
            count = Long.parseLong(line.substring(space + 1).strip());
        } catch (NumberFormatException e) {
            return; // not a stack line
        }
        lines++;
        String[] frames = line.substring(0, space).split(";");
        String thread = threadName(frames[0]);
        int first = thread == null ? 0 : 1;
        total += count;
        if (thread != null && thread.equals(WRITER_THREAD)) {
            writer += count;
        }
        if (thread != null && thread.startsWith(JFR_THREAD_PREFIX)) {
            jfrThreads += count;
        }
        String outermost = null;
        boolean startUpStack = false;
        for (int i = first; i < frames.length; i++) {
            String f = frames[i];
            if (isStartUp(f)) {
                startUpStack = true;
                break;
            }
            if (outermost == null && isTracer(f)) {
                outermost = f;
            }
        }
        if (startUpStack) {
            startUp += count;
            return;
        }
        if (outermost == null && thread != null && thread.startsWith(TRACER_THREAD_PREFIX)) {
            outermost = THREAD_ONLY;
        }
        if (outermost != null) {
            tracer += count;
            byWhere[Where.TRACER.ordinal()] += count;
            byOutermostFrame.merge(LAMBDA_ADDRESS.matcher(outermost).replaceAll("\\$\\$Lambda"), count, Long::sum);
        } else {
            byWhere[Where.ofThread(thread).ordinal()] += count;
        }
    }

    /** The thread of a {@code [name tid=N]} frame ("" for {@code [tid=N]}), null if the stack has none (no {@code threads} option). */
    static String threadName(String frame) {
        if (!frame.startsWith("[") || !frame.endsWith("]")) {
            return null;
        }
        return THREAD_ID.matcher(frame.substring(1, frame.length() - 1)).replaceAll("");
    }

    static boolean isTracer(String frame) {
        boolean jtrace = (frame.startsWith("io/jtrace/") || frame.startsWith("io.jtrace."))
                && !frame.startsWith("io/jtrace/bench/") && !frame.startsWith("io.jtrace.bench.");
        return jtrace || frame.startsWith("jtfp_");
    }

    /** Agent start-up: the JDK's call into premain (loading the agent's classes included) and the agent's Startup. */
    static boolean isStartUp(String frame) {
        return frame.toLowerCase(Locale.ROOT).contains("premain")
                || frame.startsWith("io/jtrace/agent/Startup") || frame.startsWith("io.jtrace.agent.Startup");
    }

    long total() {
        return total;
    }

    long tracer() {
        return tracer;
    }

    long writer() {
        return writer;
    }

    long startUp() {
        return startUp;
    }

    long jfrThreads() {
        return jfrThreads;
    }

    /** The samples that went to {@code where} (start-up samples are in none). */
    long where(Where where) {
        return byWhere[where.ordinal()];
    }

    /** Distinct stacks read: 0 means the file held no samples at all. */
    long stacks() {
        return lines;
    }

    /** {@code n} samples as a share of all, in %. */
    double percent(long n) {
        return total == 0 ? Double.NaN : 100.0 * n / total;
    }

    /** The tracer's samples by their outermost tracer frame (where the workload's code entered the tracer), largest first. */
    List<Map.Entry<String, Long>> top(int n) {
        return byOutermostFrame.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .limit(n).toList();
    }
}
