package io.jtrace.format;

import java.io.IOException;

/** The input is not a valid trace; {@link #offset()} is the byte where that became clear. */
public final class TraceFormatException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long offset;

    public TraceFormatException(long offset, String message) {
        super(message + " at byte offset " + offset);
        this.offset = offset;
    }

    /** The byte offset in the file (or stream) of the bad data. */
    public long offset() {
        return offset;
    }
}
