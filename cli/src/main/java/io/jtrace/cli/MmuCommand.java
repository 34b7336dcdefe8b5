package io.jtrace.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jtrace.analysis.mmu.MinimumMutatorUtilization.Window;
import io.jtrace.analysis.mmu.MmuReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code jtrace mmu FILE}: minimum mutator utilization over window sizes. */
@Command(name = "mmu", description = {
    "Minimum mutator utilization: for each window size w, the smallest fraction of any window of length w "
        + "within the trace during which the application was not stopped (collector pauses and safepoints, "
        + "their union). Exact for each window size (with periodic pauses a larger window can score lower). "
        + "Also the pauses: count, total, longest."})
final class MmuCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "the trace file")
    Path file;

    @Option(names = "--windows", paramLabel = "D,D,…",
            description = "window sizes, e.g. 5ms,50ms,2s (default: 1ms, 10ms, 100ms, 1s, 10s, those within the trace)")
    String windows;

    @Option(names = "--pauses", paramLabel = "all|gc|safepoints", defaultValue = "all",
            description = "what stops the application: all (default), gc (collections only; with a concurrent "
                    + "collector they span concurrent work too) or safepoints")
    String pauses;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<Long> sizes = windows == null ? null : BadUsage.parsing(() -> HumanDurations.parseList(windows));
        MmuReport.Pauses which = switch (pauses.toLowerCase(Locale.ROOT)) {
            case "all" -> MmuReport.Pauses.ALL;
            case "gc" -> MmuReport.Pauses.GC;
            case "safepoints" -> MmuReport.Pauses.SAFEPOINTS;
            default -> throw new BadUsage("--pauses " + pauses + ": expected all, gc or safepoints");
        };
        MmuReport r;
        try (var progress = TerminalProgress.forStderr(spec.commandLine().getErr())) {
            r = MmuReport.of(file, sizes, which, progress.progress());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            printJson(r, out);
        } else {
            print(r, out);
        }
        out.flush();
        StatsCommand.warnIfTruncated(r.truncated(), spec.commandLine().getErr());
        return 0;
    }

    static void print(MmuReport r, PrintWriter out) {
        out.printf(Locale.ROOT, "span:          %s%n", HumanDurations.format(r.spanNanos()));
        out.printf(Locale.ROOT, "pauses:        %,d (%,d collections, %,d safepoints; overlapping ones count once)%n",
                r.pauseCount(), r.gcPauses(), r.safepoints());
        out.printf(Locale.ROOT, "paused:        %s (%.3f%% of the span)%n", HumanDurations.format(r.pausedNanos()),
                r.spanNanos() == 0 ? 0.0 : 100.0 * r.pausedNanos() / r.spanNanos());
        out.printf(Locale.ROOT, "longest pause: %s%n", HumanDurations.format(r.longestPauseNanos()));
        if (r.gcPauses() == 0 && r.safepoints() == 0) {
            out.println("(the trace has no collection or safepoint events: they are recorded by the agent's jdk events)");
        }
        if (r.windows().isEmpty()) {
            out.println("no window size fits the trace's span");
            return;
        }
        out.printf(Locale.ROOT, "%n%10s  %8s  %s%n", "WINDOW", "MMU", "WORST WINDOW STARTS AT");
        for (Window w : r.windows()) {
            out.printf(Locale.ROOT, "%10s  %7.3f%%  %s%n", HumanDurations.format(w.windowNanos()), 100 * w.utilization(),
                    HumanDurations.format(w.worstStart()));
        }
    }

    static void printJson(MmuReport r, PrintWriter out) throws Exception {
        try (JsonGenerator j = Json.generator(out)) {
            j.writeStartObject();
            j.writeNumberField("spanStartNanos", r.spanStart());
            j.writeNumberField("spanEndNanos", r.spanEnd());
            j.writeNumberField("gcPauses", r.gcPauses());
            j.writeNumberField("safepoints", r.safepoints());
            j.writeNumberField("pauses", r.pauseCount());
            j.writeNumberField("pausedNanos", r.pausedNanos());
            j.writeNumberField("longestPauseNanos", r.longestPauseNanos());
            j.writeArrayFieldStart("windows");
            for (Window w : r.windows()) {
                j.writeStartObject();
                j.writeNumberField("windowNanos", w.windowNanos());
                j.writeNumberField("mmu", w.utilization());
                j.writeNumberField("worstWindowStartNanos", w.worstStart());
                j.writeEndObject();
            }
            j.writeEndArray();
            j.writeBooleanField("truncated", r.truncated());
            j.writeEndObject();
        }
        out.println();
    }
}
