package io.jtrace.agent.it;

import io.jtrace.agent.it.RecordedTrace.Ev;
import io.jtrace.agent.it.workloads.LockContention;
import io.jtrace.format.BlockReason;
import io.jtrace.format.EventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent keeps the JDK classes it instrumented in its class cache ({@code classcache=DIR}) and
 * takes them from there at the next start: the second run's trace is as complete as the first's,
 * the entries are really used, damaged entries are replaced, and a directory others can write to
 * is not used at all.
 */
class InstrumentedClassCacheIT {
    @TempDir
    Path dir;

    private AgentRun run(Path cache) throws Exception {
        return AgentRun.withAgent(dir, "classcache=" + cache, LockContention.class, "virtual");
    }

    /** The waiter's lock block, with its stack, in a clean trace. */
    private static void assertLockBlockRecorded(AgentRun run) throws IOException {
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).doesNotContain("jtrace:");
        RecordedTrace t = run.read();
        assertThat(t.errors).as("validation errors").isEmpty();
        assertThat(t.lost).isZero();
        List<Ev> blocks = t.of(EventType.BLOCK, t.thread("waiter")).stream()
                .filter(e -> e.reason() == BlockReason.LOCK).toList();
        assertThat(blocks).hasSize(1);
        assertThat(blocks.get(0).firstAppFrame().className()).isEqualTo(LockContention.class.getName());
    }

    private static List<Path> entries(Path cache) throws IOException {
        try (Stream<Path> s = Files.list(cache)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".class-entry")).sorted().toList();
        }
    }

    @Test
    void theSecondStartTakesTheInstrumentedClassesFromTheCacheAndRecordsTheSame() throws Exception {
        Path cache = dir.resolve("cache");
        assertLockBlockRecorded(run(cache));
        List<Path> written = entries(cache);
        assertThat(written).as("one entry per instrumented JDK class").hasSizeGreaterThanOrEqualTo(5);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache))).isEqualTo("rwx------");
        Map<Path, FileTime> times = new HashMap<>();
        for (Path p : written) {
            Files.setLastModifiedTime(p, FileTime.fromMillis(1_000_000_000_000L));
            times.put(p, Files.getLastModifiedTime(p));
        }

        assertLockBlockRecorded(run(cache));
        assertThat(entries(cache)).isEqualTo(written);
        for (Path p : written) {
            assertThat(Files.getLastModifiedTime(p)).as("read, not written again: " + p).isEqualTo(times.get(p));
        }
    }

    @Test
    void anEntryIsTrustedAsItIs() throws Exception {
        // replace LockSupport's entry by the class as the JDK ships it, with no hook applied: if the
        // agent really takes the class from the cache, its park hooks are gone and it says so
        Path cache = dir.resolve("cache");
        assertLockBlockRecorded(run(cache));
        Path lockSupport = null;
        for (Path p : entries(cache)) {
            if (className(p).equals("java/util/concurrent/locks/LockSupport")) {
                lockSupport = p;
            }
        }
        assertThat(lockSupport).as("LockSupport's entry").isNotNull();
        Entry e = Entry.read(lockSupport);
        new Entry(e.description, e.injectorId, e.originalCheck, 0, original(LockSupport.class)).write(lockSupport);

        AgentRun run = run(cache);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).contains("jtrace: hook point java/util/concurrent/locks/LockSupport.park");
        assertThat(run.read().of(EventType.BLOCK, run.read().thread("waiter")).stream()
                .map(Ev::reason)).doesNotContain(BlockReason.LOCK);
    }

    @Test
    void damagedEntriesAreInstrumentedAnewAndReplaced() throws Exception {
        Path cache = dir.resolve("cache");
        assertLockBlockRecorded(run(cache));
        List<Path> written = entries(cache);
        for (Path p : written) {
            byte[] b = Files.readAllBytes(p);
            Files.write(p, java.util.Arrays.copyOf(b, b.length / 2)); // cut in the middle
        }
        Files.write(written.get(0), new byte[0]);

        assertLockBlockRecorded(run(cache));
        for (Path p : entries(cache)) {
            assertThat(className(p)).as("a whole entry again: " + p).matches("(java|sun|jdk)/.+");
        }
    }

    @Test
    void theCacheKeepsAtMostTwoHundredEntriesTheOldestGoFirst() throws Exception {
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwx------"));
        for (int i = 0; i < 250; i++) {
            Path old = Files.write(cache.resolve("old-" + i + ".class-entry"), new byte[] {1});
            Files.setLastModifiedTime(old, FileTime.fromMillis(1_000_000_000_000L + i));
        }
        assertLockBlockRecorded(run(cache));
        List<Path> kept = entries(cache);
        assertThat(kept).hasSize(200);
        List<Path> fresh = kept.stream().filter(p -> !p.getFileName().toString().startsWith("old-")).toList();
        assertThat(fresh).as("this run's entries").hasSizeGreaterThanOrEqualTo(5);
        // the old ones that are left are the most recent of them
        assertThat(kept).contains(cache.resolve("old-249.class-entry")).doesNotContain(cache.resolve("old-0.class-entry"));
    }

    @Test
    void aDirectoryOthersCanWriteToIsNotUsed() throws Exception {
        Path cache = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertLockBlockRecorded(run(cache));
        assertThat(entries(cache)).isEmpty();
    }

    /** The internal name of the class an entry holds (it fails on a damaged entry). */
    private static String className(Path entry) throws IOException {
        return ClassFile.of().parse(Entry.read(entry).rewritten).thisClass().asInternalName();
    }

    /** The class file of {@code c} as the JDK ships it. */
    private static byte[] original(Class<?> c) throws IOException {
        try (var in = Object.class.getResourceAsStream("/" + c.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    /** An entry as the agent writes it (see InstrumentedClassCache). */
    private record Entry(String description, int injectorId, int originalCheck, int applied, byte[] rewritten) {
        private static final int MAGIC = 0x4A544932;

        static Entry read(Path file) throws IOException {
            try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
                assertThat(in.readInt()).isEqualTo(MAGIC);
                String description = in.readUTF();
                int injectorId = in.readInt();
                int originalCheck = in.readInt();
                int applied = in.readUnsignedShort();
                in.skipNBytes(2L * applied);
                byte[] rewritten = new byte[in.readInt()];
                in.readFully(rewritten);
                assertThat(in.read()).isEqualTo(-1);
                return new Entry(description, injectorId, originalCheck, applied, rewritten);
            }
        }

        /** Writes the entry with {@code applied} hook points, all of them the first (index 0). */
        void write(Path file) throws IOException {
            try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
                out.writeInt(MAGIC);
                out.writeUTF(description);
                out.writeInt(injectorId);
                out.writeInt(originalCheck);
                out.writeShort(applied);
                for (int i = 0; i < applied; i++) {
                    out.writeShort(0);
                }
                out.writeInt(rewritten.length);
                out.write(rewritten);
            }
        }
    }
}
