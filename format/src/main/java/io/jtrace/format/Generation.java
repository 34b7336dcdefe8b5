package io.jtrace.format;

import java.util.List;
import java.util.Map;

/**
 * One self-contained generation of a trace: its events in time order and the tables that resolve
 * their ids.
 *
 * @param number         generation number (consecutive within a trace)
 * @param startTime      ns since trace start when the generation began
 * @param endTime        ns since trace start when it ended
 * @param wallClockStart wall-clock time of {@code startTime}, ns since the Unix epoch
 * @param events         events sorted by time (ties keep batch order)
 * @param lostEvents     events the recorder dropped in this generation (buffers exhausted)
 * @param skippedEvents  events of types this reader does not know, skipped by their spec
 * @param bytes          size of the generation on the wire
 */
public record Generation(long number, long startTime, long endTime, long wallClockStart,
                         List<Event> events, Map<Long, String> strings, Map<Long, StackTrace> stacks,
                         Map<Long, ThreadInfo> threads, long lostEvents, long skippedEvents,
                         long bytes) {

    /** The string with this id; "" for id 0. */
    public String string(long id) {
        return id == 0 ? "" : strings.get(id);
    }

    /** The stack with this id, or null for id 0. */
    public StackTrace stack(long id) {
        return id == 0 ? null : stacks.get(id);
    }

    /** The thread table entry for this id, or null if the generation does not name it. */
    public ThreadInfo thread(long id) {
        return threads.get(id);
    }
}
