package io.jtrace.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jtrace.analysis.ThreadGroups;
import io.jtrace.analysis.threads.CarrierTimes;
import io.jtrace.analysis.threads.ThreadTimes;
import io.jtrace.analysis.timeline.Breakdown;
import io.jtrace.analysis.timeline.ThreadDescription;
import io.jtrace.analysis.timeline.Timeline;
import io.jtrace.analysis.timeline.TimelineSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.ToLongFunction;

/** {@code jtrace threads FILE}: where every thread's time went. */
@Command(name = "threads", sortOptions = false,
        description = {"Per thread: time running, runnable (waiting for a CPU or carrier: scheduler latency), "
                + "blocked by reason and in native calls, with counts; and per group.",
            "Groups, like Go's goroutine groups: threads with numbered names (pool-1-thread-3, ForkJoinPool-1-worker-2) "
                + "by the name with digits replaced by # (pool-#-thread-#); any other thread by its entry method, the "
                + "outermost frame outside the JDK of the first stack it recorded; without one, by its name."})
final class ThreadsCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "the trace file")
    Path file;

    @Option(names = "--sort", paramLabel = "KEY", defaultValue = "running",
            description = "order: running, runnable, blocked, native (most time first) or name (default: ${DEFAULT-VALUE})")
    String sort;

    @Option(names = "--groups", description = "list groups instead of threads")
    boolean groups;

    @Option(names = "--carriers", description = "per carrier thread: running virtual threads (which, how long), "
            + "its own code, idle (waiting for work), its own blocks and native calls")
    boolean carriers;

    @Option(names = "--json", description = "print JSON instead of text: an array of threads (or groups, or carriers)")
    boolean json;

    @Mixin
    TracerThreadsOption tracerThreads;

    @Spec
    CommandSpec spec;

    private record Row(long id, String name, boolean virtual, String group, Breakdown times, Map<String, Long> wokenBy,
                       int threads) {}

    @Override
    public Integer call() throws Exception {
        Comparator<Row> order = order(sort);
        if (carriers && groups) {
            throw new BadUsage("--carriers and --groups exclude each other");
        }
        ThreadTimes times = new ThreadTimes();
        CarrierTimes mounts = new CarrierTimes();
        TimelineSummary s;
        try (var progress = TerminalProgress.forStderr(spec.commandLine().getErr())) {
            // mount spans only for --carriers: a virtual-thread trace has hundreds of thousands
            s = carriers ? Timeline.read(file, progress.progress(), tracerThreads.show, times, mounts)
                    : Timeline.read(file, progress.progress(), tracerThreads.show, times);
        }
        if (carriers) {
            CarriersReport report = new CarriersReport(s, times, mounts);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                report.json(out);
            } else {
                report.text(file, out);
            }
            out.flush();
            Reports.warnings(s, spec.commandLine().getErr());
            return 0;
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<Long, ThreadTimes.Times> e : times.byThread().entrySet()) {
            ThreadDescription d = s.threads().getOrDefault(e.getKey(), new ThreadDescription(e.getKey(), "", false, null));
            rows.add(new Row(e.getKey(), d.name(), d.virtual(), ThreadGroups.group(d.name(), d.virtual(), d.entry()),
                    e.getValue().breakdown(),
                    e.getValue().wokenBy(), 1));
        }
        if (groups) {
            rows = groups(rows);
        }
        rows.sort(order);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            json(rows, out);
        } else {
            text(s, rows, out);
        }
        out.flush();
        Reports.warnings(s, spec.commandLine().getErr());
        return 0;
    }

    private static Comparator<Row> order(String key) {
        ToLongFunction<Row> by = switch (key) {
            case "running" -> r -> r.times().runningNanos();
            case "runnable" -> r -> r.times().runnableNanos();
            case "blocked" -> r -> r.times().blockedNanos();
            case "native" -> r -> r.times().nativeNanos();
            case "name" -> null;
            default -> throw new BadUsage(
                    "unknown --sort key \"" + key + "\" (expected running, runnable, blocked, native or name)");
        };
        Comparator<Row> byName = Comparator.comparing(Row::name).thenComparing(Row::group).thenComparingLong(Row::id);
        return by == null ? byName : Comparator.comparingLong(by).reversed().thenComparing(byName);
    }

    private static List<Row> groups(List<Row> threads) {
        Map<String, List<Row>> byGroup = new TreeMap<>();
        for (Row r : threads) {
            byGroup.computeIfAbsent(r.group(), k -> new ArrayList<>()).add(r);
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, List<Row>> e : byGroup.entrySet()) {
            Breakdown sum = new Breakdown();
            boolean allVirtual = true;
            Map<String, Long> woken = new TreeMap<>();
            for (Row r : e.getValue()) {
                sum.addAll(r.times());
                allVirtual &= r.virtual();
                r.wokenBy().forEach((k, v) -> woken.merge(k, v, Long::sum));
            }
            rows.add(new Row(0, e.getKey(), allVirtual, e.getKey(), sum, woken, e.getValue().size()));
        }
        return rows;
    }

    private void text(TimelineSummary s, List<Row> rows, PrintWriter out) {
        out.printf(Locale.ROOT, "%s: %d %s over %.3f s%n", file, rows.size(), groups ? "groups" : "threads",
                s.durationNanos() / 1e9);
        int nameW = 4;
        int groupW = 5;
        for (Row r : rows) {
            nameW = Math.max(nameW, Math.min(40, r.name().length()));
            groupW = Math.max(groupW, Math.min(80, r.group().length()));
        }
        String rowFormat = groups ? "%-" + groupW + "s %7s %14s %14s %14s %14s%n"
                : "%-8s %-" + nameW + "s %-" + groupW + "s %14s %14s %14s %14s  %s%n";
        if (groups) {
            out.printf(Locale.ROOT, rowFormat, "GROUP", "THREADS", "RUNNING", "RUNNABLE", "BLOCKED", "NATIVE");
        } else {
            out.printf(Locale.ROOT, rowFormat, "ID", "NAME", "GROUP", "RUNNING", "RUNNABLE", "BLOCKED", "NATIVE",
                    "BLOCKED BY REASON | NATIVE BY CALL");
        }
        for (Row r : rows) {
            Breakdown b = r.times();
            String runnable = Reports.ms(b.runnableNanos()) + " ×" + b.runnableCount();
            String blocked = Reports.ms(b.blockedNanos()) + " ×" + b.blockedCount();
            String nat = Reports.ms(b.nativeNanos()) + " ×" + b.nativeCount();
            if (groups) {
                out.printf(Locale.ROOT, rowFormat, r.group(), r.threads(), Reports.ms(b.runningNanos()), runnable, blocked, nat);
            } else {
                StringBuilder reasons = new StringBuilder();
                b.blockedByReason().forEach((k, v) -> reasons.append(reasons.isEmpty() ? "" : ", ").append(k).append(' ')
                        .append(Reports.ms(v)));
                StringBuilder calls = new StringBuilder();
                b.nativeByKind().forEach((k, v) -> calls.append(calls.isEmpty() ? "" : ", ").append(k).append(' ')
                        .append(Reports.ms(v)));
                if (!calls.isEmpty()) {
                    reasons.append(reasons.isEmpty() ? "| " : " | ").append(calls);
                }
                out.printf(Locale.ROOT, rowFormat, "T" + r.id() + (r.virtual() ? "v" : ""), r.name(), r.group(),
                        Reports.ms(b.runningNanos()), runnable, blocked, nat, reasons);
            }
        }
        if (!groups) {
            out.println("(Tnv: a virtual thread; ×n: how many times the thread entered the state)");
        }
    }

    private void json(List<Row> rows, PrintWriter out) throws Exception {
        try (JsonGenerator j = Json.generator(out)) {
            j.writeStartArray();
            for (Row r : rows) {
                j.writeStartObject();
                if (groups) {
                    j.writeStringField("group", r.group());
                    j.writeNumberField("threads", r.threads());
                } else {
                    j.writeNumberField("threadId", r.id());
                    j.writeStringField("name", r.name());
                    j.writeBooleanField("virtual", r.virtual());
                    j.writeStringField("group", r.group());
                }
                Reports.breakdownFields(j, r.times());
                j.writeObjectFieldStart("wokenBy");
                for (Map.Entry<String, Long> e : r.wokenBy().entrySet()) {
                    j.writeNumberField(e.getKey(), e.getValue());
                }
                j.writeEndObject();
                j.writeEndObject();
            }
            j.writeEndArray();
        }
        out.println();
    }
}
