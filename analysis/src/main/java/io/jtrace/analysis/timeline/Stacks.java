package io.jtrace.analysis.timeline;

import io.jtrace.format.Generation;
import io.jtrace.format.StackFrame;
import io.jtrace.format.StackTrace;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the per-generation stack ids of a trace into {@link Stack}s that are the same object for
 * the same frames in every generation. Memory: the distinct stacks of the trace.
 */
final class Stacks {
    private record Key(List<StackFrame> frames, boolean truncated) {}

    private final Map<Key, Stack> distinct = new HashMap<>();
    private final Map<Long, Stack> ofGeneration = new HashMap<>();
    private long generation = -1;

    /** The stack with id {@code id} in {@code g}; null for id 0 or an id the generation does not define. */
    Stack resolve(Generation g, long id) {
        if (id == 0) {
            return null;
        }
        if (g.number() != generation) {
            ofGeneration.clear();
            generation = g.number();
        }
        Stack s = ofGeneration.get(id);
        if (s == null) {
            StackTrace t = g.stack(id);
            if (t == null) {
                return null;
            }
            s = distinct.computeIfAbsent(new Key(t.frames(), t.truncated()),
                    k -> new Stack(distinct.size() + 1, k.frames(), k.truncated()));
            ofGeneration.put(id, s);
        }
        return s;
    }
}
