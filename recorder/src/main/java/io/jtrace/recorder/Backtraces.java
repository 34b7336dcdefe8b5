package io.jtrace.recorder;

import jdk.internal.misc.Unsafe;

/**
 * Read access to the VM's raw stack walk: the {@code backtrace} a {@code new Throwable()} gets.
 * HotSpot fills it in without creating StackTraceElements (javaClasses.cpp,
 * {@code java_lang_Throwable::fill_in_stack_trace}): a chain of chunks of 32 frames, each chunk
 * an {@code Object[7]} of {@code short[] methods} (the method's original idnum in its class),
 * {@code int[] bcis} (bci in the high 16 bits, the class's constant-pool version in the low 16),
 * {@code Object[] mirrors} (the Class of each frame), {@code long[] names}, continuation scopes,
 * the next chunk and a hidden-frames marker. Frames the VM hides (lambda forms, continuation
 * entry) and the Throwable's own constructor frames are already left out; a virtual thread's walk
 * ends at its continuation.
 *
 * <p>Only loaded when {@code jdk.internal.misc} is exported to us; {@link #check()} verifies the
 * layout on this JVM before the fast tier is used.
 */
final class Backtraces {
    static final int CHUNK_SIZE = 32;
    static final int METHODS = 0;
    static final int BCIS = 1;
    static final int MIRRORS = 2;
    static final int NEXT = 5;

    private static final Unsafe U = Unsafe.getUnsafe();
    private static final long BACKTRACE = U.objectFieldOffset(Throwable.class, "backtrace");
    private static final long DEPTH = U.objectFieldOffset(Throwable.class, "depth");
    private static final long METHOD_SLOT = U.objectFieldOffset(java.lang.reflect.Method.class, "slot");
    private static final long CONSTRUCTOR_SLOT = U.objectFieldOffset(java.lang.reflect.Constructor.class, "slot");

    private Backtraces() {}

    /** The first chunk of {@code t}'s backtrace, or null if the VM recorded none. */
    static Object[] firstChunk(Throwable t) {
        return U.getReference(t, BACKTRACE) instanceof Object[] chunk ? chunk : null;
    }

    /** The number of frames in {@code t}'s backtrace. */
    static int depth(Throwable t) {
        return U.getInt(t, DEPTH);
    }

    /** HotSpot's method idnum of a reflected method or constructor (its {@code slot}). */
    static int slot(java.lang.reflect.Executable e) {
        return U.getInt(e, e instanceof java.lang.reflect.Method ? METHOD_SLOT : CONSTRUCTOR_SLOT);
    }

    /**
     * A 64-bit key of {@code t}'s frames (class, method, bytecode index and version of each, and
     * their number): equal for two captures of one stack, whatever the code that ran it. 0 if the
     * VM recorded no backtrace.
     */
    static long contentKey(Throwable t) {
        Object[] chunk = firstChunk(t);
        if (chunk == null) {
            return 0;
        }
        int depth = depth(t);
        long h = 0x6a74726163656b79L ^ depth;
        for (int n = 0, i = 0; n < depth; n++, i++) {
            if (i == CHUNK_SIZE) {
                chunk = (Object[]) chunk[NEXT];
                i = 0;
            }
            h = (h ^ System.identityHashCode(((Object[]) chunk[MIRRORS])[i])) * 0x9e3779b97f4a7c15L;
            h = (h ^ (((long) ((short[]) chunk[METHODS])[i] << 32) | (((int[]) chunk[BCIS])[i] & 0xffffffffL)))
                    * 0x9e3779b97f4a7c15L;
        }
        h ^= h >>> 29;
        return h == 0 ? 1 : h;
    }

    static int bci(int merged) {
        return merged >>> 16;
    }

    /**
     * Throws if this JVM's backtraces do not look as described above: checked once, so that a
     * JDK whose layout changed falls back to the slow tier instead of recording wrong stacks.
     */
    static void check() {
        Throwable t = probe();
        Object[] chunk = firstChunk(t);
        if (chunk == null || chunk.length != 7 || !(chunk[METHODS] instanceof short[] methods)
                || !(chunk[BCIS] instanceof int[]) || !(chunk[MIRRORS] instanceof Object[] mirrors)
                || methods.length != CHUNK_SIZE || mirrors.length != CHUNK_SIZE) {
            throw new IllegalStateException("unexpected backtrace layout");
        }
        StackTraceElement[] expected = t.getStackTrace();
        if (depth(t) != expected.length || mirrors[0] != Backtraces.class
                || !expected[0].getMethodName().equals("probe")) {
            throw new IllegalStateException("backtrace does not match getStackTrace()");
        }
    }

    private static Throwable probe() {
        return new Throwable();
    }

    /**
     * Whether this VM's backtraces keep at least {@code frames} frames: HotSpot cuts them at
     * {@code -XX:MaxJavaStackTraceDepth} (1024 by default) without saying so, where StackWalker
     * walks on. Probed by a throwable made {@code frames} calls deep.
     */
    static boolean keepsFrames(int frames) {
        try {
            return depth(throwableAtDepth(frames)) >= frames;
        } catch (StackOverflowError e) {
            return false;
        }
    }

    private static Throwable throwableAtDepth(int n) {
        return n <= 1 ? new Throwable() : throwableAtDepth(n - 1);
    }
}
