package io.jtrace.analysis.latency;

import io.jtrace.analysis.timeline.Breakdown;

import java.util.List;

/**
 * One task or region instance.
 *
 * @param id        the task id (0 for a region)
 * @param thread    the thread it began on
 * @param endThread the thread it ended on
 * @param start     when it began (ns since the trace started)
 * @param duration  its latency, end minus start
 * @param breakdown its time by state on every thread that worked in it (tasks: in their regions)
 * @param threads   those threads' ids
 */
public record Instance(long id, long thread, long endThread, long start, long duration, Breakdown breakdown,
                       List<Long> threads) {}
