package io.jtrace.agent.jfr;

import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * Committed at a known trace time so that the JDK's event times (wall-clock instants derived from
 * its own tick counter) can be mapped onto the trace clock: offset = startTime − traceTime. One
 * is also committed at the end of every chunk, the last one's included, however the recording
 * stops: once the stream has delivered it, it has delivered everything.
 */
@Name("io.jtrace.ClockSync")
@Label("jtrace clock sync")
@StackTrace(false)
final class ClockSync extends Event {
    @Label("Trace time")
    long traceTime;

    /** The how-manyth chunk end this is (committed as the recording's chunks end), 0 for another sync. */
    @Label("Chunk end")
    long chunkEnd;
}
