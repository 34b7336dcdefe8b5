package io.jtrace.cli;

import io.jtrace.Trace;
import io.jtrace.TraceOptions;
import io.jtrace.analysis.TraceStats;
import io.jtrace.cli.demo.DemoWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code jtrace demo}: records the bundled demo workload and prints the trace's stats. */
@Command(name = "demo", description = "Record a demo workload (platform and virtual threads, tasks, regions, logs), "
        + "write the trace and print its stats.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "trace file to write (default: ${DEFAULT-VALUE})",
            defaultValue = "jtrace-demo.jtrace")
    Path output;

    @Option(names = "--orders", paramLabel = "N", description = "orders the demo processes (default: ${DEFAULT-VALUE})",
            defaultValue = "2000")
    int orders;

    @Option(names = "--options", paramLabel = "KEY=VALUE,…",
            description = "recorder options: period, genbytes, buffer, budget, stacks, stackdepth, clock")
    String options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (orders < 1) {
            throw new BadUsage("--orders must be at least 1");
        }
        TraceOptions opts = BadUsage.parsing(() -> TraceOptions.parse(options));
        Trace.start(output, opts);
        DemoWorkload.Result result;
        try {
            result = new DemoWorkload(orders).run();
        } finally {
            Trace.stop();
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("demo: %d orders processed by %d platform workers and %d virtual threads in %d ms%n",
                result.orders(), result.platformWorkers(), result.virtualThreads(), result.millis());
        StatsCommand.print(output, TraceStats.of(output), out);
        out.flush();
        return 0;
    }
}
