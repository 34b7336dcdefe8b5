package io.jtrace.recorder;

import io.jtrace.format.StackFrame;
import io.jtrace.format.StackTrace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The string and stack tables of one generation (Go keeps one per generation too): ids are
 * assigned on first use within the generation, so every id an event of the generation refers to
 * is in the tables written at its end. The recorder keeps two and reuses them alternately; a
 * lookup that hits allocates nothing.
 */
final class GenerationTables {
    private final ConcurrentHashMap<String, Long> strings = new ConcurrentHashMap<>();
    private final AtomicLong nextString = new AtomicLong();
    private final ConcurrentHashMap<CapturedStack, Long> stacks = new ConcurrentHashMap<>();
    private final AtomicLong nextStack = new AtomicLong();

    /** The id of {@code s} in this generation; 0 for null or empty. */
    long string(String s) {
        if (s == null || s.isEmpty()) {
            return 0;
        }
        Long id = strings.get(s);
        if (id != null) {
            return id;
        }
        return strings.computeIfAbsent(s, k -> nextString.incrementAndGet());
    }

    /** The id of {@code stack} in this generation; 0 for null. */
    long stack(CapturedStack stack) {
        if (stack == null) {
            return 0;
        }
        Long id = stacks.get(stack);
        if (id != null) {
            return id;
        }
        return stacks.computeIfAbsent(stack, k -> nextStack.incrementAndGet());
    }

    /** The symbolized stacks; their frame strings are interned into this generation's strings. */
    List<StackTrace> stackTable() {
        List<StackTrace> list = new ArrayList<>(stacks.size());
        for (Map.Entry<CapturedStack, Long> e : stacks.entrySet()) {
            List<StackFrame> frames = e.getKey().frames();
            for (StackFrame f : frames) {
                string(f.className());
                string(f.methodName());
                string(f.descriptor());
                string(f.fileName());
            }
            list.add(new StackTrace(e.getValue(), frames, e.getKey().truncated()));
        }
        return list;
    }

    /** Strings by id, for the string table record. */
    Map<String, Long> stringTable() {
        return strings;
    }

    void clear() {
        strings.clear();
        nextString.set(0);
        stacks.clear();
        nextStack.set(0);
    }
}
