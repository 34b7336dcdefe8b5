package io.jtrace.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jtrace.analysis.TraceStats;
import io.jtrace.format.EventType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code jtrace stats FILE}: what a trace holds, at a glance. */
@Command(name = "stats", description = "Summarize a trace: duration, generations, threads, events by type, size.")
final class StatsCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "the trace file")
    Path file;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TraceStats s;
        try (var progress = TerminalProgress.forStderr(spec.commandLine().getErr())) {
            s = TraceStats.of(file, progress.progress());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            printJson(s, out);
        } else {
            print(file, s, out);
        }
        out.flush();
        warnIfTruncated(s.truncated(), spec.commandLine().getErr());
        return 0;
    }

    static void warnIfTruncated(boolean truncated, PrintWriter err) {
        if (truncated) {
            err.println("jtrace: warning: the trace is truncated (no end record): the recording stopped early "
                    + "(the JVM was killed, or writing the trace failed: the traced JVM's stderr says how much was not written); "
                    + "shown are its complete generations, and lost events counts only theirs");
        }
    }

    static void print(Path file, TraceStats s, PrintWriter out) {
        out.printf(Locale.ROOT, "trace:          %s (%,d bytes)%n", file, s.bytes());
        out.printf(Locale.ROOT, "duration:       %.3f s%n", s.durationNanos() / 1e9);
        out.printf(Locale.ROOT, "generations:    %,d%n", s.generations());
        out.printf(Locale.ROOT, "threads:        %,d%n", s.threads());
        out.printf(Locale.ROOT, "events:         %,d (%.2f bytes/event)%n", s.totalEvents(), s.bytesPerEvent());
        out.printf(Locale.ROOT, "lost events:    %,d%n", s.lostEvents());
        if (s.skippedEvents() > 0) {
            out.printf(Locale.ROOT, "skipped events: %,d (types this version does not know)%n", s.skippedEvents());
        }
        out.printf(Locale.ROOT, "truncated:      %s%n", s.truncated() ? "yes" : "no");
        out.printf(Locale.ROOT, "validation:     %,d errors%n", s.validationErrors());
        for (var e : s.firstErrors()) {
            out.println("  " + e);
        }
        out.println("events by type:");
        for (Map.Entry<EventType, Long> e : s.events().entrySet()) {
            out.printf(Locale.ROOT, "  %-16s %,12d%n", e.getKey().name(), e.getValue());
        }
    }

    static void printJson(TraceStats s, PrintWriter out) throws Exception {
        try (JsonGenerator j = Json.generator(out)) {
            j.writeStartObject();
            j.writeNumberField("durationNanos", s.durationNanos());
            j.writeNumberField("generations", s.generations());
            j.writeNumberField("threads", s.threads());
            j.writeObjectFieldStart("events");
            for (Map.Entry<EventType, Long> e : s.events().entrySet()) {
                j.writeNumberField(e.getKey().name(), e.getValue());
            }
            j.writeEndObject();
            j.writeNumberField("totalEvents", s.totalEvents());
            j.writeNumberField("bytes", s.bytes());
            j.writeNumberField("bytesPerEvent", s.bytesPerEvent());
            j.writeNumberField("lostEvents", s.lostEvents());
            j.writeNumberField("skippedEvents", s.skippedEvents());
            j.writeBooleanField("truncated", s.truncated());
            j.writeNumberField("validationErrors", s.validationErrors());
            j.writeArrayFieldStart("firstValidationErrors");
            for (var e : s.firstErrors()) {
                j.writeString(e.toString());
            }
            j.writeEndArray();
            j.writeEndObject();
        }
        out.println();
    }
}
