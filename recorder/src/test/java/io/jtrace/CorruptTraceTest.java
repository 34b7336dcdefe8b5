package io.jtrace;

import io.jtrace.TraceFiles.ReadBack;
import io.jtrace.TraceFiles.Rec;
import io.jtrace.format.Generation;
import io.jtrace.format.TraceFormatException;
import io.jtrace.format.Varint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A corrupt trace is read back in full, up to a clean truncation, or stopped by a
 * {@link TraceFormatException} naming an offset inside the file: never another exception, never
 * an allocation the input does not justify, never a hang.
 */
class CorruptTraceTest {
    private static final int TRIALS = 12_000;
    /** Values that, written as a varint where a length or count is expected, would be fatal to trust. */
    private static final long[] HUGE = {1L << 28, (1L << 28) + 1, Integer.MAX_VALUE, 1L << 32, 1L << 62,
            Long.MAX_VALUE, -1L};

    @TempDir
    Path dir;

    private int success;
    private int truncated;
    private int rejected;

    @Test
    void corruptedBytesNeverEscapeAsAnythingButTraceFormatException() throws Exception {
        byte[] full = TraceFiles.smallTrace(dir.resolve("small.jtrace"));
        List<Rec> recs = TraceFiles.records(full);
        long seed = TraceFiles.seed("corruptedBytesNeverEscapeAsAnythingButTraceFormatException");
        Random rnd = new Random(seed);

        assertTimeoutPreemptively(Duration.ofSeconds(40), () -> {
            for (int trial = 0; trial < TRIALS; trial++) {
                int kind = trial % 8;
                byte[] bad = mutate(full, recs, rnd, kind);
                check(bad, "seed " + seed + " trial " + trial + " mutation " + kind);
            }
        });

        System.out.println("corrupt traces: " + success + " read fully, " + truncated + " truncated, "
                + rejected + " rejected");
        assertThat(rejected).as("most corruptions are detected").isGreaterThan(TRIALS / 4);
    }

    @Test
    void hugeLengthAtEveryRecordIsRejectedOrTruncated() throws Exception {
        byte[] full = TraceFiles.smallTrace(dir.resolve("small.jtrace"));
        List<Rec> recs = TraceFiles.records(full);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (Rec r : recs) {
                for (long huge : HUGE) {
                    byte[] bad = replace(full, r.start() + 1, r.bodyStart(), varint(huge));
                    ReadOutcome o = check(bad, "record at " + r.start() + " length " + Long.toUnsignedString(huge));
                    assertThat(o).as("a record claiming %s bytes", Long.toUnsignedString(huge)).isNotEqualTo(ReadOutcome.SUCCESS);
                }
            }
        });
    }

    @Test
    void hugeVarintsInsideEveryRecordBodyAreHandled() throws Exception {
        byte[] full = TraceFiles.smallTrace(dir.resolve("small.jtrace"));
        List<Rec> recs = TraceFiles.records(full);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (Rec r : recs) {
                for (int at = r.bodyStart(); at < r.end(); at++) {
                    for (long huge : new long[] {Integer.MAX_VALUE, -1L}) {
                        // inserted (the record's length now lies) and overwritten (it still holds)
                        byte[] v = varint(huge);
                        check(replace(full, at, at, v), "inserted at " + at);
                        check(replace(full, at, Math.min(r.end(), at + v.length), v), "overwritten at " + at);
                    }
                }
            }
        });
        System.out.println("huge varints: " + success + " read fully, " + truncated + " truncated, "
                + rejected + " rejected");
    }

    enum ReadOutcome { SUCCESS, TRUNCATED, REJECTED }

    /** Reads {@code bad} fully and checks the outcome is one of the three allowed. */
    private ReadOutcome check(byte[] bad, String what) {
        try {
            ReadBack rb = TraceFiles.readAll(bad);
            for (Generation g : rb.generations()) {
                TraceFiles.summary(g); // every id of every event resolves in its generation
            }
            if (rb.truncated()) {
                truncated++;
                return ReadOutcome.TRUNCATED;
            }
            success++;
            return ReadOutcome.SUCCESS;
        } catch (TraceFormatException e) {
            assertThat(e.offset()).as("offset of '%s' (%s), file of %d bytes", e.getMessage(), what, bad.length)
                    .isBetween(0L, (long) bad.length);
            assertThat(e.getMessage()).as(what).contains("byte offset " + e.offset());
            rejected++;
            return ReadOutcome.REJECTED;
        } catch (Throwable t) {
            throw new AssertionError("reading a corrupt trace (" + what + ") threw " + t, t);
        }
    }

    private static byte[] mutate(byte[] full, List<Rec> recs, Random rnd, int kind) {
        byte[] b = full.clone();
        int at = rnd.nextInt(b.length);
        switch (kind) {
            case 0 -> b[at] = (byte) rnd.nextInt(256);
            case 1 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
            case 2 -> {
                int n = Math.min(1 + rnd.nextInt(16), b.length - at);
                for (int i = 0; i < n; i++) {
                    b[at + i] = (byte) rnd.nextInt(256);
                }
            }
            case 3 -> {
                Rec r = recs.get(rnd.nextInt(recs.size()));
                return replace(full, r.start() + 1, r.bodyStart(), varint(HUGE[rnd.nextInt(HUGE.length)]));
            }
            case 4 -> {
                return replace(full, at, at, varint(HUGE[rnd.nextInt(HUGE.length)]));
            }
            case 5 -> {
                byte[] v = varint(HUGE[rnd.nextInt(HUGE.length)]);
                return replace(full, at, Math.min(full.length, at + v.length), v);
            }
            case 6 -> {
                // a record kind byte turned into another kind
                Rec r = recs.get(rnd.nextInt(recs.size()));
                b[r.start()] = (byte) rnd.nextInt(12);
            }
            default -> {
                // a whole record duplicated or dropped
                Rec r = recs.get(rnd.nextInt(recs.size()));
                byte[] rec = Arrays.copyOfRange(full, r.start(), r.end());
                return rnd.nextBoolean() ? replace(full, r.start(), r.start(), rec) : replace(full, r.start(), r.end(), new byte[0]);
            }
        }
        return b;
    }

    /** {@code b} with bytes [from, to) replaced by {@code with}. */
    private static byte[] replace(byte[] b, int from, int to, byte[] with) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + with.length);
        out.write(b, 0, from);
        out.writeBytes(with);
        out.write(b, to, b.length - to);
        return out.toByteArray();
    }

    private static byte[] varint(long v) {
        byte[] b = new byte[Varint.MAX_BYTES];
        return Arrays.copyOf(b, Varint.put(b, 0, v));
    }
}
