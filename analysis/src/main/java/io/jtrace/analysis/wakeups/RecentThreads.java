package io.jtrace.analysis.wakeups;

import io.jtrace.format.Generation;
import io.jtrace.format.ThreadInfo;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;

/**
 * The thread tables of the latest generations. Every generation lists its live threads; a late
 * event can name a thread that ended a few generations before, so tables are kept for
 * {@link #KEEP_NANOS} of trace time (and at least the latest two).
 */
final class RecentThreads {
    /** The JVM's event stream reports about a second late; its last delivery waits up to 2 s. */
    static final long KEEP_NANOS = 5_000_000_000L;

    private record Table(long endTime, Map<Long, ThreadInfo> threads) {}

    private final ArrayDeque<Table> tables = new ArrayDeque<>(); // newest first

    void add(Generation g) {
        tables.addFirst(new Table(g.endTime(), g.threads()));
        int kept = 0;
        for (Iterator<Table> it = tables.iterator(); it.hasNext(); ) {
            Table t = it.next();
            if (++kept > 2 && t.endTime < g.startTime() - KEEP_NANOS) {
                it.remove();
            }
        }
    }

    /** The newest entry for the thread, or null. */
    ThreadInfo get(long threadId) {
        for (Table t : tables) {
            ThreadInfo i = t.threads.get(threadId);
            if (i != null) {
                return i;
            }
        }
        return null;
    }
}
