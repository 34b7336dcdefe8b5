package io.jtrace.analysis.wakeups;

import java.util.List;

/**
 * One edge of the wakeup graph: how often threads of {@code waker} woke threads of {@code wakee},
 * and how long the wakee then waited to run (its scheduler latency: from the wake-up to its RUN,
 * or to its MOUNT for a virtual thread).
 *
 * @param count          wake-ups
 * @param late           of them, those the JVM reported after the fact (a monitor handed over
 *                       by its previous owner, the notifier of an Object.wait)
 * @param latencySamples wake-ups whose wakee was seen running again
 * @param p50Nanos       median latency (within about 3%)
 * @param p99Nanos       99th percentile latency (within about 3%)
 * @param maxNanos       longest latency
 * @param totalNanos     sum of latencies
 * @param stacks         the waker's most frequent stacks (only wakers that wrote the wake-up
 *                       themselves have one), most frequent first
 * @param distinctStacks all distinct waker stacks of this edge
 */
public record WakeEdge(WakeNode waker, WakeNode wakee, long count, long late, long latencySamples, long p50Nanos,
                       long p99Nanos, long maxNanos, long totalNanos, List<StackCount> stacks, int distinctStacks) {

    /** A waker stack (its innermost frames, innermost first) and how many wake-ups it made. */
    public record StackCount(long count, List<String> frames) {}
}
