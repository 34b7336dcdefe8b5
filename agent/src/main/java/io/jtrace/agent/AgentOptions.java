package io.jtrace.agent;

import io.jtrace.TraceOptions;
import io.jtrace.agent.instrument.HookPoints;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The agent's options: {@code file=PATH} (default jtrace.jtrace), {@code events=FAMILY+FAMILY…}
 * (default all: {@link HookPoints#FAMILIES}) and every recorder option of
 * {@link TraceOptions#parse}.
 */
record AgentOptions(Path file, Set<String> families, TraceOptions trace) {

    static AgentOptions parse(String args) {
        Path file = Path.of("jtrace.jtrace");
        Set<String> families = new TreeSet<>(HookPoints.FAMILIES);
        String spec = args == null ? "" : args;
        for (String part : spec.split(",")) {
            String p = part.strip();
            if (p.startsWith("file=")) {
                String f = p.substring("file=".length());
                if (f.isEmpty()) {
                    throw new IllegalArgumentException("option file= needs a path");
                }
                file = Path.of(f);
            } else if (p.startsWith("events=")) {
                families = new LinkedHashSet<>(Arrays.asList(p.substring("events=".length()).split("\\+")));
                for (String f : families) {
                    if (!HookPoints.FAMILIES.contains(f)) {
                        throw new IllegalArgumentException("unknown event family '" + f + "' (known: "
                                + String.join(", ", new TreeSet<>(HookPoints.FAMILIES)) + "; join several with +)");
                    }
                }
            }
        }
        TraceOptions trace;
        try {
            trace = TraceOptions.parse(spec, "file", "events");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "; the agent also takes file=PATH and events=FAMILY+…");
        }
        return new AgentOptions(file, Set.copyOf(families), trace);
    }
}
