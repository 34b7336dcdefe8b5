package io.jtrace.agent.jfr;

import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * Committed at a known trace time so that the JDK's event times (wall-clock instants derived from
 * its own tick counter) can be mapped onto the trace clock: offset = startTime − traceTime.
 */
@Name("io.jtrace.ClockSync")
@Label("jtrace clock sync")
@StackTrace(false)
final class ClockSync extends Event {
    @Label("Trace time")
    long traceTime;
}
