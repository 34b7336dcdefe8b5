package io.jtrace.analysis.timeline;

/**
 * A region open on a thread.
 *
 * @param task     the task it belongs to (0: none)
 * @param taskType that task's type; "" when the task began before the trace or has no type
 * @param type     the region's type
 * @param begin    when it began
 */
public record OpenRegion(long task, String taskType, String type, long begin) {}
