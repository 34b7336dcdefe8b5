package io.jtrace.recorder;

import io.jtrace.format.StackTrace;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * The {@code fp} tier's per-generation stack table: a {@link Fingerprint} seen before in this
 * generation is an id after one lock-free probe; a new one is interned into the generation's
 * {@link FastStackTable} by the fast capture it carries (so two fingerprints of one stack, e.g.
 * before and after a method was compiled, share one id), which also symbolizes. A plain
 * Throwable (the fast tier's fallback capture) goes straight to that table.
 */
final class FpStackTable implements StackTable {
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Slot[].class);
    private static final int INITIAL = 256;

    private final FastStackTable fast;
    private volatile Slot[] table = new Slot[INITIAL];
    private int size;

    private record Slot(Fingerprint fingerprint, long id) {}

    FpStackTable(FastStackTable fast) {
        this.fast = fast;
    }

    @Override
    public long id(Object captured) {
        if (captured instanceof Fingerprint f) {
            Slot[] tab = table;
            int mask = tab.length - 1;
            for (int i = spread(f.hash) & mask; ; i = (i + 1) & mask) {
                Slot s = (Slot) SLOTS.getAcquire(tab, i);
                if (s == null) {
                    break;
                }
                if (s.fingerprint == f) {
                    return s.id;
                }
            }
            CarrierPin.pin(); // both tables' locks are the tracer's: wait for them on the carrier
            try {
                return insert(f, fast.id(f.stack));
            } finally {
                CarrierPin.unpin();
            }
        }
        return fast.id(captured);
    }

    private synchronized long insert(Fingerprint f, long id) {
        if (id == 0) {
            return 0;
        }
        Slot[] tab = table;
        if ((size + 1) * 2 > tab.length) {
            Slot[] bigger = new Slot[tab.length * 2];
            for (Slot s : tab) {
                if (s != null) {
                    bigger[free(bigger, s.fingerprint)] = s;
                }
            }
            table = bigger;
            tab = bigger;
        }
        int mask = tab.length - 1;
        int i = spread(f.hash) & mask;
        for (Slot s; (s = tab[i]) != null; i = (i + 1) & mask) {
            if (s.fingerprint == f) {
                return s.id;
            }
        }
        SLOTS.setRelease(tab, i, new Slot(f, id));
        size++;
        return id;
    }

    private static int free(Slot[] tab, Fingerprint f) {
        int mask = tab.length - 1;
        int i = spread(f.hash) & mask;
        while (tab[i] != null) {
            i = (i + 1) & mask;
        }
        return i;
    }

    @Override
    public List<StackTrace> symbolize() {
        return fast.symbolize();
    }

    @Override
    public synchronized void clear() {
        table = new Slot[INITIAL];
        size = 0;
        fast.clear();
    }

    private static int spread(long hash) {
        return (int) (hash ^ (hash >>> 32));
    }
}
