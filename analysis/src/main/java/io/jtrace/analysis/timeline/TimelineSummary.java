package io.jtrace.analysis.timeline;

import java.util.Map;

/**
 * What a {@link Timeline} read saw besides its intervals.
 *
 * @param startTime        start of the first generation (ns since the trace started)
 * @param endTime          end of the last complete generation
 * @param wallClockZero    wall-clock time of trace time 0, ns since the Unix epoch (0: no generation)
 * @param generations      complete generations read
 * @param truncated        the trace ended without its end record
 * @param lostEvents       events the recorder dropped
 * @param validationErrors impossible transitions the state machine found
 * @param lateApplied      late facts (a monitor block, a notifier) applied to the timeline
 * @param lateTooLate      late facts that came after their time had been delivered, or matched nothing
 * @param unmatchedNotifies of those, notifiers the JVM named for an Object.wait the read found no end of
 * @param threads          every thread seen, by id
 */
public record TimelineSummary(long startTime, long endTime, long wallClockZero, long generations, boolean truncated, long lostEvents,
                              long validationErrors, long lateApplied, long lateTooLate, long unmatchedNotifies,
                              Map<Long, ThreadDescription> threads) {
    public long durationNanos() {
        return endTime - startTime;
    }
}
