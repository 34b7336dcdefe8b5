package io.jtrace.analysis.timeline;

/**
 * What a {@link Timeline} read delivers. Intervals of one thread come in time order; intervals of
 * different threads may not (a platform thread's are held back for a while, because the JVM
 * reports some of its past blocks late).
 */
public interface TimelineListener {
    /** Before anything else: where the read's knowledge of threads can be looked up as it goes. */
    default void started(ThreadDirectory threads) { }

    /** A finished interval: it will not change any more. */
    default void interval(ThreadInterval interval) { }

    /**
     * Carrier {@code carrier} ran virtual thread {@code vthread} from {@code start} (its MOUNT) to
     * {@code end} (its UNMOUNT, or the end of the trace). Delivered at the unmount, in time order per carrier.
     */
    default void mounted(long carrier, long vthread, long start, long end) { }

    /** A task began ({@code parent} 0: none). */
    default void taskBegin(long task, long parent, String type, long time, long thread) { }

    /** A task ended; {@code type} is "" if the trace did not see it begin. */
    default void taskEnd(long task, String type, long time, long thread) { }

    /** A region ended on {@code thread}; regions that began before the trace are not reported. */
    default void region(long thread, OpenRegion region, long end) { }

    /**
     * Every interval that ends at or before {@code time} has been delivered. Called as the read
     * advances, and with {@link Long#MAX_VALUE} at the end.
     */
    default void horizon(long time) { }
}
