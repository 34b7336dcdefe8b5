package io.jtrace.analysis.timeline;

import io.jtrace.format.BlockReason;
import io.jtrace.format.ThreadState;

import java.util.List;

/**
 * A stretch of time in which a thread stayed in one state, within one set of open regions.
 *
 * @param thread    the thread
 * @param state     RUNNING, RUNNABLE, BLOCKED or NATIVE
 * @param reason    the block reason of a BLOCKED interval, else NONE
 * @param start     ns since the trace started
 * @param end       ns since the trace started; at least {@code start}
 * @param stack     the stack of the event that began the state: where the thread blocked (BLOCK) or
 *                  entered native code (NATIVE_BEGIN); for RUNNABLE, where it was made runnable (the
 *                  waker's stack, the creator's stack), else where it had blocked; null if unknown
 * @param what      the blocker's class of a BLOCKED interval, the call of a NATIVE one ("socket read"); "" if none
 * @param waker     for BLOCKED, who ended it; for RUNNABLE, who began it; null otherwise or if the
 *                  interval was cut off by the end of the trace
 * @param regions   the regions open on the thread throughout, innermost first
 * @param continued this interval continues the previous one of the thread in the same state (it was
 *                  only cut where a region began or ended): count episodes by intervals that are not
 */
public record ThreadInterval(long thread, ThreadState state, BlockReason reason, long start, long end,
                             Stack stack, String what, Waker waker, List<OpenRegion> regions, boolean continued) {

    public long duration() {
        return end - start;
    }

    /** True when a region of {@code type} is open throughout the interval. */
    public boolean inRegion(String type) {
        for (OpenRegion r : regions) {
            if (r.type().equals(type)) {
                return true;
            }
        }
        return false;
    }

    /** True when a region of a task of {@code taskType} is open throughout the interval. */
    public boolean inTaskOfType(String taskType) {
        for (OpenRegion r : regions) {
            if (r.task() != 0 && r.taskType().equals(taskType)) {
                return true;
            }
        }
        return false;
    }

    ThreadInterval withWaker(Waker w) {
        return new ThreadInterval(thread, state, reason, start, end, stack, what, w, regions, continued);
    }

    ThreadInterval between(long from, long to, boolean cont) {
        return new ThreadInterval(thread, state, reason, from, to, stack, what, waker, regions, cont);
    }
}
