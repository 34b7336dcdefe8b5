package io.jtrace.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jtrace.analysis.timeline.Breakdown;
import io.jtrace.analysis.timeline.ThreadDescription;
import io.jtrace.analysis.timeline.TimelineSummary;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/** Formatting shared by the analysis commands. */
final class Reports {
    private Reports() {}

    /** "12.345ms", or "-" for zero. */
    static String ms(long nanos) {
        return nanos == 0 ? "-" : String.format(Locale.ROOT, "%.3fms", nanos / 1e6);
    }

    /** "T12 name" (or "T12"). */
    static String thread(TimelineSummary s, long id) {
        ThreadDescription d = s.threads().get(id);
        return d == null || d.name().isEmpty() ? "T" + id : "T" + id + " " + d.name();
    }

    /** "running 1.2ms ×3, runnable …, sleep 200ms ×1": the states that took time or occurred. */
    static String breakdown(Breakdown b) {
        StringBuilder s = new StringBuilder();
        part(s, "running", b.runningNanos(), b.runningCount());
        part(s, "runnable", b.runnableNanos(), b.runnableCount());
        for (Map.Entry<String, Long> e : b.blockedByReason().entrySet()) {
            part(s, e.getKey(), e.getValue(), b.blockedCount(io.jtrace.format.BlockReason.valueOf(e.getKey().toUpperCase(Locale.ROOT))));
        }
        part(s, "native", b.nativeNanos(), b.nativeCount());
        if (b.nativeCount() > 0 || b.nativeNanos() > 0) {
            StringBuilder calls = new StringBuilder();
            for (Map.Entry<String, Long> e : b.nativeByKind().entrySet()) {
                part(calls, e.getKey(), e.getValue(), b.nativeCount(e.getKey()));
            }
            s.append(" (").append(calls).append(')');
        }
        return s.isEmpty() ? "-" : s.toString();
    }

    private static void part(StringBuilder s, String label, long nanos, long count) {
        if (nanos == 0 && count == 0) {
            return;
        }
        if (!s.isEmpty()) {
            s.append(", ");
        }
        s.append(label).append(' ').append(String.format(Locale.ROOT, "%.3fms", nanos / 1e6)).append(" ×").append(count);
    }

    /** The fields of a breakdown, inside an object being written. */
    static void breakdownFields(JsonGenerator j, Breakdown b) throws IOException {
        j.writeNumberField("runningNanos", b.runningNanos());
        j.writeNumberField("runnableNanos", b.runnableNanos());
        j.writeObjectFieldStart("blockedNanos");
        for (Map.Entry<String, Long> e : b.blockedByReason().entrySet()) {
            j.writeNumberField(e.getKey(), e.getValue());
        }
        j.writeEndObject();
        j.writeNumberField("nativeNanos", b.nativeNanos());
        j.writeObjectFieldStart("nativeByCall");
        for (Map.Entry<String, Long> e : b.nativeByKind().entrySet()) {
            j.writeNumberField(e.getKey(), e.getValue());
        }
        j.writeEndObject();
        j.writeObjectFieldStart("counts");
        j.writeNumberField("running", b.runningCount());
        j.writeNumberField("runnable", b.runnableCount());
        j.writeObjectFieldStart("blocked");
        for (Map.Entry<String, Long> e : b.blockedByReason().entrySet()) {
            j.writeNumberField(e.getKey(), b.blockedCount(io.jtrace.format.BlockReason.valueOf(e.getKey().toUpperCase(Locale.ROOT))));
        }
        j.writeEndObject();
        j.writeNumberField("native", b.nativeCount());
        j.writeObjectFieldStart("nativeByCall");
        for (String call : b.nativeByKind().keySet()) {
            j.writeNumberField(call, b.nativeCount(call));
        }
        j.writeEndObject();
        j.writeEndObject();
    }

    /** Warnings a user should see on stderr after a report: truncation, late facts that could not be placed. */
    static void warnings(TimelineSummary s, PrintWriter err) {
        StatsCommand.warnIfTruncated(s.truncated(), err);
        if (s.lostEvents() > 0) {
            err.printf(Locale.ROOT, "jtrace: warning: the recorder lost %,d events; times around them are approximate%n",
                    s.lostEvents());
        }
    }
}
