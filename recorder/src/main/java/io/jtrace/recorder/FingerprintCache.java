package io.jtrace.recorder;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Fingerprint → {@link Fingerprint}, shared by all threads: reads take no lock and allocate
 * nothing (one volatile read of the slot array, then acquire reads of slots); inserts take the
 * lock and grow the array. {@link #clear} drops everything at once, by swapping in a fresh array.
 */
final class FingerprintCache {
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Fingerprint[].class);
    private static final int INITIAL = 1024;

    private final int maxEntries;
    private volatile Fingerprint[] table = new Fingerprint[INITIAL];
    private int size;

    /** A cache that starts over once it holds {@code maxEntries}: a bound on its memory. */
    FingerprintCache(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    Fingerprint get(long hash) {
        Fingerprint[] tab = table;
        int mask = tab.length - 1;
        for (int i = spread(hash) & mask; ; i = (i + 1) & mask) {
            Fingerprint f = (Fingerprint) SLOTS.getAcquire(tab, i);
            if (f == null || f.hash == hash) {
                return f;
            }
        }
    }

    void put(Fingerprint f) {
        CarrierPin.pin(); // the lock is the tracer's: wait for it on the carrier
        try {
            insert(f);
        } finally {
            CarrierPin.unpin();
        }
    }

    private synchronized void insert(Fingerprint f) {
        if (size >= maxEntries) {
            clear();
        }
        Fingerprint[] tab = table;
        if ((size + 1) * 2 > tab.length) {
            tab = grow(tab);
        }
        int mask = tab.length - 1;
        int i = spread(f.hash) & mask;
        for (Fingerprint e; (e = tab[i]) != null; i = (i + 1) & mask) {
            if (e.hash == f.hash) {
                return; // another thread put the same stack meanwhile
            }
        }
        SLOTS.setRelease(tab, i, f);
        size++;
    }

    private Fingerprint[] grow(Fingerprint[] old) {
        Fingerprint[] tab = new Fingerprint[old.length * 2];
        int mask = tab.length - 1;
        for (Fingerprint f : old) {
            if (f != null) {
                int i = spread(f.hash) & mask;
                while (tab[i] != null) {
                    i = (i + 1) & mask;
                }
                tab[i] = f;
            }
        }
        table = tab; // published whole: readers see the old array or the filled new one
        return tab;
    }

    synchronized void clear() {
        table = new Fingerprint[INITIAL];
        size = 0;
    }

    synchronized int size() {
        return size;
    }

    private static int spread(long hash) {
        return (int) (hash ^ (hash >>> 32));
    }
}
