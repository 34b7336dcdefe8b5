package io.jtrace.agent.instrument;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * The JDK classes as the injector rewrote them, kept on disk between runs, so that a JVM started
 * with the agent does not run the class-file library at start-up (its parse, transform and stack
 * map computation, and the JIT compiling all of that while the application warms up: measured in
 * docs/performance.md, "Agent start-up").
 *
 * <p>An entry holds everything the rewritten bytes depend on, and is used only if all of it is
 * equal: the original class bytes (another JDK build has other bytes), the hook points of the
 * class and the injector's own class files (a changed injector makes new entries); then the hook
 * points that were applied (by index) and the rewritten class. Its file name is a CRC-32 of those
 * inputs, only to find it: cheap at start-up, where a cryptographic digest and the records'
 * generated toString would cost more than they save.
 *
 * <p>The directory is the user's: created private, and not used at all if it belongs to another
 * user or others can write to it (these bytes become java.base). Every failure here means only
 * that the class is instrumented as without a cache; nothing is printed.
 */
final class InstrumentedClassCache {
    private static final int MAGIC = 0x4A544943; // "JTIC"
    private static final String ENTRY_SUFFIX = ".class-entry";
    /**
     * Entries kept at most: each JDK update and each build of the agent makes a new set of about
     * twenty; when a new entry is written beyond this, the least recently written go.
     */
    private static final int MAX_ENTRIES = 200;
    /** No class file of the JDK comes near this; a larger length means a damaged entry. */
    private static final int MAX_CLASS_BYTES = 16 << 20;
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");

    /** The cache that keeps nothing. */
    static final InstrumentedClassCache NONE = new InstrumentedClassCache(null, new byte[0]);

    private final Path dir;
    /** The injector's own class files: part of every key. */
    private final byte[] injectorCode;

    private InstrumentedClassCache(Path dir, byte[] injectorCode) {
        this.dir = dir;
        this.injectorCode = injectorCode;
    }

    /** What an instrumentation produced: the new class bytes and the hook points found in the class. */
    record Entry(byte[] bytes, List<HookPoint> applied) {}

    /**
     * The cache in {@code dir} (created if missing), or {@link #NONE} if it cannot be used safely
     * there or the injector's class files cannot be read.
     */
    static InstrumentedClassCache in(Path dir) {
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PRIVATE));
            if (!privateToUser(dir)) {
                return NONE;
            }
            ByteArrayOutputStream code = new ByteArrayOutputStream();
            for (String c : List.of("HookInjector.class", "HookInjector$Injection.class", "HookPoint.class")) {
                try (InputStream in = HookInjector.class.getResourceAsStream(c)) {
                    if (in == null) {
                        return NONE;
                    }
                    in.transferTo(code);
                }
            }
            return new InstrumentedClassCache(dir, code.toByteArray());
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
    }

    /** The default place: {@code $XDG_CACHE_HOME/jtrace/instrumented}, else {@code ~/.cache/jtrace/instrumented}. */
    static Path defaultDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("jtrace").resolve("instrumented");
    }

    private static boolean privateToUser(Path dir) throws IOException {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException notPosix) {
            return false;
        }
        Set<PosixFilePermission> p = a.permissions();
        return a.isDirectory() && a.owner().getName().equals(System.getProperty("user.name"))
                && !p.contains(PosixFilePermission.GROUP_WRITE) && !p.contains(PosixFilePermission.OTHERS_WRITE);
    }

    /** The entry for {@code original} rewritten with {@code points}, or null if there is none (or it is unreadable). */
    Entry find(byte[] original, List<HookPoint> points) {
        if (dir == null) {
            return null;
        }
        String description = describe(points);
        Path file = dir.resolve(fileName(original, description));
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS))) {
            if (in.readInt() != MAGIC || !in.readUTF().equals(description)
                    || !Arrays.equals(readBytes(in), injectorCode) || !Arrays.equals(readBytes(in), original)) {
                return null; // another class, JDK or injector with the same CRC: instrument anew
            }
            int n = in.readUnsignedShort();
            List<HookPoint> applied = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                applied.add(points.get(in.readUnsignedShort()));
            }
            byte[] bytes = readBytes(in);
            return in.read() == -1 ? new Entry(bytes, applied) : null;
        } catch (IOException | RuntimeException e) {
            return null; // missing, truncated, or written by something else: instrument anew
        }
    }

    /** Keeps {@code entry}; written to a temporary file first, so that a reader never sees half of one. */
    void keep(byte[] original, List<HookPoint> points, Entry entry) {
        if (dir == null) {
            return;
        }
        Path tmp = null;
        try {
            String description = describe(points);
            Path file = dir.resolve(fileName(original, description));
            tmp = Files.createTempFile(dir, "entry", ".tmp");
            try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(tmp))) {
                out.writeInt(MAGIC);
                out.writeUTF(description);
                writeBytes(out, injectorCode);
                writeBytes(out, original);
                out.writeShort(entry.applied().size());
                for (HookPoint p : entry.applied()) {
                    out.writeShort(points.indexOf(p));
                }
                writeBytes(out, entry.bytes());
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            trim();
        } catch (IOException | RuntimeException e) {
            // a full disk or a read-only home: the next start instruments again
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // nothing more to do
                }
            }
        }
    }

    /** Deletes the oldest entries beyond {@link #MAX_ENTRIES} (only after a miss: a start that hits never lists). */
    private void trim() throws IOException {
        List<Path> entries;
        try (var files = Files.list(dir)) {
            entries = files.filter(f -> f.getFileName().toString().endsWith(ENTRY_SUFFIX)).toList();
        }
        if (entries.size() <= MAX_ENTRIES) {
            return;
        }
        List<Path> oldestFirst = new ArrayList<>(entries);
        oldestFirst.sort(java.util.Comparator.comparingLong(InstrumentedClassCache::writtenAt));
        for (Path old : oldestFirst.subList(0, entries.size() - MAX_ENTRIES)) {
            Files.deleteIfExists(old);
        }
    }

    private static long writtenAt(Path file) {
        try {
            return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toMillis();
        } catch (IOException e) {
            return Long.MIN_VALUE; // gone or unreadable: first to go
        }
    }

    private String fileName(byte[] original, String description) {
        CRC32 crc = new CRC32(); // native even before the JIT runs
        crc.update(injectorCode);
        crc.update(description.getBytes(StandardCharsets.UTF_8));
        crc.update(original);
        return Long.toHexString(crc.getValue()) + "-" + original.length + ENTRY_SUFFIX;
    }

    /** The hook points as text: what the injected calls are made of, in order. */
    private static String describe(List<HookPoint> points) {
        StringBuilder b = new StringBuilder();
        for (HookPoint p : points) {
            b.append(p.owner()).append('.').append(p.method()).append(p.descriptor());
            describe(b.append(" entry "), p.onEntry());
            describe(b.append(" exit "), p.onExit());
            if (p.around() != null) {
                b.append(" around ").append(p.around().owner()).append('.').append(p.around().namePrefix()).append('*');
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static void describe(StringBuilder b, HookPoint.Call call) {
        if (call == null) {
            b.append('-');
            return;
        }
        b.append(call.hook()).append(call.descriptor()).append('(');
        for (HookPoint.Arg a : call.args()) {
            switch (a) {
                case HookPoint.This t -> b.append("this ");
                case HookPoint.Null n -> b.append("null ");
                case HookPoint.Param p -> b.append("param").append(p.slot()).append(' ');
                case HookPoint.IntField f -> b.append("int:").append(f.name()).append(' ');
                case HookPoint.RefField f -> b.append("ref:").append(f.name()).append(':').append(f.descriptor()).append(' ');
            }
        }
        b.append(')');
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_CLASS_BYTES) {
            throw new IOException("not an entry");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }
}
