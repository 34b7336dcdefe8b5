package io.jtrace.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jtrace.analysis.threads.CarrierTimes;
import io.jtrace.analysis.threads.ThreadTimes;
import io.jtrace.analysis.timeline.Breakdown;
import io.jtrace.analysis.timeline.ThreadDescription;
import io.jtrace.analysis.timeline.TimelineSummary;
import io.jtrace.format.BlockReason;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code threads --carriers}: each carrier's time split into running virtual threads (which, how
 * long), running its own code, idle (waiting for work), its own blocks and native calls — Go's
 * per-proc utilisation.
 */
final class CarriersReport {
    private static final int TOP = 3;

    /** One carrier: its thread's own breakdown and what it mounted. */
    private record Row(long id, String name, Breakdown own, CarrierTimes.Carrier mounted) {
        long ownRunningNanos() {
            return Math.max(0, own.runningNanos() - mounted.mountedNanos());
        }

        long idleNanos() {
            return own.blockedNanos(BlockReason.IDLE);
        }

        long ownBlockedNanos() {
            return own.blockedNanos() - idleNanos();
        }
    }

    private final TimelineSummary summary;
    private final List<Row> rows = new ArrayList<>();

    CarriersReport(TimelineSummary summary, ThreadTimes times, CarrierTimes carriers) {
        this.summary = summary;
        for (Map.Entry<Long, CarrierTimes.Carrier> e : carriers.byCarrier().entrySet()) {
            ThreadTimes.Times t = times.byThread().get(e.getKey());
            Breakdown own = t == null ? new Breakdown() : t.breakdown();
            rows.add(new Row(e.getKey(), name(e.getKey()), own, e.getValue()));
        }
        rows.sort(Comparator.comparingLong((Row r) -> r.mounted().mountedNanos()).reversed().thenComparingLong(Row::id));
    }

    private String name(long id) {
        ThreadDescription d = summary.threads().get(id);
        return d == null ? "" : d.name();
    }

    void text(Path file, PrintWriter out) {
        out.printf(Locale.ROOT, "%s: %d carriers over %.3f s%n", file, rows.size(), summary.durationNanos() / 1e9);
        if (rows.isEmpty()) {
            out.println("(no thread mounted a virtual thread)");
            return;
        }
        String format = "%-8s %-26s %24s %12s %12s %12s %12s  %s%n";
        out.printf(Locale.ROOT, format, "ID", "CARRIER", "RUNNING VIRTUAL THREADS", "OWN CODE", "IDLE", "OWN BLOCKS",
                "NATIVE", "LONGEST VIRTUAL THREADS");
        for (Row r : rows) {
            CarrierTimes.Carrier m = r.mounted();
            StringBuilder top = new StringBuilder();
            for (long[] v : m.top(TOP)) {
                top.append(top.isEmpty() ? "" : ", ").append(Reports.thread(summary, v[0])).append(' ').append(Reports.ms(v[1]));
            }
            out.printf(Locale.ROOT, format, "T" + r.id(), r.name(),
                    Reports.ms(m.mountedNanos()) + " ×" + m.mounts() + " (" + (m.otherNanos() > 0 ? "≥" : "")
                            + m.virtualThreads() + ")",
                    Reports.ms(r.ownRunningNanos()), Reports.ms(r.idleNanos()), Reports.ms(r.ownBlockedNanos()),
                    Reports.ms(r.own().nativeNanos()), top);
        }
        out.println("(×n: mounts; (n): distinct virtual threads, counted up to " + CarrierTimes.KEPT_PER_CARRIER
                + " per carrier; own code: running with no virtual thread mounted)");
    }

    void json(PrintWriter out) throws Exception {
        try (JsonGenerator j = Json.generator(out)) {
            j.writeStartArray();
            for (Row r : rows) {
                CarrierTimes.Carrier m = r.mounted();
                j.writeStartObject();
                j.writeNumberField("threadId", r.id());
                j.writeStringField("name", r.name());
                j.writeNumberField("mountedNanos", m.mountedNanos());
                j.writeNumberField("mounts", m.mounts());
                j.writeNumberField("virtualThreads", m.virtualThreads());
                // past CarrierTimes.KEPT_PER_CARRIER distinct threads, the rest is counted here
                j.writeNumberField("otherVirtualThreadsNanos", m.otherNanos());
                j.writeNumberField("ownRunningNanos", r.ownRunningNanos());
                j.writeNumberField("idleNanos", r.idleNanos());
                j.writeNumberField("ownBlockedNanos", r.ownBlockedNanos());
                j.writeNumberField("nativeNanos", r.own().nativeNanos());
                j.writeNumberField("runnableNanos", r.own().runnableNanos());
                j.writeArrayFieldStart("longest");
                for (long[] v : m.top(TOP)) {
                    j.writeStartObject();
                    j.writeNumberField("threadId", v[0]);
                    j.writeStringField("name", name(v[0]));
                    j.writeNumberField("mountedNanos", v[1]);
                    j.writeEndObject();
                }
                j.writeEndArray();
                j.writeEndObject();
            }
            j.writeEndArray();
        }
        out.println();
    }
}
