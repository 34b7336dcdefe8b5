package io.jtrace.analysis.profile;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.jtrace.analysis.timeline.Stack;
import io.jtrace.analysis.timeline.ThreadInterval;
import io.jtrace.analysis.timeline.Waker;
import io.jtrace.format.BlockReason;
import io.jtrace.format.StackFrame;
import io.jtrace.format.ThreadState;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The profile written decodes, with protobuf-java's own reader, into what pprof's profile.proto says. */
class PprofWriterTest {
    private static final long MS = 1_000_000L;

    @Test
    void samplesResolveToFramesAndCarryCountAndDelay() throws IOException {
        Stack lockStack = new Stack(1, List.of(
                new StackFrame("a.B", "c", "()V", "B.java", 12, 3, 2),
                new StackFrame("a.D", "main", "([Ljava/lang/String;)V", "D.java", 5, 0, 1)), false);
        BlockingProfile p = new BlockingProfile(ProfileKind.SYNC, iv -> true);
        p.interval(blocked(BlockReason.LOCK, 0, 10 * MS, lockStack, false));
        p.interval(blocked(BlockReason.LOCK, 20 * MS, 40 * MS, lockStack, false));
        p.interval(blocked(BlockReason.LOCK, 40 * MS, 41 * MS, lockStack, true)); // same episode: time, no count
        p.interval(blocked(BlockReason.WAIT, 50 * MS, 57 * MS, null, false));
        p.interval(blocked(BlockReason.SLEEP, 0, 99 * MS, lockStack, false)); // not a sync block
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PprofWriter.write(p, 1_700_000_000_000_000_000L, 5_000 * MS, "test", out);

        Decoded d = Decoded.of(out.toByteArray());
        assertThat(d.strings.get(0)).isEmpty();
        assertThat(d.sampleTypes).containsExactly("contentions/count", "delay/nanoseconds");
        assertThat(d.samples).hasSize(2);
        assertThat(d.samples.get(0).frames(d)).containsExactly("a.B.c a/B.java:12", "a.D.main a/D.java:5");
        assertThat(d.samples.get(0).values).containsExactly(2L, 31 * MS);
        assertThat(d.samples.get(1).frames(d)).containsExactly(PprofWriter.NO_STACK + " :0");
        assertThat(d.samples.get(1).values).containsExactly(1L, 7 * MS);
        assertThat(d.timeNanos).isEqualTo(1_700_000_000_000_000_000L);
        assertThat(d.durationNanos).isEqualTo(5_000 * MS);
    }

    private static ThreadInterval blocked(BlockReason r, long start, long end, Stack s, boolean continued) {
        return new ThreadInterval(7, ThreadState.BLOCKED, r, start, end, s, "", Waker.UNKNOWN, List.of(), continued);
    }

    /** Just enough of a profile.proto decoder for the test. */
    private static final class Decoded {
        final List<String> strings = new ArrayList<>();
        final List<long[]> rawTypes = new ArrayList<>();
        final List<String> sampleTypes = new ArrayList<>();
        final List<Sample> samples = new ArrayList<>();
        final Map<Long, long[]> locations = new HashMap<>(); // id → function id, line
        final Map<Long, long[]> functions = new HashMap<>(); // id → name, filename
        long timeNanos;
        long durationNanos;

        record Sample(List<Long> locationIds, List<Long> values) {
            List<String> frames(Decoded d) {
                List<String> f = new ArrayList<>();
                for (long id : locationIds) {
                    long[] loc = d.locations.get(id);
                    long[] fn = d.functions.get(loc[0]);
                    f.add(d.strings.get((int) fn[0]) + " " + d.strings.get((int) fn[1]) + ":" + loc[1]);
                }
                return f;
            }
        }

        static Decoded of(byte[] gz) throws IOException {
            Decoded d = new Decoded();
            CodedInputStream in = CodedInputStream.newInstance(new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes());
            for (int tag; (tag = in.readTag()) != 0; ) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case 1 -> d.rawTypes.add(pair(in.readBytes().newCodedInput(), 1, 2));
                    case 2 -> d.samples.add(sample(in.readBytes().newCodedInput()));
                    case 4 -> {
                        CodedInputStream l = in.readBytes().newCodedInput();
                        long id = 0;
                        long[] fnLine = null;
                        for (int t; (t = l.readTag()) != 0; ) {
                            switch (WireFormat.getTagFieldNumber(t)) {
                                case 1 -> id = l.readUInt64();
                                case 4 -> fnLine = pair(l.readBytes().newCodedInput(), 1, 2);
                                default -> l.skipField(t);
                            }
                        }
                        d.locations.put(id, fnLine);
                    }
                    case 5 -> {
                        CodedInputStream f = in.readBytes().newCodedInput();
                        long id = 0;
                        long[] nameFile = new long[2];
                        for (int t; (t = f.readTag()) != 0; ) {
                            switch (WireFormat.getTagFieldNumber(t)) {
                                case 1 -> id = f.readUInt64();
                                case 2 -> nameFile[0] = f.readInt64();
                                case 4 -> nameFile[1] = f.readInt64();
                                default -> f.skipField(t);
                            }
                        }
                        d.functions.put(id, nameFile);
                    }
                    case 6 -> d.strings.add(in.readString());
                    case 9 -> d.timeNanos = in.readInt64();
                    case 10 -> d.durationNanos = in.readInt64();
                    default -> in.skipField(tag);
                }
            }
            for (long[] t : d.rawTypes) {
                d.sampleTypes.add(d.strings.get((int) t[0]) + "/" + d.strings.get((int) t[1]));
            }
            return d;
        }

        private static long[] pair(CodedInputStream m, int a, int b) throws IOException {
            long[] v = new long[2];
            for (int t; (t = m.readTag()) != 0; ) {
                int n = WireFormat.getTagFieldNumber(t);
                if (n == a) {
                    v[0] = m.readInt64();
                } else if (n == b) {
                    v[1] = m.readInt64();
                } else {
                    m.skipField(t);
                }
            }
            return v;
        }

        private static Sample sample(CodedInputStream m) throws IOException {
            List<Long> ids = new ArrayList<>();
            List<Long> values = new ArrayList<>();
            for (int t; (t = m.readTag()) != 0; ) {
                int n = WireFormat.getTagFieldNumber(t);
                if (WireFormat.getTagWireType(t) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    CodedInputStream packed = m.readBytes().newCodedInput();
                    while (!packed.isAtEnd()) {
                        (n == 1 ? ids : values).add(packed.readInt64());
                    }
                } else {
                    (n == 1 ? ids : values).add(m.readInt64());
                }
            }
            return new Sample(ids, values);
        }
    }
}
