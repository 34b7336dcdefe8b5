package io.jtrace.recorder;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The {@code fp} helper's start-up check, run once before the tier is used: fingerprints must be
 * stable for one stack and differ between interpreted frames that differ only in their method or
 * bytecode index (the frame layout the helper reads them from is per platform); and it learns the
 * second return address that ends a virtual thread's frames (the continuation entry's interpreted
 * path, which the VM does not export: it lies a few bytes before the exported compiled-path one).
 */
final class FpSelfTest {
    /** How far from the exported return address the interpreted path's may lie (same small stub). */
    private static final long NEAR = 256;

    private final MethodHandle walk;

    private FpSelfTest(MethodHandle walk) {
        this.walk = walk;
    }

    /** Null when the helper passed, else why not. */
    static String run(MethodHandle walk, MethodHandle frames, long returnPc, MethodHandle addBoundary)
            throws Throwable {
        FpSelfTest t = new FpSelfTest(walk);
        // first calls of these methods: interpreted frames, unless the JVM compiles everything up front
        // from the same call sites each time; the very first downcall's stack differs (linkage)
        long[][] as = new long[3][];
        long[][] bs = new long[2][];
        for (int i = 0; i < as.length; i++) {
            as[i] = t.probeA();
            if (i < bs.length) {
                bs[i] = t.probeB();
            }
        }
        long[] a = as[1];
        long[] a2 = as[2];
        long[] b = bs[1];
        if (a[0] == 0 || a[0] != a2[0] || a[1] != a2[1]) {
            return "the frame-pointer helper's fingerprints are not stable on this JVM";
        }
        if (a[0] == a[1] || a[0] == b[0] || a[1] == b[1] || b[0] == b[1]) {
            return "the frame-pointer helper cannot tell interpreted frames apart on this JVM";
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread v = Thread.ofVirtual().name("jtrace-fp-selftest").unstarted(() -> {
            try {
                learnBoundary(frames, returnPc, addBoundary);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        v.start();
        v.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        return null;
    }

    private static void learnBoundary(MethodHandle frames, long returnPc, MethodHandle addBoundary) throws Throwable {
        int max = 512;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(JAVA_LONG, max);
            int n = (int) frames.invokeExact(buf, max);
            for (int i = 0; i < n; i++) {
                long pc = buf.getAtIndex(JAVA_LONG, i);
                if (pc == returnPc) {
                    return; // this JVM entered the continuation through its compiled path: nothing to learn
                }
                if (pc != returnPc && Math.abs(pc - returnPc) < NEAR) {
                    addBoundary.invokeExact(pc);
                    return;
                }
            }
        }
    }

    private long fingerprint() throws Throwable {
        return (long) walk.invokeExact(FpHelper.MAX_FRAMES, 0, 0L);
    }

    /** Two fingerprints of the same stack but for the calling bytecode index. */
    private long[] probeA() throws Throwable {
        long first = fingerprint();
        long second = fingerprint();
        return new long[] {first, second};
    }

    /** {@link #probeA}'s twin: the same code in another method. */
    private long[] probeB() throws Throwable {
        long first = fingerprint();
        long second = fingerprint();
        return new long[] {first, second};
    }
}
