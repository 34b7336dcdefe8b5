package io.jtrace.agent.instrument;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
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
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * The JDK classes as the injector rewrote them, kept on disk between runs, so that a JVM started
 * with the agent does not run the class-file library at start-up (its parse, transform and stack
 * map computation, and the JIT compiling all of that while the application warms up: measured in
 * docs/performance.md, "Agent start-up").
 *
 * <p>An entry is keyed by everything the rewritten bytes depend on: the original class bytes
 * (another JDK build has other bytes), the hook points of the class and the injector's own class
 * files (a changed injector makes new entries). Its file name is a CRC-32 of those inputs and the
 * original's length; inside, the hook points as text, a checksum of the injector's class files and
 * a CRC-32C of the original must match too (64 bits of checksums besides the length and the text: an
 * accidental match is out of reach, and the directory is the user's own); then the hook points
 * that were applied (by index) and the rewritten class. Checksums, not the inputs themselves and
 * not a cryptographic digest: both cost more at start-up, where the JIT has compiled nothing yet,
 * than the cache saves (docs/performance.md, "Agent start-up").
 *
 * <p>The directory is the user's: created private, and not used at all if it belongs to another
 * user or others can write to it (these bytes become java.base). Every failure here means only
 * that the class is instrumented as without a cache; nothing is printed.
 */
final class InstrumentedClassCache {
    private static final int MAGIC = 0x4A544932; // "JTI2"
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
    static final InstrumentedClassCache NONE = new InstrumentedClassCache(null, 0);

    /** The injector's class files: a change in any of them must make new entries. */
    private static final List<String> INJECTOR_CLASSES = List.of("HookInjector.class", "HookInjector$Injection.class",
            "HookInjector$CallSiteInjection.class", "HookPoint.class");

    private final Path dir;
    /** A checksum of the injector's class files: part of every key. */
    private final int injectorId;

    private InstrumentedClassCache(Path dir, int injectorId) {
        this.dir = dir;
        this.injectorId = injectorId;
    }

    /** What an instrumentation produced: the new class bytes and the hook points found in the class. */
    record Entry(byte[] bytes, List<HookPoint> applied) {}

    /**
     * The cache in {@code dir} (created if missing), or {@link #NONE} if it cannot be used safely
     * there or the injector's class files cannot be read. {@code agentJar}, if not null, is the jar
     * the injector was loaded from: its directory has the class files' CRC-32s already, which saves
     * reading them through the class loader at start-up (~4 ms).
     */
    static InstrumentedClassCache in(Path dir, JarFile agentJar) {
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PRIVATE));
            if (!privateToUser(dir)) {
                return NONE;
            }
            Integer id = agentJar == null ? null : injectorIdFrom(agentJar);
            if (id == null) {
                id = injectorIdFromClassFiles();
            }
            return id == null ? NONE : new InstrumentedClassCache(dir, id);
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
    }

    /** From the jar's directory: each class file's CRC-32 and size; null if one is not there. */
    private static Integer injectorIdFrom(JarFile jar) {
        String pkg = HookInjector.class.getPackageName().replace('.', '/') + "/";
        CRC32 crc = new CRC32();
        for (String c : INJECTOR_CLASSES) {
            JarEntry e = jar.getJarEntry(pkg + c);
            if (e == null || e.getCrc() == -1) {
                return null;
            }
            crc.update(ByteBuffer.allocate(16).putLong(e.getCrc()).putLong(e.getSize()).flip());
        }
        return (int) crc.getValue();
    }

    /** From the class files themselves, read through the class loader; null if one cannot be read. */
    private static Integer injectorIdFromClassFiles() throws IOException {
        CRC32 crc = new CRC32();
        for (String c : INJECTOR_CLASSES) {
            try (InputStream in = HookInjector.class.getResourceAsStream(c)) {
                if (in == null) {
                    return null;
                }
                crc.update(in.readAllBytes());
            }
        }
        return (int) crc.getValue();
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
            if (in.readInt() != MAGIC || !in.readUTF().equals(description) || in.readInt() != injectorId
                    || in.readInt() != crc32c(original)) {
                return null; // another class, JDK or injector with the same CRC-32: instrument anew
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
                out.writeInt(injectorId);
                out.writeInt(crc32c(original));
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
        crc.update(injectorId);
        crc.update(description.getBytes(StandardCharsets.UTF_8));
        crc.update(original);
        // a StringBuilder, not +: the first string concatenation links its bootstrap (~5 ms at start-up)
        return new StringBuilder().append(Long.toHexString(crc.getValue())).append('-').append(original.length)
                .append(ENTRY_SUFFIX).toString();
    }

    private static int crc32c(byte[] b) {
        CRC32C crc = new CRC32C(); // an intrinsic, and native-speed before the JIT too
        crc.update(b);
        return (int) crc.getValue();
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
        // instanceof, not a pattern switch: its first use links a bootstrap method at start-up
        for (HookPoint.Arg a : call.args()) {
            if (a instanceof HookPoint.This) {
                b.append("this ");
            } else if (a instanceof HookPoint.Null) {
                b.append("null ");
            } else if (a instanceof HookPoint.Param p) {
                b.append("param").append(p.slot()).append(' ');
            } else if (a instanceof HookPoint.IntField f) {
                b.append("int:").append(f.name()).append(' ');
            } else if (a instanceof HookPoint.RefField f) {
                b.append("ref:").append(f.name()).append(':').append(f.descriptor()).append(' ');
            } else {
                throw new IllegalArgumentException("an argument the cache cannot describe: " + a);
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
