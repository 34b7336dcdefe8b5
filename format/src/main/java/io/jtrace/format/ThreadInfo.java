package io.jtrace.format;

/**
 * An entry of a generation's thread table.
 *
 * @param tracer the thread works for the tracer, not the application (its own threads, and the
 *               JDK's Flight Recorder threads when the tracer started Flight Recorder): analyses
 *               leave it out unless asked
 */
public record ThreadInfo(long threadId, String name, boolean virtual, boolean daemon, boolean ended, boolean tracer) {
    public ThreadInfo(long threadId, String name, boolean virtual, boolean daemon, boolean ended) {
        this(threadId, name, virtual, daemon, ended, false);
    }
}
