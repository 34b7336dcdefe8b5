package io.jtrace.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jtrace.analysis.latency.Instance;
import io.jtrace.analysis.latency.LatencyHistogram;
import io.jtrace.analysis.latency.TypeLatency;
import io.jtrace.analysis.timeline.TimelineSummary;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Collection;
import java.util.Locale;

/** The report of {@code tasks} and {@code regions}: latencies per type, a histogram, the slowest instances, time by state. */
final class LatencyReport {
    private LatencyReport() {}

    private static final String[] DECADE_LABELS = {"<1µs", "<10µs", "<100µs", "<1ms", "<10ms", "<100ms", "<1s", "<10s", "≥10s"};

    static void text(String what, TimelineSummary s, Collection<TypeLatency> types, boolean tasks, PrintWriter out) {
        if (types.isEmpty()) {
            out.println("no " + what + " in the trace");
        }
        for (TypeLatency t : types) {
            LatencyHistogram h = t.histogram();
            out.printf(Locale.ROOT, "%s \"%s\": %d finished%s%n", tasks ? "task" : "region", t.type(), h.count(),
                    t.unfinishedCount() > 0 ? ", " + t.unfinishedCount() + " unfinished" : "");
            if (h.count() > 0) {
                out.printf(Locale.ROOT, "  latency  p50 %s  p90 %s  p99 %s  max %s  (min %s, mean %s)%n",
                        Reports.ms(h.percentile(0.5)), Reports.ms(h.percentile(0.9)), Reports.ms(h.percentile(0.99)),
                        Reports.ms(h.max()), Reports.ms(h.min()), Reports.ms(h.sum() / h.count()));
                long[] d = h.decadeCounts();
                long most = 0;
                for (long c : d) {
                    most = Math.max(most, c);
                }
                out.println("  histogram");
                for (int i = 0; i < d.length; i++) {
                    if (d[i] > 0) {
                        out.printf(Locale.ROOT, "    %-7s %8d %s%n", DECADE_LABELS[i], d[i],
                                "█".repeat((int) Math.max(1, 40 * d[i] / most)));
                    }
                }
            }
            out.println("  time inside: " + Reports.breakdown(t.breakdown()));
            if (!t.slowest().isEmpty()) {
                out.println("  slowest");
                for (Instance i : t.slowest()) {
                    out.printf(Locale.ROOT, "    %12s  at %.6f s on %s%s%n", Reports.ms(i.duration()), i.start() / 1e9,
                            Reports.thread(s, i.thread()),
                            tasks ? "  (task " + i.id() + ", ended on " + Reports.thread(s, i.endThread()) + ")" : "");
                    if (tasks) {
                        out.println("        threads: " + String.join(", ", i.threads().stream().map(id -> Reports.thread(s, id)).toList()));
                        out.println("        time: " + Reports.breakdown(i.breakdown()));
                    }
                }
            }
        }
    }

    static void json(TimelineSummary s, Collection<TypeLatency> types, boolean tasks, PrintWriter out) throws IOException {
        try (JsonGenerator j = Json.generator(out)) {
            j.writeStartArray();
            for (TypeLatency t : types) {
                LatencyHistogram h = t.histogram();
                j.writeStartObject();
                j.writeStringField("type", t.type());
                j.writeNumberField("count", h.count());
                j.writeNumberField("unfinished", t.unfinishedCount());
                j.writeNumberField("p50Nanos", h.percentile(0.5));
                j.writeNumberField("p90Nanos", h.percentile(0.9));
                j.writeNumberField("p99Nanos", h.percentile(0.99));
                j.writeNumberField("maxNanos", h.max());
                j.writeNumberField("minNanos", h.min());
                j.writeNumberField("totalNanos", h.sum());
                j.writeArrayFieldStart("histogram");
                long[] d = h.decadeCounts();
                for (int i = 0; i < d.length; i++) {
                    j.writeStartObject();
                    if (i < LatencyHistogram.DECADES.length) {
                        j.writeNumberField("belowNanos", LatencyHistogram.DECADES[i]);
                    }
                    j.writeNumberField("count", d[i]);
                    j.writeEndObject();
                }
                j.writeEndArray();
                j.writeObjectFieldStart("breakdown");
                Reports.breakdownFields(j, t.breakdown());
                j.writeEndObject();
                j.writeArrayFieldStart("slowest");
                for (Instance i : t.slowest()) {
                    j.writeStartObject();
                    if (tasks) {
                        j.writeNumberField("id", i.id());
                    }
                    j.writeNumberField("thread", i.thread());
                    j.writeStringField("threadName", nameOf(s, i.thread()));
                    j.writeNumberField("startNanos", i.start());
                    j.writeNumberField("durationNanos", i.duration());
                    if (tasks) {
                        j.writeNumberField("endThread", i.endThread());
                        j.writeArrayFieldStart("threads");
                        for (long id : i.threads()) {
                            j.writeNumber(id);
                        }
                        j.writeEndArray();
                        j.writeObjectFieldStart("breakdown");
                        Reports.breakdownFields(j, i.breakdown());
                        j.writeEndObject();
                    }
                    j.writeEndObject();
                }
                j.writeEndArray();
                j.writeEndObject();
            }
            j.writeEndArray();
        }
        out.println();
    }

    private static String nameOf(TimelineSummary s, long id) {
        var d = s.threads().get(id);
        return d == null ? "" : d.name();
    }
}
