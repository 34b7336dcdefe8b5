package io.jtrace.format;

/**
 * The file-level layout of a trace (docs/format.md is the contract; keep the two together).
 *
 * <pre>
 * trace      := header generation* end?
 * header     := MAGIC VERSION(u8) 0(u8) record(SPECS)
 * generation := record(GEN_BEGIN) record(BATCH)* record(STRINGS) record(STACKS)
 *               record(THREADS) record(LOST) record(GEN_END)
 * record     := kind(u8) length(varint) body[length]
 * </pre>
 */
public final class Wire {
    private Wire() {}

    /** "JTRACE". */
    public static final byte[] MAGIC = {'J', 'T', 'R', 'A', 'C', 'E'};
    /** The format version this code writes and reads. Bump it with docs/format.md. */
    public static final int VERSION = 4;
    /** The oldest version this reader reads (docs/format.md, "Versions"). */
    public static final int OLDEST_READABLE_VERSION = 1;
    /** The first version whose thread entries carry their name inline rather than as a string id. */
    public static final int THREAD_NAMES_INLINE = 3;
    /** Header length: magic, version byte, reserved byte. */
    public static final int HEADER_BYTES = MAGIC.length + 2;

    /** Record kinds. */
    public static final int SPECS = 0x01;
    public static final int GEN_BEGIN = 0x02;
    public static final int BATCH = 0x03;
    public static final int STRINGS = 0x04;
    public static final int STACKS = 0x05;
    public static final int THREADS = 0x06;
    public static final int LOST = 0x07;
    public static final int GEN_END = 0x08;
    public static final int END = 0x09;

    /** A record body larger than this is corrupt (a batch is at most one writer buffer). */
    public static final int MAX_RECORD_BYTES = 1 << 28;

    /** Flags of a {@link #STACKS} entry. */
    public static final int STACK_TRUNCATED = 1;
    /** Flags of a {@link #THREADS} entry. */
    public static final int THREAD_VIRTUAL = 1;
    public static final int THREAD_DAEMON = 2;
    public static final int THREAD_ENDED = 4;
    public static final int THREAD_TRACER = 8;

    /** Frame kinds of a stack frame (where the unwinder knows them). */
    public static final int FRAME_UNKNOWN = 0;
    public static final int FRAME_INTERPRETED = 1;
    public static final int FRAME_COMPILED = 2;
    public static final int FRAME_INLINED = 3;
    public static final int FRAME_NATIVE = 4;
}
