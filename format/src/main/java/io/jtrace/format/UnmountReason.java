package io.jtrace.format;

/** Why a virtual thread left its carrier in an {@link EventType#UNMOUNT}. Codes are wire values. */
public enum UnmountReason {
    BLOCK(0), YIELD(1), END(2);

    public final int code;

    UnmountReason(int code) {
        this.code = code;
    }

    /** The reason with this code, or null. */
    public static UnmountReason ofCode(long code) {
        for (UnmountReason r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        return null;
    }
}
