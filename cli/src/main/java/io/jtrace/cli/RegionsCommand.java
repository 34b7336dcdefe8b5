package io.jtrace.cli;

import io.jtrace.analysis.latency.RegionLatencies;
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

/** {@code jtrace regions FILE}: region latencies by type. */
@Command(name = "regions", description = {"Per region type: count, latency p50/p90/p99/max, a histogram, the slowest "
        + "regions (thread, start time), and the time by state inside regions of the type."})
final class RegionsCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "the trace file")
    Path file;

    @Option(names = "--json", description = "print JSON instead of text: an array of region types")
    boolean json;

    @Mixin
    TracerThreadsOption tracerThreads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        RegionLatencies regions = new RegionLatencies();
        TimelineSummary s;
        try (var progress = TerminalProgress.forStderr(spec.commandLine().getErr())) {
            s = Timeline.read(file, progress.progress(), tracerThreads.show, regions);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            LatencyReport.json(s, regions.byType().values(), false, out);
        } else {
            LatencyReport.text("regions", s, regions.byType().values(), false, out);
        }
        out.flush();
        Reports.warnings(s, spec.commandLine().getErr());
        return 0;
    }
}
