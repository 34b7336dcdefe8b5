package io.jtrace.analysis.timeline;

import io.jtrace.format.StackFrame;

import java.util.List;

/**
 * A stack shared by every generation that recorded it: the {@link Stacks} of one read hand out one
 * instance per distinct stack, so analyses may key maps by identity.
 *
 * @param id        a number unique among the stacks of one read, from 1
 * @param frames    innermost first
 * @param truncated the recorder kept only the innermost frames
 */
public record Stack(int id, List<StackFrame> frames, boolean truncated) {
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return id;
    }

    /** The innermost frame, or null for an empty stack. */
    public StackFrame top() {
        return frames.isEmpty() ? null : frames.get(0);
    }
}
