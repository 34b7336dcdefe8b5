package io.jtrace.agent;

import io.jtrace.Trace;
import io.jtrace.TraceOptions;

import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * {@code -javaagent:jtrace-agent.jar=file=app.jtrace,period=1s,…}: starts recording before
 * {@code main} and stops at JVM exit. For now it records the application's own annotations
 * (tasks, regions, logs) and thread statuses; instrumentation of JDK classes comes with the
 * agent issue. Bad options: one line on stderr, and the application runs untraced.
 */
public final class Agent {
    private Agent() {}

    public static void premain(String args, Instrumentation inst) {
        start(args, inst);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst);
    }

    private static void start(String args, Instrumentation inst) {
        try {
            String file = "jtrace.jtrace";
            for (String part : args == null ? new String[0] : args.split(",")) {
                if (part.startsWith("file=")) {
                    file = part.substring("file=".length());
                }
            }
            TraceOptions options = TraceOptions.parse(args, "file");
            openCarrierLocals(inst);
            Trace.start(Path.of(file), options);
        } catch (Exception | LinkageError e) {
            System.err.println("jtrace: not tracing: " + (e.getMessage() == null ? e : e.getMessage()));
        }
    }

    /** Opens jdk.internal.misc to the recorder so virtual threads write into carrier buffers. */
    private static void openCarrierLocals(Instrumentation inst) {
        Module base = Object.class.getModule();
        Module recorder = Trace.class.getModule();
        inst.redefineModule(base, Set.of(), Map.of("jdk.internal.misc", Set.of(recorder)), Map.of(), Set.of(), Map.of());
    }
}
