package io.jtrace.recorder;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The native half of the {@code fp} stack tier (recorder/src/main/c/jtracefp.c), packaged in the
 * jar per platform, extracted and loaded once, called through critical FFM downcalls (no thread
 * state transition: a few nanoseconds per call). {@link #unavailable()} says why it can't be used
 * here; then nothing else in this class may be called.
 */
final class FpHelper {
    /** Physical frames a walk follows at most; deeper stacks get no fingerprint (the fast tier takes them). */
    static final int MAX_FRAMES = 1 << 16;

    private static final String UNAVAILABLE;
    private static final MethodHandle WALK;
    private static final MethodHandle FRAMES;

    static {
        String why;
        Handles h = null;
        try {
            String platform = platform();
            if (platform == null) {
                why = "no frame-pointer helper for " + System.getProperty("os.name") + "/" + System.getProperty("os.arch");
            } else {
                Object loaded = NativeAccess.during(FpHelper.class.getModule(), () -> load(platform));
                if (loaded == null) {
                    why = "native access is not enabled for jtrace (add --enable-native-access=ALL-UNNAMED or use the agent)";
                } else if (loaded instanceof String s) {
                    why = s;
                } else {
                    h = (Handles) loaded;
                    why = FpSelfTest.run(h.walk, h.frames, h.returnPc, h.addBoundary, h.setReturnBarrier);
                }
            }
        } catch (Throwable e) {
            why = "the frame-pointer helper failed to load: " + e;
        }
        UNAVAILABLE = why;
        WALK = why == null ? h.walk : null;
        FRAMES = why == null ? h.frames : null;
    }

    private record Handles(MethodHandle walk, MethodHandle frames, long returnPc, MethodHandle addBoundary,
                           MethodHandle setReturnBarrier) {}

    /** The helper's entry points, or why there are none (a String). */
    private static Object load(String platform) {
        try {
            return loadOrThrow(platform);
        } catch (Throwable e) {
            return "the frame-pointer helper failed to load: " + e;
        }
    }

    private static Object loadOrThrow(String platform) throws Throwable {
        Path lib = extract("native/" + platform + "/libjtracefp.so");
        if (lib == null) {
            return "this jtrace build has no frame-pointer helper for " + platform;
        }
        SymbolLookup symbols;
        try {
            symbols = SymbolLookup.libraryLookup(lib, Arena.global());
        } finally {
            Files.deleteIfExists(lib); // mapped now, if loaded: nothing to clean up at exit
        }
        int init = (int) downcall(symbols, "jtfp_init", FunctionDescriptor.of(JAVA_INT)).invokeExact();
        if (init != 0) {
            return "this JVM does not export " + switch (init) {
                case 1 -> "its structure tables (gHotSpotVMStructs)";
                case 2 -> "the interpreter's code range";
                case 3 -> "the continuation entry's return address";
                default -> "the heap's collection counter";
            };
        }
        long returnPc = (long) downcall(symbols, "jtfp_continuation_return_pc", FunctionDescriptor.of(JAVA_LONG))
                .invokeExact();
        return new Handles(
                downcall(symbols, "jtfp_walk", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG)),
                downcall(symbols, "jtfp_frames", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)),
                returnPc,
                downcall(symbols, "jtfp_add_boundary", FunctionDescriptor.ofVoid(JAVA_LONG)),
                downcall(symbols, "jtfp_set_return_barrier", FunctionDescriptor.ofVoid(JAVA_LONG)));
    }

    private FpHelper() {}

    /** Null when the helper is loaded and passed its self-test, else why not (one line). */
    static String unavailable() {
        return UNAVAILABLE;
    }

    /** What {@link #walk} is told of the calling thread (jtracefp.c's KIND_ constants). */
    static final int PLATFORM = 0;
    static final int VIRTUAL = 1;
    /** A platform thread the JVM started (Thread.start): its walks stop at its outermost Java frame. */
    static final int STARTED = 2;

    /**
     * The fingerprint of the calling thread's stack (its frames up to a virtual thread's
     * continuation entry, or up to a started thread's outermost Java frame), or 0 if it has none
     * that can be trusted. {@code kind}: {@link #PLATFORM}, {@link #VIRTUAL} or {@link #STARTED}.
     * {@code epoch} is mixed in.
     */
    static long walk(int kind, long epoch) {
        try {
            return (long) WALK.invokeExact(MAX_FRAMES, kind, epoch);
        } catch (Throwable e) {
            return 0; // a critical downcall does not throw
        }
    }

    /**
     * Whether {@code fingerprint} (non-zero, of a virtual thread) covers only the frames above the
     * return barrier: the VM copied back the top frames after a yield and left the others in the
     * heap, which {@link FrozenFrames} then stands for.
     */
    static boolean aboveReturnBarrier(long fingerprint) {
        return (fingerprint & 1) != 0;
    }

    /** The return addresses of the calling thread's frame chain (diagnostics and tests). */
    static long[] frames(int max) {
        long[] out = new long[max];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(JAVA_LONG, max);
            int n = (int) FRAMES.invokeExact(buf, max);
            MemorySegment.copy(buf, JAVA_LONG, 0, out, 0, n);
            return java.util.Arrays.copyOf(out, n);
        } catch (Throwable e) {
            return new long[0];
        }
    }

    private static MethodHandle downcall(SymbolLookup symbols, String name, FunctionDescriptor d) {
        MemorySegment address = symbols.find(name).orElseThrow(() -> new IllegalStateException("no symbol " + name));
        return Linker.nativeLinker().downcallHandle(address, d, Linker.Option.critical(false));
    }

    /** The helper's directory name for this JVM's platform, or null where there is none. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.equals("linux")) {
            return null;
        }
        return switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> "linux-x64";
            case "aarch64", "arm64" -> "linux-aarch64";
            default -> null;
        };
    }

    /** The packaged library copied to a fresh temporary file, or null if this build has none. */
    private static Path extract(String resource) throws IOException {
        // the agent defines the recorder in the bootstrap loader from its jar, which only the
        // application's class loader reads (the agent jar is on its class path): ask that first
        InputStream packaged = FpHelper.class.getClassLoader() == null ? ClassLoader.getSystemResourceAsStream(resource)
                : FpHelper.class.getResourceAsStream("/" + resource);
        try (InputStream in = packaged) {
            if (in == null) {
                return null;
            }
            Path file = newPrivateFile();
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return file;
        }
    }

    /**
     * A new file of the user's alone in the temporary directory. Not {@code Files.createTempFile}:
     * its random names start a SecureRandom, ~15 ms of the agent's start-up; a name from the
     * process id and the clock, created exclusively (an existing file or link of that name is
     * never used), does as well.
     */
    private static Path newPrivateFile() throws IOException {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        String name = "jtracefp-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".so";
        try {
            return Files.createFile(dir.resolve(name), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (IOException | UnsupportedOperationException taken) {
            return Files.createTempFile("jtracefp", ".so");
        }
    }
}
