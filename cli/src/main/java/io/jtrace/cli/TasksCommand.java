package io.jtrace.cli;

import io.jtrace.analysis.latency.TaskLatencies;
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
import java.util.concurrent.Callable;

/** {@code jtrace tasks FILE}: task latencies by type and where the slowest tasks' time went. */
@Command(name = "tasks", description = {"Per task type: count, latency (begin to end) p50/p90/p99/max, a histogram, "
        + "the slowest tasks, and the time by state (running, runnable, blocked by reason, native) inside the task's "
        + "regions on every thread that worked on it."})
final class TasksCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "the trace file")
    Path file;

    @Option(names = "--json", description = "print JSON instead of text: an array of task types")
    boolean json;

    @Mixin
    TracerThreadsOption tracerThreads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TaskLatencies tasks = new TaskLatencies();
        TimelineSummary s;
        try (var progress = TerminalProgress.forStderr(spec.commandLine().getErr())) {
            s = Timeline.read(file, progress.progress(), tracerThreads.show, tasks);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            LatencyReport.json(s, tasks.byType().values(), true, out);
        } else {
            LatencyReport.text("tasks", s, tasks.byType().values(), true, out);
        }
        out.flush();
        Reports.warnings(s, spec.commandLine().getErr());
        return 0;
    }
}
