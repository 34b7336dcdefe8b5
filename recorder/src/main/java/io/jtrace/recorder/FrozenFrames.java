package io.jtrace.recorder;

import jdk.internal.misc.Unsafe;

/**
 * What the {@code fp} tier knows of a virtual thread's frames that are still in the heap after a
 * yield (the VM copies back only the top frames and puts a return barrier under them; each return
 * through it copies back the next). Those frames are the bottom of the stack the thread froze
 * with, which is the stack its park hook captured just before (plus the JDK's own frames between
 * the hook and the yield); the number of words still frozen says how much of it is left. So a
 * walk that ends at the barrier is completed by two numbers: the key of the stack captured before
 * the yield ({@link ThreadRecord#frozenKey}, set at unmount) and the frozen words in the
 * continuation's stack chunks ({@code jdk.internal.vm.StackChunk}: {@code size} − {@code sp},
 * which the VM keeps in those Java fields).
 *
 * <p>The key stands for one stack only if the frozen frames are a suffix of that one stack, which
 * the recorder guarantees by setting the frozen key only for an unmount that follows a block its
 * hook captured; and two different suffixes of one stack would need the same size in words, which
 * frames of positive size cannot have (unless frames of the same methods changed size between two
 * freezes by recompilation and summed up equal: the cross-check, {@code stackcheck=on}, would
 * count such a hit as a mismatch).
 */
final class FrozenFrames {
    private static final Unsafe U;
    private static final long CONT;
    private static final long TAIL;
    private static final long PARENT;
    private static final long SIZE;
    private static final long SP;
    private static final boolean AVAILABLE;

    static {
        Unsafe u = null;
        long cont = -1;
        long tail = -1;
        long parent = -1;
        long size = -1;
        long sp = -1;
        try {
            u = Unsafe.getUnsafe();
            cont = u.objectFieldOffset(Class.forName("java.lang.VirtualThread"), "cont");
            Class<?> continuation = Class.forName("jdk.internal.vm.Continuation");
            tail = u.objectFieldOffset(continuation, "tail");
            Class<?> chunk = Class.forName("jdk.internal.vm.StackChunk");
            parent = u.objectFieldOffset(chunk, "parent");
            size = u.objectFieldOffset(chunk, "size");
            sp = u.objectFieldOffset(chunk, "sp");
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            u = null; // another JDK's layout: walks that end at the barrier fall back to the fast tier
        }
        U = u;
        CONT = cont;
        TAIL = tail;
        PARENT = parent;
        SIZE = size;
        SP = sp;
        AVAILABLE = u != null;
    }

    private FrozenFrames() {}

    /** How many chunks a stack may be frozen into before the key gives up (deep stacks split). */
    private static final int MAX_CHUNKS = 64;

    /**
     * The key of the current virtual thread's whole stack, given {@code aboveBarrier} (the
     * helper's fingerprint of the frames above the return barrier) and {@code frozenKey} (the
     * key of the stack it froze with); 0 if there is none.
     */
    static long key(Thread current, long aboveBarrier, long frozenKey) {
        if (!AVAILABLE || frozenKey == 0) {
            return 0;
        }
        Object cont = U.getReference(current, CONT);
        Object chunk = cont == null ? null : U.getReference(cont, TAIL);
        long words = 0;
        int chunks = 0;
        for (; chunk != null; chunk = U.getReference(chunk, PARENT)) {
            if (++chunks > MAX_CHUNKS) {
                return 0;
            }
            words += U.getInt(chunk, SIZE) - U.getInt(chunk, SP);
        }
        if (chunks == 0) {
            return 0;
        }
        long h = mix(mix(mix(aboveBarrier, frozenKey), words), chunks);
        h ^= h >>> 31;
        return h == 0 ? 2 : h;
    }

    private static long mix(long h, long v) {
        return (h ^ v) * 0x9e3779b97f4a7c15L;
    }
}
