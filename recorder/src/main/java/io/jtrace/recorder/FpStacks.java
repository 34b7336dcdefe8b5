package io.jtrace.recorder;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;

/**
 * The {@code fp} stack tier: fingerprint the stack by walking its frame-pointer chain in native
 * code ({@link FpHelper}, ~1.5 ns per frame), and look the fingerprint up in a cache shared by
 * all threads; on a hit the VM does not walk the stack at all. On a miss the {@code fast} tier
 * captures the stack from the same point and the cache remembers it; where no fingerprint can be
 * trusted (a stack deeper than the walk follows; a virtual thread whose frames were only partly
 * copied back after a yield, unless {@link FrozenFrames} can stand for the rest) the {@code fast}
 * capture is all there is.
 *
 * <p>Correct only under the conditions of reference/jdk25-internals.md: the JVM runs with
 * {@code -XX:+PreserveFramePointer} ({@link #availability}); interpreted frames are told apart by
 * Method* and bytecode pointer (the helper); a virtual thread's walk ends at its continuation
 * entry (the helper, {@link FpSelfTest}), and a platform thread the JVM started (seen through
 * Thread.start) at its outermost Java frame, below which only the VM's own frames lie for the
 * thread's life (the helper; a thread attached from native code walks its whole chain); and no
 * fingerprint outlives code or class unloading: the helper mixes the VM's count of collections into every hash (code and metadata are only
 * freed in a collection) and a collector notification moves {@link #EPOCH} on and empties the
 * cache, for collector cycles that count differently.
 *
 * <p>With {@code stackcheck=on} every capture also takes the {@code fast} stack and compares it
 * with the one the fingerprint stands for; {@link #report()} gives the counts.
 */
final class FpStacks implements StackTier {
    /** Moved on by collector notifications; mixed into every fingerprint. */
    private static volatile long epoch;
    private static final FingerprintCache CACHE = new FingerprintCache(1 << 16);
    private static final String PRESERVE_FRAME_POINTER = "PreserveFramePointer";

    private final FastStacks fast;
    private final FastStackTable checker;
    private final boolean check;
    private final AtomicLong hits = new AtomicLong();
    /** Hits of virtual threads' walks that ended at the return barrier (part of {@link #hits}). */
    private final AtomicLong barrierHits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong fallbacks = new AtomicLong();
    private final AtomicLong mismatches = new AtomicLong();

    private FpStacks(int maxDepth, Class<?>[] hidden, boolean check) {
        this.fast = FastStacks.create(maxDepth, hidden);
        this.checker = new FastStackTable(maxDepth, hidden.clone());
        this.check = check;
    }

    /** Null when the fp tier can run on this JVM with stacks of {@code maxDepth}, else why not (one line). */
    static String availability(int maxDepth) {
        String why = FastStacks.availability(maxDepth);
        if (why != null) {
            return why;
        }
        if (!preserveFramePointer()) {
            return "the JVM does not run with -XX:+PreserveFramePointer";
        }
        return FpHelper.unavailable();
    }

    /** Whether the JVM keeps frame pointers in compiled code (fixed at start-up). */
    static boolean preserveFramePointer() {
        return Boolean.parseBoolean(VmFlags.value(PRESERVE_FRAME_POINTER)); // unknown: no way to know, so no
    }

    static FpStacks create(int maxDepth, boolean check) {
        return create(maxDepth, SlowStacks.tracerClasses(), check);
    }

    /** A tier that leaves out the top frames of the {@code hidden} classes; check availability first. */
    static FpStacks create(int maxDepth, Class<?>[] hidden, boolean check) {
        String why = availability(maxDepth);
        if (why != null) {
            throw new IllegalStateException(why);
        }
        return new FpStacks(maxDepth, hidden, check);
    }

    @Override
    public String name() {
        return "fp";
    }

    /**
     * The collectors' notifications, installed once the recording runs: their first use builds
     * the JVM's management registry (~25 ms), which the agent's start-up need not wait for. Until
     * then the collection count in every fingerprint covers the young and full collections, and no
     * concurrent cycle (the other way code and classes are freed) ends in the first milliseconds.
     */
    @Override
    public void startInBackground() {
        Invalidation.install();
    }

    /** A {@link Fingerprint} (hit or first sight), or the fast tier's Throwable where there is no fingerprint. */
    @Override
    public Object capture() {
        return capture(null);
    }

    /**
     * {@link #capture()} for a thread whose record is {@code self} (null: not known): a virtual
     * thread's walk that ends at the return barrier is completed from what {@code self} says of
     * its frozen frames ({@link FrozenFrames}), and {@code self} learns the key of this capture;
     * a platform thread the JVM started walks down to its outermost Java frame only.
     */
    @Override
    public Object capture(ThreadRecord self) {
        Thread current = Thread.currentThread();
        boolean virtual = current.isVirtual();
        int kind = virtual ? FpHelper.VIRTUAL : self != null && self.startedByJvm ? FpHelper.STARTED : FpHelper.PLATFORM;
        long hash = FpHelper.walk(kind, epoch);
        boolean aboveBarrier = hash != 0 && FpHelper.aboveReturnBarrier(hash);
        if (aboveBarrier) {
            hash = self == null ? 0 : FrozenFrames.key(current, hash, self.frozenKey);
        }
        Object captured = check ? checked(hash, aboveBarrier, new Throwable()) : lookup(hash);
        if (self != null && virtual) {
            self.lastStackKey = captured instanceof Fingerprint f ? f.stackKey : Backtraces.contentKey((Throwable) captured);
        }
        return captured;
    }

    private static Object lookup(long hash) {
        if (hash == 0) {
            return new Throwable();
        }
        Fingerprint f = CACHE.get(hash);
        if (f == null) {
            f = new Fingerprint(hash, new Throwable());
            CACHE.put(f);
        }
        return f;
    }

    /** {@link #lookup} that counts, and compares what a hit stands for with the fast tier's {@code now}. */
    private Object checked(long hash, boolean aboveBarrier, Throwable now) {
        if (hash == 0) {
            fallbacks.incrementAndGet();
            return now;
        }
        Fingerprint f = CACHE.get(hash);
        if (f == null) {
            misses.incrementAndGet();
            f = new Fingerprint(hash, now);
            CACHE.put(f);
            return f;
        }
        hits.incrementAndGet();
        if (aboveBarrier) {
            barrierHits.incrementAndGet();
        }
        if (!checker.sameStack(f.stack, now)) {
            mismatches.incrementAndGet();
        }
        return f;
    }

    @Override
    public StackTable newTable() {
        return new FpStackTable((FastStackTable) fast.newTable());
    }

    /** The cross-check's counts, or null when it is off. */
    @Override
    public String report() {
        if (!check) {
            return null;
        }
        return "stack cross-check (fp against fast): " + (hits.get() + misses.get() + fallbacks.get())
                + " captures, " + hits.get() + " hits (" + barrierHits.get() + " above a return barrier), "
                + misses.get() + " misses, " + fallbacks.get()
                + " fallbacks, " + mismatches.get() + " mismatches";
    }

    long hits() {
        return hits.get();
    }

    long barrierHits() {
        return barrierHits.get();
    }

    long misses() {
        return misses.get();
    }

    long fallbacks() {
        return fallbacks.get();
    }

    long mismatches() {
        return mismatches.get();
    }

    /** Empties the shared cache: every stack is captured by the VM once more. */
    static synchronized void invalidate() {
        epoch++;
        CACHE.clear();
    }

    /** Listens to every collector's notifications: a cycle may have unloaded classes or freed code. */
    private static final class Invalidation {
        private static boolean installed;

        static synchronized void install() {
            if (installed) {
                return;
            }
            installed = true;
            try {
                for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                    if (gc instanceof NotificationEmitter emitter) {
                        emitter.addNotificationListener((n, handback) -> invalidate(), null, null);
                    }
                }
            } catch (RuntimeException | LinkageError e) {
                // no notifications: the collection count mixed into every fingerprint still applies
            }
        }
    }
}
