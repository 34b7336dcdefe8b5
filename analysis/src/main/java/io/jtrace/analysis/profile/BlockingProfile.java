package io.jtrace.analysis.profile;

import io.jtrace.analysis.timeline.Stack;
import io.jtrace.analysis.timeline.ThreadInterval;
import io.jtrace.analysis.timeline.TimelineListener;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Sums the matching intervals of one {@link ProfileKind} by stack. Intervals with no stack are
 * kept under the null key. Memory: one entry per distinct stack.
 */
public final class BlockingProfile implements TimelineListener {
    /** Intervals and nanoseconds at one stack. */
    public static final class Sample {
        long count;
        long nanos;

        public long count() {
            return count;
        }

        public long nanos() {
            return nanos;
        }
    }

    private final ProfileKind kind;
    private final Predicate<ThreadInterval> filter;
    private final Map<Stack, Sample> byStack = new LinkedHashMap<>();

    /** {@code filter} further restricts the intervals (e.g. to those inside a region type). */
    public BlockingProfile(ProfileKind kind, Predicate<ThreadInterval> filter) {
        this.kind = kind;
        this.filter = filter;
    }

    @Override
    public void interval(ThreadInterval iv) {
        if (kind.accepts(iv) && filter.test(iv)) {
            Sample s = byStack.computeIfAbsent(iv.stack(), k -> new Sample());
            // a piece cut only by a region boundary is the same episode: counted once
            s.count += iv.continued() ? 0 : 1;
            s.nanos += iv.duration();
        }
    }

    public ProfileKind kind() {
        return kind;
    }

    /** By stack (null: no stack recorded). */
    public Map<Stack, Sample> byStack() {
        return byStack;
    }
}
