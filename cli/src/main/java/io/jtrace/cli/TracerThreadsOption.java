package io.jtrace.cli;

import picocli.CommandLine.Option;

/**
 * The option that shows the tracer's own threads (its writer and JDK-event threads, and the JDK's
 * Flight Recorder threads when the tracer started Flight Recorder; docs/format.md, thread flags),
 * which every analysis leaves out by default, with their wake-ups.
 */
final class TracerThreadsOption {
    @Option(names = "--tracer-threads",
            description = "include the tracer's own threads (and Flight Recorder's, when jtrace started it) and their wake-ups")
    boolean show;
}
