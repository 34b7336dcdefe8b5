package io.jtrace.recorder;

import io.jtrace.format.StackFrame;

import java.util.List;

/** A stack as captured, innermost frame first: the key of the per-generation stack table. */
record CapturedStack(List<StackFrame> frames, boolean truncated) {
    /**
     * The innermost {@code depth} of {@code frames} (a stack taken by someone else, the JVM's event
     * stream: the {@code stackdepth} option holds for it too), truncated if cut or cut already.
     */
    static CapturedStack innermost(List<StackFrame> frames, boolean truncated, int depth) {
        return frames.size() <= depth ? new CapturedStack(List.copyOf(frames), truncated)
                : new CapturedStack(List.copyOf(frames.subList(0, depth)), true);
    }
}
