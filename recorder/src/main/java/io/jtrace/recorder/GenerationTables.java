package io.jtrace.recorder;

import io.jtrace.format.StackFrame;
import io.jtrace.format.StackTrace;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The string and stack tables of one generation (Go keeps one per generation too): ids are
 * assigned on first use within the generation, so every id an event of the generation refers to
 * is in the tables written at its end. The recorder keeps those of the current and the previous
 * generation and makes fresh ones for each new generation; a lookup that hits allocates nothing.
 */
final class GenerationTables {
    private final ConcurrentHashMap<String, Long> strings;
    private final AtomicLong nextString = new AtomicLong();
    /** Null when stacks are off. */
    private final StackTable stacks;
    /** Stacks that arrive symbolized (from the JDK's event stream), numbered from {@link #SYMBOLIZED_IDS}. */
    private final ConcurrentHashMap<CapturedStack, Long> symbolized = new ConcurrentHashMap<>();
    private final AtomicLong nextSymbolized = new AtomicLong(SYMBOLIZED_IDS);
    /** Where ids of symbolized stacks start: above any id the tier's table gives out. */
    static final long SYMBOLIZED_IDS = 1L << 40;

    /** The parity of the generations these tables serve: which link of a thread record the list of {@link #appeared} uses. */
    private final int parity;
    /** The threads whose STATUS (or THREAD_CREATE) this generation has: a list linked through the records. */
    private final AtomicReference<ThreadRecord> appeared = new AtomicReference<>();

    /** {@code expectedStrings}: how many strings the generation will likely intern (the last one's count). */
    GenerationTables(StackTier tier, int parity, int expectedStrings) {
        this.stacks = tier == null ? null : tier.newTable();
        this.parity = parity;
        this.strings = new ConcurrentHashMap<>(Math.max(16, expectedStrings));
        // the map allocates its table at the first insert: let that be now, on the background
        // writer that makes these tables, not in the first event of the generation
        strings.put("", 0L);
        strings.remove("");
    }

    /**
     * {@code r} appears in this generation (its status was just claimed for it, which happens
     * once per thread and generation): the generation's thread table will name it.
     */
    void appeared(ThreadRecord r) {
        ThreadRecord head;
        do {
            head = appeared.get();
            if (parity == 0) {
                r.appearedNext0 = head;
            } else {
                r.appearedNext1 = head;
            }
        } while (!appeared.compareAndSet(head, r));
    }

    /**
     * Moves the threads that appeared since the last call to {@code into} (the background writer,
     * at every poll and at the generation's end) and unlinks them from one another, so that an
     * ended thread's record is garbage as soon as the writer has named it, not kept alive by the
     * records that appeared after it until the generation ends.
     */
    void takeAppeared(List<ThreadRecord> into) {
        ThreadRecord r = appeared.getAndSet(null);
        while (r != null) {
            into.add(r);
            ThreadRecord next;
            if (parity == 0) {
                next = r.appearedNext0;
                r.appearedNext0 = null;
            } else {
                next = r.appearedNext1;
                r.appearedNext1 = null;
            }
            r = next;
        }
    }

    /** The id of {@code s} in this generation; 0 for null or empty. */
    long string(String s) {
        if (s == null || s.isEmpty()) {
            return 0;
        }
        Long id = strings.get(s);
        if (id != null) {
            return id;
        }
        CarrierPin.pin(); // the map locks a bin to insert
        try {
            return strings.computeIfAbsent(s, k -> nextString.incrementAndGet());
        } finally {
            CarrierPin.unpin();
        }
    }

    /** The id of a stack the tier captured; 0 for null (no stack). */
    long stack(Object captured) {
        return captured == null || stacks == null ? 0 : stacks.id(captured);
    }

    /** The id of a stack that is already symbolized; 0 for null. */
    long symbolizedStack(CapturedStack stack) {
        if (stack == null) {
            return 0;
        }
        Long id = symbolized.get(stack);
        if (id != null) {
            return id;
        }
        CarrierPin.pin();
        try {
            return symbolized.computeIfAbsent(stack, k -> nextSymbolized.incrementAndGet());
        } finally {
            CarrierPin.unpin();
        }
    }

    /** The symbolized stacks; their frame strings are interned into this generation's strings. */
    List<StackTrace> stackTable() {
        List<StackTrace> list = new java.util.ArrayList<>(stacks == null ? List.of() : stacks.symbolize());
        for (Map.Entry<CapturedStack, Long> e : symbolized.entrySet()) {
            list.add(new StackTrace(e.getValue(), e.getKey().frames(), e.getKey().truncated()));
        }
        for (StackTrace s : list) {
            for (StackFrame f : s.frames()) {
                string(f.className());
                string(f.methodName());
                string(f.descriptor());
                string(f.fileName());
            }
        }
        return list;
    }

    /** Strings by id, for the string table record. */
    Map<String, Long> stringTable() {
        return strings;
    }
}
