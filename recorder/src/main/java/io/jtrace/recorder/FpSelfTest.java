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
 * path, which the VM does not export: it lies a few bytes before the exported compiled-path one)
 * and the return barrier (the return address the VM gives the lowest frame it copied back onto
 * the carrier after a yield; exported only from JDK 27).
 */
final class FpSelfTest {
    /** How far from the exported return address the interpreted path's may lie (same small stub). */
    private static final long NEAR = 256;

    private final MethodHandle walk;

    private FpSelfTest(MethodHandle walk) {
        this.walk = walk;
    }

    /** Null when the helper passed, else why not. */
    static String run(MethodHandle walk, MethodHandle frames, long returnPc, MethodHandle addBoundary,
                      MethodHandle setReturnBarrier) throws Throwable {
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
        onVirtualThread(() -> {
            learnBoundary(frames, returnPc, addBoundary);
            return 0;
        });
        long barrier = learnReturnBarrier(frames);
        if (barrier != 0) {
            setReturnBarrier.invokeExact(barrier);
        }
        return null;
    }

    /**
     * The return barrier, found by comparing a virtual thread's frame chain before and after a
     * yield: the VM thaws a chunk with interpreted frames (as these, run once, are) a frame or
     * two at a time, and the first return address that differs is the barrier it put under
     * them. Learned twice, on two virtual threads, and kept only if both agree; 0 if not found
     * (virtual threads' stacks after a yield then stay with the fast tier).
     */
    private static long learnReturnBarrier(MethodHandle frames) throws Throwable {
        long first = barrierOnce(frames);
        return first != 0 && barrierOnce(frames) == first ? first : 0;
    }

    private static long barrierOnce(MethodHandle frames) throws Throwable {
        return onVirtualThread(() -> deepThenYield(frames, BARRIER_PROBE_DEPTH));
    }

    private interface Probe {
        long run() throws Throwable;
    }

    /** Runs {@code probe} on a virtual thread of its own and returns its result (or throws what it threw). */
    private static long onVirtualThread(Probe probe) throws Throwable {
        long[] result = new long[1];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread v = Thread.ofVirtual().name("jtrace-fp-selftest").unstarted(() -> {
            try {
                result[0] = probe.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        v.start();
        v.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        return result[0];
    }

    /** Frames deep enough (in the interpreter, ~20 words each) that the VM thaws them lazily. */
    private static final int BARRIER_PROBE_DEPTH = 48;

    private static long deepThenYield(MethodHandle frames, int depth) throws Throwable {
        if (depth > 0) {
            return deepThenYield(frames, depth - 1);
        }
        long[][] chains = new long[2][];
        for (int i = 0; i < 2; i++) {
            chains[i] = chain(frames); // one call site: the same return addresses above this frame
            if (i == 0) {
                Thread.sleep(1); // unmounts: the frames are frozen into the heap, thawed on return
            }
        }
        long[] before = chains[0];
        long[] after = chains[1];
        if (after.length >= before.length) {
            return 0; // thawed whole: no barrier to learn
        }
        for (int i = 0; i < after.length; i++) {
            if (after[i] != before[i]) {
                long candidate = after[i];
                // the barrier is no frame's return address before the yield
                return java.util.Arrays.stream(before).anyMatch(pc -> pc == candidate) ? 0 : candidate;
            }
        }
        return 0;
    }

    private static long[] chain(MethodHandle frames) throws Throwable {
        int max = 512;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(JAVA_LONG, max);
            int n = (int) frames.invokeExact(buf, max);
            long[] out = new long[n];
            MemorySegment.copy(buf, JAVA_LONG, 0, out, 0, n);
            return out;
        }
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
