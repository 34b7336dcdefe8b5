package io.jtrace.recorder;

import java.util.Arrays;

/**
 * The thread ids already named in the thread table being written (the background writer's only):
 * a generation lists each thread once, and two records of one thread can both have appeared in it
 * (an event naming a virtual thread after its end makes a second record). Open addressing over a
 * reused array (grown when half full), so a hundred thousand threads a generation cost neither a
 * sort nor a boxed id each.
 */
final class ThreadIdSet {
    private long[] slots = new long[64];
    private int mask = 63;
    private int size;

    /** Empties the set, with room for {@code expected} ids. */
    void reset(int expected) {
        int capacity = Integer.highestOneBit(Math.max(32, expected) * 2 - 1) << 1;
        if (capacity > slots.length) {
            slots = new long[capacity];
        } else {
            Arrays.fill(slots, 0, slots.length, 0L);
        }
        mask = slots.length - 1;
        size = 0;
    }

    /** Adds {@code threadId} (never 0); false if it was there already. */
    boolean add(long threadId) {
        int i = (int) ((threadId * 0x9E3779B97F4A7C15L) >>> 40) & mask;
        while (true) {
            long s = slots[i];
            if (s == 0) {
                slots[i] = threadId;
                if (++size > slots.length / 2) {
                    grow();
                }
                return true;
            }
            if (s == threadId) {
                return false;
            }
            i = (i + 1) & mask;
        }
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        mask = slots.length - 1;
        size = 0;
        for (long id : old) {
            if (id != 0) {
                add(id);
            }
        }
    }
}
