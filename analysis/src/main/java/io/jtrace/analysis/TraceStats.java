package io.jtrace.analysis;

import io.jtrace.format.Event;
import io.jtrace.analysis.state.ThreadStateMachine;
import io.jtrace.analysis.state.ValidationError;
import io.jtrace.format.EventType;
import io.jtrace.format.Generation;
import io.jtrace.format.ReadProgress;
import io.jtrace.format.TraceReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The summary {@code jtrace stats} prints, computed in one streaming pass (memory: one
 * generation plus the set of thread ids).
 *
 * @param durationNanos  from the first generation's start to the last one's end
 * @param generations    complete generations read
 * @param threads        distinct threads that appear in events or thread tables
 * @param events         events by type
 * @param totalEvents    all events
 * @param bytes          bytes of the file read
 * @param lostEvents     events the recorder dropped
 * @param skippedEvents  events of types this reader does not know
 * @param truncated      the trace ended without its end record
 * @param validationErrors impossible state transitions found by the {@link ThreadStateMachine}
 * @param firstErrors    the first few of them
 */
public record TraceStats(long durationNanos, long generations, long threads, Map<EventType, Long> events,
                         long totalEvents, long bytes, long lostEvents, long skippedEvents, boolean truncated,
                         long validationErrors, List<ValidationError> firstErrors) {

    /** Average encoded size of an event, trace overhead (header, tables) included. */
    public double bytesPerEvent() {
        return totalEvents == 0 ? 0 : (double) bytes / totalEvents;
    }

    /** Reads {@code file} and summarizes it; throws on a file that is not a valid trace. */
    public static TraceStats of(Path file) throws IOException {
        return of(file, ReadProgress.NONE);
    }

    /** As {@link #of(Path)}, telling {@code progress} how far the read has got. */
    public static TraceStats of(Path file, ReadProgress progress) throws IOException {
        try (TraceReader reader = TraceReader.open(file, progress)) {
            Map<EventType, Long> byType = new EnumMap<>(EventType.class);
            Set<Long> threads = new HashSet<>();
            ThreadStateMachine states = new ThreadStateMachine();
            long first = -1;
            long last = 0;
            long generations = 0;
            long total = 0;
            long lost = 0;
            long skipped = 0;
            Generation g;
            while ((g = reader.next()) != null) {
                generations++;
                if (first < 0) {
                    first = g.startTime();
                }
                last = g.endTime();
                lost += g.lostEvents();
                skipped += g.skippedEvents();
                threads.addAll(g.threads().keySet());
                states.generation(g);
                for (Event e : g.events()) {
                    byType.merge(e.type(), 1L, Long::sum);
                    if (e.thread() != 0) {
                        threads.add(e.thread());
                    }
                    total++;
                }
            }
            long bytes = reader.truncated() ? reader.bytesRead() : Files.size(file);
            return new TraceStats(first < 0 ? 0 : last - first, generations, threads.size(), byType, total,
                    bytes, lost, skipped, reader.truncated(), states.errorCount(),
                    List.copyOf(states.errors().subList(0, Math.min(10, states.errors().size()))));
        }
    }
}
