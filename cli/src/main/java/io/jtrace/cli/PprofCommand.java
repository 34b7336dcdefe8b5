package io.jtrace.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jtrace.analysis.profile.BlockingProfile;
import io.jtrace.analysis.profile.PprofWriter;
import io.jtrace.analysis.profile.ProfileKind;
import io.jtrace.analysis.timeline.ThreadInterval;
import io.jtrace.analysis.timeline.Timeline;
import io.jtrace.analysis.timeline.TimelineSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** {@code jtrace pprof --kind=K FILE -o OUT}: a blocking profile for {@code go tool pprof}. */
@Command(name = "pprof", sortOptions = false,
        description = {"Write a blocking profile in pprof's format (gzipped protobuf; open it with go tool pprof): "
                + "stacks weighted by the nanoseconds threads spent there, with counts (sample types contentions/count "
                + "and delay/nanoseconds, like Go's block profile).",
            "Kinds: sync = blocked on lock, monitor, wait, join, queue, future, park (at the blocking call); "
                + "io = blocked on socket, file, select, or in a native socket/file call; native = in native calls; "
                + "sleep = sleeping; sched = runnable but not running (scheduler latency), at the stack that made the "
                + "thread runnable as in Go: the waker's (or creator's) stack, or where the thread had blocked when no "
                + "thread woke it (timeout, unknown waker)."})
final class PprofCommand implements Callable<Integer> {
    @Option(names = "--kind", required = true, paramLabel = "KIND", description = "sync, io, native, sleep or sched")
    String kind;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "the profile to write (e.g. sync.pb.gz)")
    Path output;

    @Option(names = "--region", paramLabel = "TYPE", description = "only time inside a region of this type")
    String region;

    @Option(names = "--task", paramLabel = "TYPE", description = "only time inside regions of a task of this type")
    String task;

    @Option(names = "--json", description = "print the summary as JSON instead of text")
    boolean json;

    @Parameters(paramLabel = "FILE", description = "the trace file")
    Path file;

    @Mixin
    TracerThreadsOption tracerThreads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ProfileKind k = BadUsage.parsing(() -> ProfileKind.parse(kind));
        Predicate<ThreadInterval> filter = iv -> true;
        if (region != null) {
            filter = filter.and(iv -> iv.inRegion(region));
        }
        if (task != null) {
            filter = filter.and(iv -> iv.inTaskOfType(task));
        }
        BlockingProfile profile = new BlockingProfile(k, filter);
        TimelineSummary s;
        try (var progress = TerminalProgress.forStderr(spec.commandLine().getErr())) {
            s = Timeline.read(file, progress.progress(), tracerThreads.show, profile);
        }
        String comment = "jtrace " + k.label() + " profile of " + file.getFileName()
                + (region == null ? "" : " --region=" + region) + (task == null ? "" : " --task=" + task);
        try (OutputStream out = Files.newOutputStream(output)) {
            PprofWriter.write(profile, s.wallClockZero() + s.startTime(), s.durationNanos(), comment, out);
        }
        long count = 0;
        long nanos = 0;
        for (BlockingProfile.Sample x : profile.byStack().values()) {
            count += x.count();
            nanos += x.nanos();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            try (JsonGenerator j = Json.generator(out)) {
                j.writeStartObject();
                j.writeStringField("output", output.toString());
                j.writeStringField("kind", k.label());
                j.writeNumberField("stacks", profile.byStack().size());
                j.writeNumberField("count", count);
                j.writeNumberField("nanos", nanos);
                j.writeEndObject();
            }
            out.println();
        } else {
            out.printf(Locale.ROOT, "wrote %s: %s profile, %d stacks, %,d intervals, %.3f ms%n", output, k.label(),
                    profile.byStack().size(), count, nanos / 1e6);
        }
        out.flush();
        Reports.warnings(s, spec.commandLine().getErr());
        return 0;
    }
}
