package io.jtrace.agent;

import io.jtrace.TraceOptions;
import io.jtrace.agent.instrument.HookInjector;
import io.jtrace.agent.instrument.HookPoints;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The agent's options: {@code file=PATH} (default jtrace.jtrace), {@code events=FAMILY+FAMILY…}
 * (default all: {@link HookPoints#FAMILIES}), {@code classcache=DIR|off} (where the
 * instrumented JDK classes are kept between runs; default {@link HookInjector#defaultCacheDir()})
 * and every recorder option of {@link TraceOptions#parse}. Keys are case-insensitive, as the
 * recorder's are; a comma in a value is written {@code \,} ({@link TraceOptions#split}).
 *
 * @param classCache the directory of instrumented classes, or null: instrument anew at every start
 */
record AgentOptions(Path file, Set<String> families, Path classCache, TraceOptions trace) {

    static AgentOptions parse(String args) {
        Path file = Path.of("jtrace.jtrace");
        Set<String> families = new TreeSet<>(HookPoints.FAMILIES);
        Path classCache = HookInjector.defaultCacheDir();
        String spec = args == null ? "" : args;
        for (String part : TraceOptions.split(spec)) {
            String p = part.strip();
            int eq = p.indexOf('=');
            String key = eq < 0 ? p : p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : p.substring(eq + 1).strip();
            if (key.equals("file")) {
                if (value.isEmpty()) {
                    throw new IllegalArgumentException("option file= needs a path");
                }
                file = Path.of(value);
            } else if (key.equals("classcache")) {
                if (value.isEmpty()) {
                    throw new IllegalArgumentException("option classcache= needs a directory or off");
                }
                classCache = value.equalsIgnoreCase("off") ? null : Path.of(value);
            } else if (key.equals("events")) {
                families = new LinkedHashSet<>(Arrays.asList(value.split("\\+")));
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
            trace = TraceOptions.parse(spec, "file", "events", "classcache");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage()
                    + "; the agent also takes file=PATH, events=FAMILY+… and classcache=DIR|off");
        }
        return new AgentOptions(file, Set.copyOf(families), classCache, trace);
    }
}
