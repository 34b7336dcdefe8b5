package io.jtrace.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jtrace.analysis.ThreadGroups;
import io.jtrace.analysis.wakeups.WakeEdge;
import io.jtrace.analysis.wakeups.WakeNode;
import io.jtrace.analysis.wakeups.WakeupGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code jtrace wakeups FILE}: the wakeup graph. */
@Command(name = "wakeups", description = {
    "The wakeup graph: which threads woke which, how often, how long the woken threads then waited to run "
        + "(scheduler latency: from the wake-up until the thread ran, or mounted for a virtual thread), and the "
        + "wakers' most frequent stacks.",
    "Threads are grouped by name with every run of digits as # (pool-#-thread-#, ForkJoinPool-#-worker-#); unnamed "
        + "virtual threads are \"virtual\", unnamed platform threads \"unnamed\". \"(timer)\" is a timeout, "
        + "\"(unknown)\" a waker Java code cannot see. Monitor hand-overs and Object.wait notifiers of platform "
        + "threads come from the JVM's event stream (column LATE)."})
final class WakeupsCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "the trace file")
    Path file;

    @Option(names = "--threads", description = "one node per thread (name #id) instead of groups")
    boolean byThread;

    @Option(names = "--frames", paramLabel = "N", defaultValue = "5", description = "innermost frames of a waker stack (default 5)")
    int frames;

    @Option(names = "--stacks", paramLabel = "N", defaultValue = "3", description = "waker stacks shown per edge (default 3)")
    int stacks;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Option(names = "--dot", description = "print the graph in Graphviz's dot language")
    boolean dot;

    @Mixin
    TracerThreadsOption tracerThreads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (frames < 1 || stacks < 0) {
            throw new BadUsage("--frames must be at least 1 and --stacks at least 0");
        }
        if (json && dot) {
            throw new BadUsage("--json and --dot exclude each other");
        }
        WakeupGraph g;
        try (var progress = TerminalProgress.forStderr(spec.commandLine().getErr())) {
            g = WakeupGraph.of(file, byThread, frames, stacks, progress.progress(), tracerThreads.show);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            printJson(g, byThread, out);
        } else if (dot) {
            printDot(g, out);
        } else {
            print(g, out);
        }
        out.flush();
        StatsCommand.warnIfTruncated(g.truncated(), spec.commandLine().getErr());
        return 0;
    }

    static void print(WakeupGraph g, PrintWriter out) {
        out.printf(Locale.ROOT, "%,d wake-ups in %,d edges (%s)%n", g.wakeups(), g.edges().size(),
                "latency: from the wake-up until the woken thread ran");
        if (g.edges().isEmpty()) {
            out.println("(wake-ups are recorded by the agent: ./jtrace record, or -javaagent)");
            return;
        }
        int width = 10;
        for (WakeEdge e : g.edges()) {
            width = Math.max(width, e.waker().name().length() + e.wakee().name().length() + 3);
        }
        width = Math.min(width, 80);
        out.printf(Locale.ROOT, "%n%-" + width + "s  %8s %6s %10s %10s %10s %10s%n", "WAKER → WAKEE", "COUNT", "LATE",
                "P50", "P99", "MAX", "TOTAL");
        for (WakeEdge e : g.edges()) {
            boolean timed = e.latencySamples() > 0;
            out.printf(Locale.ROOT, "%-" + width + "s  %,8d %,6d %10s %10s %10s %10s%n",
                    e.waker().name() + " → " + e.wakee().name(), e.count(), e.late(),
                    timed ? HumanDurations.format(e.p50Nanos()) : "-", timed ? HumanDurations.format(e.p99Nanos()) : "-",
                    timed ? HumanDurations.format(e.maxNanos()) : "-", timed ? HumanDurations.format(e.totalNanos()) : "-");
            for (WakeEdge.StackCount s : e.stacks()) {
                String indent = String.format(Locale.ROOT, "    %,8d  ", s.count());
                String more = " ".repeat(indent.length());
                for (int i = 0; i < s.frames().size(); i++) {
                    out.println((i == 0 ? indent : more) + s.frames().get(i));
                }
            }
        }
        if (g.unmatchedLateNotifies() > 0) {
            out.printf(Locale.ROOT, "%n%,d notifier reports from the JVM matched no Object.wait wake-up%n",
                    g.unmatchedLateNotifies());
        }
    }

    static void printJson(WakeupGraph g, boolean byThread, PrintWriter out) throws Exception {
        try (JsonGenerator j = Json.generator(out)) {
            j.writeStartObject();
            j.writeNumberField("wakeups", g.wakeups());
            j.writeStringField("grouping", byThread ? "one node per thread: name #id" : ThreadGroups.RULE);
            j.writeArrayFieldStart("edges");
            for (WakeEdge e : g.edges()) {
                j.writeStartObject();
                node(j, "waker", e.waker());
                node(j, "wakee", e.wakee());
                j.writeNumberField("count", e.count());
                j.writeNumberField("late", e.late());
                j.writeObjectFieldStart("latencyNanos");
                j.writeNumberField("samples", e.latencySamples());
                j.writeNumberField("p50", e.p50Nanos());
                j.writeNumberField("p99", e.p99Nanos());
                j.writeNumberField("max", e.maxNanos());
                j.writeNumberField("total", e.totalNanos());
                j.writeEndObject();
                j.writeNumberField("distinctStacks", e.distinctStacks());
                j.writeArrayFieldStart("stacks");
                for (WakeEdge.StackCount s : e.stacks()) {
                    j.writeStartObject();
                    j.writeNumberField("count", s.count());
                    j.writeArrayFieldStart("frames");
                    for (String f : s.frames()) {
                        j.writeString(f);
                    }
                    j.writeEndArray();
                    j.writeEndObject();
                }
                j.writeEndArray();
                j.writeEndObject();
            }
            j.writeEndArray();
            j.writeNumberField("unmatchedLateNotifies", g.unmatchedLateNotifies());
            j.writeBooleanField("truncated", g.truncated());
            j.writeEndObject();
        }
        out.println();
    }

    private static void node(JsonGenerator j, String field, WakeNode n) throws Exception {
        j.writeObjectFieldStart(field);
        j.writeStringField("name", n.name());
        j.writeStringField("kind", n.kind().name().toLowerCase(Locale.ROOT));
        j.writeEndObject();
    }

    static void printDot(WakeupGraph g, PrintWriter out) {
        out.println("digraph wakeups {");
        out.println("  node [shape=box, fontname=\"monospace\"];");
        java.util.Set<WakeNode> special = new java.util.LinkedHashSet<>();
        for (WakeEdge e : g.edges()) {
            if (e.waker().kind() != WakeNode.Kind.THREADS) {
                special.add(e.waker());
            }
        }
        for (WakeNode n : special) {
            out.println("  " + quote(n.name()) + " [shape=ellipse, style=dashed];");
        }
        for (WakeEdge e : g.edges()) {
            String label = String.format(Locale.ROOT, "%,d", e.count())
                    + (e.latencySamples() > 0 ? "\\np99 " + HumanDurations.format(e.p99Nanos()) : "");
            out.println("  " + quote(e.waker().name()) + " -> " + quote(e.wakee().name()) + " [label=\"" + label + "\"];");
        }
        out.println("}");
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
