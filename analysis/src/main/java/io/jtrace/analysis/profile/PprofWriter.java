package io.jtrace.analysis.profile;

import com.google.protobuf.CodedOutputStream;
import io.jtrace.analysis.timeline.Stack;
import io.jtrace.format.StackFrame;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a {@link BlockingProfile} as a pprof profile: the {@code Profile} message of pprof's
 * {@code profile.proto}, gzipped, which {@code go tool pprof} reads. Two sample values, like Go's
 * block profile: the number of intervals ({@code contentions/count}) and their time
 * ({@code delay/nanoseconds}). A frame becomes a function {@code class.method} with its source file
 * (the package path and the file name) and a location at its line. The messages are encoded with
 * protobuf-java's {@link CodedOutputStream}; the field numbers below are those of profile.proto.
 */
public final class PprofWriter {
    // Profile
    private static final int PROFILE_SAMPLE_TYPE = 1;
    private static final int PROFILE_SAMPLE = 2;
    private static final int PROFILE_MAPPING = 3;
    private static final int PROFILE_LOCATION = 4;
    private static final int PROFILE_FUNCTION = 5;
    private static final int PROFILE_STRING_TABLE = 6;
    private static final int PROFILE_TIME_NANOS = 9;
    private static final int PROFILE_DURATION_NANOS = 10;
    private static final int PROFILE_PERIOD_TYPE = 11;
    private static final int PROFILE_PERIOD = 12;
    private static final int PROFILE_COMMENT = 13;
    // ValueType
    private static final int VALUE_TYPE_TYPE = 1;
    private static final int VALUE_TYPE_UNIT = 2;
    // Sample
    private static final int SAMPLE_LOCATION_ID = 1;
    private static final int SAMPLE_VALUE = 2;
    // Mapping
    private static final int MAPPING_ID = 1;
    private static final int MAPPING_FILENAME = 5;
    private static final int MAPPING_HAS_FUNCTIONS = 7;
    private static final int MAPPING_HAS_FILENAMES = 8;
    private static final int MAPPING_HAS_LINE_NUMBERS = 9;
    // Location
    private static final int LOCATION_ID = 1;
    private static final int LOCATION_MAPPING_ID = 2;
    private static final int LOCATION_LINE = 4;
    // Line
    private static final int LINE_FUNCTION_ID = 1;
    private static final int LINE_LINE = 2;
    // Function
    private static final int FUNCTION_ID = 1;
    private static final int FUNCTION_NAME = 2;
    private static final int FUNCTION_SYSTEM_NAME = 3;
    private static final int FUNCTION_FILENAME = 4;

    /** The function of samples whose intervals had no stack. */
    static final String NO_STACK = "(no stack recorded)";

    private final Map<String, Integer> strings = new LinkedHashMap<>();
    private final Map<String, Long> functions = new LinkedHashMap<>(); // name \0 file → id
    private final List<byte[]> functionMessages = new ArrayList<>();
    private final Map<String, Long> locations = new LinkedHashMap<>(); // function id : line → id
    private final List<byte[]> locationMessages = new ArrayList<>();

    private PprofWriter() {
        strings.put("", 0); // pprof: string 0 is always ""
    }

    /**
     * Writes {@code profile} to {@code out} (gzipped; {@code out} is not closed).
     *
     * @param timeNanos     wall-clock time of the trace's start, ns since the Unix epoch (0: unknown)
     * @param durationNanos the span of the trace
     * @param comment       one line stored in the profile (e.g. the trace file and the filter)
     */
    public static void write(BlockingProfile profile, long timeNanos, long durationNanos, String comment,
                             OutputStream out) throws IOException {
        new PprofWriter().encode(profile, timeNanos, durationNanos, comment, out);
    }

    private void encode(BlockingProfile profile, long timeNanos, long durationNanos, String comment,
                        OutputStream out) throws IOException {
        ProfileKind kind = profile.kind();
        List<byte[]> samples = new ArrayList<>();
        for (Map.Entry<Stack, BlockingProfile.Sample> e : profile.byStack().entrySet()) {
            List<Long> ids = new ArrayList<>();
            if (e.getKey() == null || e.getKey().frames().isEmpty()) {
                ids.add(location(NO_STACK, "", 0));
            } else {
                for (StackFrame f : e.getKey().frames()) {
                    ids.add(location(f.className() + "." + f.methodName(), sourceFile(f), Math.max(0, f.line())));
                }
            }
            samples.add(sample(ids, e.getValue().count(), e.getValue().nanos()));
        }
        byte[] countType = valueType(kind.countType, "count");
        byte[] timeType = valueType(kind.timeType, "nanoseconds");
        int mappingFile = string("jtrace");
        long commentId = string(comment);

        ByteArrayOutputStream body = new ByteArrayOutputStream();
        CodedOutputStream c = CodedOutputStream.newInstance(body);
        c.writeByteArray(PROFILE_SAMPLE_TYPE, countType);
        c.writeByteArray(PROFILE_SAMPLE_TYPE, timeType);
        for (byte[] s : samples) {
            c.writeByteArray(PROFILE_SAMPLE, s);
        }
        c.writeByteArray(PROFILE_MAPPING, message(m -> {
            m.writeUInt64(MAPPING_ID, 1);
            m.writeInt64(MAPPING_FILENAME, mappingFile);
            // already symbolized: pprof must not try to look the addresses up
            m.writeBool(MAPPING_HAS_FUNCTIONS, true);
            m.writeBool(MAPPING_HAS_FILENAMES, true);
            m.writeBool(MAPPING_HAS_LINE_NUMBERS, true);
        }));
        for (byte[] l : locationMessages) {
            c.writeByteArray(PROFILE_LOCATION, l);
        }
        for (byte[] f : functionMessages) {
            c.writeByteArray(PROFILE_FUNCTION, f);
        }
        for (String s : strings.keySet()) {
            c.writeString(PROFILE_STRING_TABLE, s);
        }
        c.writeInt64(PROFILE_TIME_NANOS, timeNanos);
        c.writeInt64(PROFILE_DURATION_NANOS, durationNanos);
        c.writeByteArray(PROFILE_PERIOD_TYPE, countType);
        c.writeInt64(PROFILE_PERIOD, 1);
        c.writeInt64(PROFILE_COMMENT, commentId);
        c.flush();
        GZIPOutputStream gz = new GZIPOutputStream(new NonClosing(out));
        body.writeTo(gz);
        gz.finish();
        gz.close();
    }

    /** "io/jtrace/Foo.java" for a frame of io.jtrace.Foo in Foo.java; "" when the file is unknown. */
    private static String sourceFile(StackFrame f) {
        if (f.fileName() == null || f.fileName().isEmpty()) {
            return "";
        }
        int dot = f.className().lastIndexOf('.');
        return dot < 0 ? f.fileName() : f.className().substring(0, dot).replace('.', '/') + "/" + f.fileName();
    }

    private long location(String function, String file, int line) throws IOException {
        long fn = function(function, file);
        String key = fn + ":" + line;
        Long id = locations.get(key);
        if (id == null) {
            long newId = locations.size() + 1L;
            locations.put(key, newId);
            locationMessages.add(message(m -> {
                m.writeUInt64(LOCATION_ID, newId);
                m.writeUInt64(LOCATION_MAPPING_ID, 1);
                m.writeByteArray(LOCATION_LINE, message(l -> {
                    l.writeUInt64(LINE_FUNCTION_ID, fn);
                    l.writeInt64(LINE_LINE, line);
                }));
            }));
            id = newId;
        }
        return id;
    }

    private long function(String name, String file) throws IOException {
        String key = name + "\0" + file;
        Long id = functions.get(key);
        if (id == null) {
            long newId = functions.size() + 1L;
            functions.put(key, newId);
            int nameId = string(name);
            int fileId = string(file);
            functionMessages.add(message(m -> {
                m.writeUInt64(FUNCTION_ID, newId);
                m.writeInt64(FUNCTION_NAME, nameId);
                m.writeInt64(FUNCTION_SYSTEM_NAME, nameId);
                m.writeInt64(FUNCTION_FILENAME, fileId);
            }));
            id = newId;
        }
        return id;
    }

    private byte[] sample(List<Long> locationIds, long count, long nanos) throws IOException {
        return message(m -> {
            int size = 0;
            for (long id : locationIds) {
                size += CodedOutputStream.computeUInt64SizeNoTag(id);
            }
            m.writeTag(SAMPLE_LOCATION_ID, 2); // packed repeated
            m.writeUInt32NoTag(size);
            for (long id : locationIds) {
                m.writeUInt64NoTag(id);
            }
            m.writeTag(SAMPLE_VALUE, 2);
            m.writeUInt32NoTag(CodedOutputStream.computeInt64SizeNoTag(count) + CodedOutputStream.computeInt64SizeNoTag(nanos));
            m.writeInt64NoTag(count);
            m.writeInt64NoTag(nanos);
        });
    }

    private byte[] valueType(String type, String unit) throws IOException {
        int t = string(type);
        int u = string(unit);
        return message(m -> {
            m.writeInt64(VALUE_TYPE_TYPE, t);
            m.writeInt64(VALUE_TYPE_UNIT, u);
        });
    }

    private int string(String s) {
        return strings.computeIfAbsent(s, k -> strings.size());
    }

    private interface Body {
        void write(CodedOutputStream m) throws IOException;
    }

    private static byte[] message(Body body) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        CodedOutputStream m = CodedOutputStream.newInstance(b);
        body.write(m);
        m.flush();
        return b.toByteArray();
    }

    /** Lets the gzip stream finish without closing the caller's stream. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
