package io.jtrace.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jtrace.format.ArgKind;
import io.jtrace.format.BlockReason;
import io.jtrace.format.Event;
import io.jtrace.format.EventType;
import io.jtrace.format.Generation;
import io.jtrace.format.ReadProgress;
import io.jtrace.format.StackFrame;
import io.jtrace.format.StackTrace;
import io.jtrace.format.ThreadInfo;
import io.jtrace.format.ThreadState;
import io.jtrace.format.TraceReader;
import io.jtrace.format.UnmountReason;
import io.jtrace.format.WakerKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code jtrace dump FILE}: every event in time order, one per line. */
@Command(name = "dump", description = "Print every event in time order, one per line, with thread, time and stack.")
final class DumpCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "the trace file")
    Path file;

    @Option(names = "--json", description = "print JSON lines (one object per event) instead of text")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        boolean truncated;
        try (TraceReader reader = TraceReader.open(file, ReadDamage.keepingWhatPrecedes(ReadProgress.NONE))) {
            Generation g;
            while ((g = reader.next()) != null) {
                for (Event e : g.events()) {
                    if (json) {
                        json(g, e, out);
                    } else {
                        out.println(text(g, e));
                    }
                }
            }
            truncated = reader.truncated();
        } finally {
            out.flush();
        }
        StatsCommand.warnIfTruncated(truncated, spec.commandLine().getErr());
        return 0;
    }

    /** "  12.345678 ms  gen 1  T3 main  REGION_BEGIN task=1 type="validate"  at a.B.c(B.java:12) < …". */
    static String text(Generation g, Event e) {
        StringBuilder b = new StringBuilder(160);
        b.append(String.format(Locale.ROOT, "%14.6f ms  gen %d  %s  %s%s", e.time() / 1e6, g.number(),
                threadLabel(g, e.thread()), e.type().name(), e.late() ? " (late)" : ""));
        for (int i = 0; i < e.args().length; i++) {
            EventType.Arg arg = e.type().args.get(i);
            if (arg.kind() == ArgKind.STACK) {
                continue;
            }
            b.append(' ').append(arg.name()).append('=').append(argText(g, arg.kind(), e.args()[i]));
        }
        if (e.tail() != null) {
            b.append(" message=").append(quote(e.tail()));
        }
        StackTrace st = g.stack(e.stackId());
        if (st != null) {
            b.append("  at ").append(st.frames().stream().map(StackFrame::toString).collect(Collectors.joining(" < ")));
            if (st.truncated()) {
                b.append(" < …");
            }
        }
        return b.toString();
    }

    private static String threadLabel(Generation g, long id) {
        if (id == 0) {
            return "-";
        }
        ThreadInfo t = g.thread(id);
        if (t == null) {
            return "T" + id;
        }
        String kind = t.virtual() ? " (virtual)" : "";
        return t.name().isEmpty() ? "T" + id + kind : "T" + id + " " + quote(t.name()) + kind;
    }

    private static String argText(Generation g, ArgKind kind, long v) {
        return switch (kind) {
            case THREAD -> threadLabel(g, v);
            case STRING -> quote(g.string(v));
            case STATE -> label(ThreadState.ofCode(v));
            case REASON -> BlockReason.ofCode(v).label();
            case WAKER -> label(WakerKind.ofCode(v));
            case UNMOUNT_REASON -> label(UnmountReason.ofCode(v));
            default -> Long.toString(v);
        };
    }

    private static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    static void json(Generation g, Event e, PrintWriter out) throws IOException {
        try (JsonGenerator j = Json.generator(out)) {
            j.writeStartObject();
            j.writeNumberField("time", e.time());
            j.writeNumberField("generation", g.number());
            j.writeNumberField("thread", e.thread());
            ThreadInfo t = g.thread(e.thread());
            if (t != null) {
                j.writeStringField("threadName", t.name());
                j.writeBooleanField("virtual", t.virtual());
            }
            j.writeStringField("type", e.type().name());
            if (e.late()) {
                j.writeBooleanField("late", true);
            }
            j.writeObjectFieldStart("args");
            for (int i = 0; i < e.args().length; i++) {
                EventType.Arg arg = e.type().args.get(i);
                long v = e.args()[i];
                switch (arg.kind()) {
                    case STACK -> { }
                    case STRING -> j.writeStringField(arg.name(), g.string(v));
                    case STATE, REASON, WAKER, UNMOUNT_REASON -> j.writeStringField(arg.name(), argText(g, arg.kind(), v));
                    default -> j.writeNumberField(arg.name(), v);
                }
            }
            j.writeEndObject();
            if (e.tail() != null) {
                j.writeStringField("message", e.tail());
            }
            StackTrace st = g.stack(e.stackId());
            if (st != null) {
                j.writeArrayFieldStart("stack");
                for (StackFrame f : st.frames()) {
                    j.writeStartObject();
                    j.writeStringField("class", f.className());
                    j.writeStringField("method", f.methodName());
                    j.writeStringField("descriptor", f.descriptor());
                    j.writeStringField("file", f.fileName());
                    j.writeNumberField("line", f.line());
                    j.writeNumberField("bci", f.bci());
                    j.writeEndObject();
                }
                j.writeEndArray();
                j.writeBooleanField("stackTruncated", st.truncated());
            }
            j.writeEndObject();
        }
        out.println();
    }
}
