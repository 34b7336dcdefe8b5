package io.jtrace.cli;

import io.jtrace.format.TraceFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The {@code jtrace} command. */
@Command(name = "jtrace", mixinStandardHelpOptions = true, version = "jtrace 0.1.0 (trace format v1)",
        description = "An execution tracer for the JVM: record what every thread does, then ask the trace.",
        subcommands = {DemoCommand.class, RecordCommand.class, StatsCommand.class, DumpCommand.class,
            ThreadsCommand.class, PprofCommand.class, TasksCommand.class, RegionsCommand.class,
            WakeupsCommand.class, MmuCommand.class,
            CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16), false);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = run(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the command line and returns the exit code: 0 ok, 1 failed, 2 bad usage. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            Path file = e instanceof TraceFormatException ? traceFile(parsed) : null;
            cmd.getErr().println("jtrace: " + (file != null ? file + ": " : "") + describe(e));
            return e instanceof BadUsage ? 2 : 1;
        });
        ReadDamage.take(); // a damage of an earlier command line on this thread is not this one's
        try {
            int code = cl.execute(args);
            TraceFormatException damage = ReadDamage.take();
            if (damage != null && code == 0) {
                // after the answer over what precedes it, as for a truncated trace
                Path file = traceFile(cl.getParseResult());
                err.println("jtrace: " + (file != null ? file + ": " : "") + "warning: the trace is damaged: "
                        + damage.getMessage() + "; shown is what precedes it (its complete generations)");
                return 1;
            }
            return code;
        } catch (OutOfMemoryError oom) {
            err.println(outOfMemory());
            return 1;
        }
    }

    /** One line for a read that ran out of heap: how much there was and how to give more. */
    static String outOfMemory() {
        long mb = Runtime.getRuntime().maxMemory() >> 20;
        String option = System.getProperty("jtrace.heapOption");
        return "jtrace: out of memory (the heap is " + mb + " MB): "
                + (option != null ? "give it more with " + option + "=8g (or larger)" : "give the JVM more with -Xmx8g (or larger)");
    }

    /**
     * The trace file the failed command was reading: its one {@code Path} argument (a format error
     * knows its byte offset, not its file, and every other error names the file already).
     */
    static Path traceFile(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult sub = parsed;
        while (sub.subcommand() != null) {
            sub = sub.subcommand();
        }
        List<Path> files = new ArrayList<>();
        for (CommandLine.Model.PositionalParamSpec p : sub.matchedPositionals()) {
            if (p.getValue() instanceof Path f) {
                files.add(f);
            }
        }
        return files.size() == 1 ? files.getFirst() : null;
    }

    /** One line that says what went wrong, without a stack trace for expected failures. */
    static String describe(Exception e) {
        if (e instanceof NoSuchFileException n) {
            return "no such file: " + n.getFile();
        }
        if (e instanceof AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        }
        if (e instanceof TraceFormatException t) {
            return "not a valid trace: " + t.getMessage();
        }
        if (e instanceof BadUsage || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            return e.getMessage();
        }
        if (e instanceof IOException) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
        return e.toString();
    }
}
