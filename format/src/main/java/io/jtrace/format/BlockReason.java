package io.jtrace.format;

import java.util.Locale;

/** Why a thread blocked (DESIGN.md's block reasons). Codes are wire values; 0 is "none". */
public enum BlockReason {
    NONE(0), LOCK(1), MONITOR(2), WAIT(3), SLEEP(4), JOIN(5), QUEUE(6), FUTURE(7), SOCKET(8),
    FILE(9), SELECT(10), PARK(11),
    /** A pool's worker waiting for work (ForkJoinPool's own wait; for a carrier: no virtual thread to run). */
    IDLE(12);

    public final int code;

    BlockReason(int code) {
        this.code = code;
    }

    /** The reason with this code, or null. */
    public static BlockReason ofCode(long code) {
        for (BlockReason r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        return null;
    }

    /** The lower-case name used in dumps and reports ("lock", "monitor", …). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
