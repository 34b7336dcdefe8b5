package io.jtrace.recorder;

import io.jtrace.format.StackFrame;
import io.jtrace.format.StackTrace;
import io.jtrace.format.Wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code fast} tier's per-generation stack table: raw backtraces (see {@link Backtraces})
 * hashed and deduplicated by (class, method idnum, bci and version) per frame, symbolized once
 * per unique stack when the generation is written.
 *
 * <p>Lookups that hit read an open-addressing array without locks or allocation; a miss inserts
 * under this table's lock (misses are rare once a program has warmed up: one per call site per
 * generation).
 */
final class FastStackTable implements StackTable {
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Entry[].class);

    private final int maxDepth;
    private final Class<?>[] tracerClasses;
    private volatile Entry[] table = new Entry[256];
    private int size;
    private long nextId;

    /** A unique stack: its frames' identities, and the throwable that symbolizes it later. */
    private static final class Entry {
        final int hash;
        final int skip;
        final int depth;
        final boolean truncated;
        final Object[] mirrors;
        final short[] methods;
        final int[] bcis;
        final Throwable throwable;
        final long id;

        Entry(int hash, int skip, int depth, boolean truncated, Object[] mirrors, short[] methods, int[] bcis,
              Throwable throwable, long id) {
            this.hash = hash;
            this.skip = skip;
            this.depth = depth;
            this.truncated = truncated;
            this.mirrors = mirrors;
            this.methods = methods;
            this.bcis = bcis;
            this.throwable = throwable;
            this.id = id;
        }
    }

    FastStackTable(int maxDepth, Class<?>[] tracerClasses) {
        this.maxDepth = maxDepth;
        this.tracerClasses = tracerClasses;
    }

    @Override
    public long id(Object captured) {
        if (!(captured instanceof Throwable t)) {
            return 0;
        }
        Object[] first = Backtraces.firstChunk(t);
        if (first == null) {
            return 0;
        }
        int total = Backtraces.depth(t);
        int skip = tracerFrames(first, total);
        int depth = Math.min(total - skip, maxDepth);
        boolean truncated = total - skip > maxDepth;
        int hash = hash(first, skip, depth);
        Entry[] tab = table;
        int mask = tab.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            Entry e = (Entry) SLOTS.getAcquire(tab, i);
            if (e == null) {
                break;
            }
            // the same innermost frames, once complete and once truncated, are different stacks
            if (e.hash == hash && e.depth == depth && e.truncated == truncated && sameFrames(e, first, skip)) {
                return e.id;
            }
        }
        CarrierPin.pin(); // the table's lock is the tracer's: wait for it on the carrier
        try {
            return insert(t, first, skip, depth, truncated, hash);
        } finally {
            CarrierPin.unpin();
        }
    }

    /**
     * Whether {@code a} and {@code b} are the same stack as this table would keep it: the same
     * frames (class, method, bytecode index) below the tracer's own, up to the depth limit, and
     * the same truncation. The {@code fp} tier's cross-check.
     */
    boolean sameStack(Throwable a, Throwable b) {
        Object[] ca = Backtraces.firstChunk(a);
        Object[] cb = Backtraces.firstChunk(b);
        if (ca == null || cb == null) {
            return ca == cb;
        }
        int totalA = Backtraces.depth(a);
        int totalB = Backtraces.depth(b);
        int skipA = tracerFrames(ca, totalA);
        int skipB = tracerFrames(cb, totalB);
        int depth = Math.min(totalA - skipA, maxDepth);
        if (depth != Math.min(totalB - skipB, maxDepth) || (totalA - skipA > maxDepth) != (totalB - skipB > maxDepth)) {
            return false;
        }
        int i = skipA;
        int j = skipB;
        for (int n = 0; n < depth; n++, i++, j++) {
            if (i == Backtraces.CHUNK_SIZE) {
                ca = (Object[]) ca[Backtraces.NEXT];
                i = 0;
            }
            if (j == Backtraces.CHUNK_SIZE) {
                cb = (Object[]) cb[Backtraces.NEXT];
                j = 0;
            }
            if (((Object[]) ca[Backtraces.MIRRORS])[i] != ((Object[]) cb[Backtraces.MIRRORS])[j]
                    || ((short[]) ca[Backtraces.METHODS])[i] != ((short[]) cb[Backtraces.METHODS])[j]
                    || ((int[]) ca[Backtraces.BCIS])[i] != ((int[]) cb[Backtraces.BCIS])[j]) {
                return false;
            }
        }
        return true;
    }

    /** How many frames at the top belong to the tracer itself. */
    private int tracerFrames(Object[] chunk, int total) {
        int skip = 0;
        Object[] mirrors = (Object[]) chunk[Backtraces.MIRRORS];
        while (skip < total && skip < Backtraces.CHUNK_SIZE && isTracerClass(mirrors[skip])) {
            skip++;
        }
        return skip;
    }

    private boolean isTracerClass(Object mirror) {
        return SlowStacks.isOneOf(mirror, tracerClasses);
    }

    private static int hash(Object[] chunk, int skip, int depth) {
        int h = depth;
        int i = skip;
        for (int n = 0; n < depth; n++, i++) {
            if (i == Backtraces.CHUNK_SIZE) {
                chunk = (Object[]) chunk[Backtraces.NEXT];
                i = 0;
            }
            h = h * 31 + System.identityHashCode(((Object[]) chunk[Backtraces.MIRRORS])[i]);
            h = h * 31 + ((short[]) chunk[Backtraces.METHODS])[i];
            h = h * 31 + ((int[]) chunk[Backtraces.BCIS])[i];
        }
        return h ^ (h >>> 16);
    }

    private static boolean sameFrames(Entry e, Object[] chunk, int skip) {
        int i = skip;
        for (int n = 0; n < e.depth; n++, i++) {
            if (i == Backtraces.CHUNK_SIZE) {
                chunk = (Object[]) chunk[Backtraces.NEXT];
                i = 0;
            }
            if (e.mirrors[n] != ((Object[]) chunk[Backtraces.MIRRORS])[i]
                    || e.methods[n] != ((short[]) chunk[Backtraces.METHODS])[i]
                    || e.bcis[n] != ((int[]) chunk[Backtraces.BCIS])[i]) {
                return false;
            }
        }
        return true;
    }

    private synchronized long insert(Throwable t, Object[] first, int skip, int depth, boolean truncated, int hash) {
        Entry[] tab = table;
        int mask = tab.length - 1;
        int i = hash & mask;
        for (Entry e; (e = (Entry) SLOTS.getAcquire(tab, i)) != null; i = (i + 1) & mask) {
            if (e.hash == hash && e.depth == depth && e.truncated == truncated && sameFrames(e, first, skip)) {
                return e.id; // inserted by another thread meanwhile
            }
        }
        Object[] mirrors = new Object[depth];
        short[] methods = new short[depth];
        int[] bcis = new int[depth];
        Object[] chunk = first;
        int c = skip;
        for (int n = 0; n < depth; n++, c++) {
            if (c == Backtraces.CHUNK_SIZE) {
                chunk = (Object[]) chunk[Backtraces.NEXT];
                c = 0;
            }
            mirrors[n] = ((Object[]) chunk[Backtraces.MIRRORS])[c];
            methods[n] = ((short[]) chunk[Backtraces.METHODS])[c];
            bcis[n] = ((int[]) chunk[Backtraces.BCIS])[c];
        }
        Entry e = new Entry(hash, skip, depth, truncated, mirrors, methods, bcis, t, ++nextId);
        if (++size * 2 > tab.length) {
            tab = grow(tab);
            mask = tab.length - 1;
            i = hash & mask;
            while (tab[i] != null) {
                i = (i + 1) & mask;
            }
        }
        SLOTS.setRelease(tab, i, e);
        return e.id;
    }

    /** A table twice the size; readers of the old one that miss come here and find their entry. */
    private Entry[] grow(Entry[] old) {
        Entry[] tab = new Entry[old.length * 2];
        int mask = tab.length - 1;
        for (Entry e : old) {
            if (e != null) {
                int i = e.hash & mask;
                while (tab[i] != null) {
                    i = (i + 1) & mask;
                }
                tab[i] = e;
            }
        }
        table = tab;
        return tab;
    }

    /**
     * Symbolizes every entry. Runs outside the table's lock (on a snapshot of the slots, whose
     * entries never change): a late insert into this table must not wait for symbolization.
     */
    @Override
    public List<StackTrace> symbolize() {
        Entry[] snapshot;
        synchronized (this) {
            snapshot = table.clone();
        }
        List<StackTrace> out = new ArrayList<>();
        Map<Class<?>, Map<Integer, Executable>> methodsByClass = new HashMap<>();
        for (Entry e : snapshot) {
            if (e == null) {
                continue;
            }
            StackTraceElement[] elements = e.throwable.getStackTrace();
            List<StackFrame> frames = new ArrayList<>(e.depth);
            for (int n = 0; n < e.depth; n++) {
                StackTraceElement ste = elements[e.skip + n];
                Class<?> holder = (Class<?>) e.mirrors[n];
                boolean nativeMethod = ste.isNativeMethod();
                frames.add(new StackFrame(ste.getClassName(), ste.getMethodName(),
                        descriptor(methodsByClass, holder, e.methods[n], ste.getMethodName()),
                        ste.getFileName() == null ? "" : ste.getFileName(),
                        ste.getLineNumber() < 0 ? -1 : ste.getLineNumber(),
                        nativeMethod ? -1 : Backtraces.bci(e.bcis[n]),
                        nativeMethod ? Wire.FRAME_NATIVE : Wire.FRAME_UNKNOWN));
            }
            out.add(new StackTrace(e.id, List.copyOf(frames), e.truncated));
        }
        return out;
    }

    /**
     * The method descriptor of the frame's method: HotSpot's method idnum is the reflective
     * {@code slot}. Empty where reflection cannot say (a signature type that fails to load).
     */
    private static String descriptor(Map<Class<?>, Map<Integer, Executable>> cache, Class<?> holder, int idnum,
                                     String name) {
        if (name.equals("<clinit>")) {
            return "()V";
        }
        Map<Integer, Executable> bySlot = cache.computeIfAbsent(holder, FastStackTable::executables);
        Executable m = bySlot.get(idnum);
        if (m == null || !name.equals(m instanceof Constructor ? "<init>" : m.getName())) {
            m = null; // a redefined method's original idnum: find it by its name if that is unique
            for (Executable x : bySlot.values()) {
                if (name.equals(x instanceof Constructor ? "<init>" : x.getName())) {
                    if (m != null) {
                        return "";
                    }
                    m = x;
                }
            }
            if (m == null) {
                return "";
            }
        }
        Class<?> ret = m instanceof Method method ? method.getReturnType() : void.class;
        return MethodType.methodType(ret, m.getParameterTypes()).toMethodDescriptorString();
    }

    private static Map<Integer, Executable> executables(Class<?> c) {
        Map<Integer, Executable> map = new HashMap<>();
        try {
            for (Method m : c.getDeclaredMethods()) {
                map.put(Backtraces.slot(m), m);
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                map.put(Backtraces.slot(k), k);
            }
        } catch (LinkageError | SecurityException e) {
            // a signature mentions a class that cannot be loaded: these frames get no descriptor
        }
        return map;
    }

    @Override
    public synchronized void clear() {
        table = new Entry[256];
        size = 0;
        nextId = 0;
    }
}
