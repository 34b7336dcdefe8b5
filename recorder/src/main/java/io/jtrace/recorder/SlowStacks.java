package io.jtrace.recorder;

import io.jtrace.format.StackFrame;
import io.jtrace.format.StackTrace;
import io.jtrace.format.Wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code slow} stack tier: materialized frames from {@link StackWalker}, the reference every
 * faster tier is proven against and the fallback where they can't run. Frames of the tracer
 * itself are left out, so a stack starts at the application's call into the tracer (or into the
 * hooked JDK method).
 */
final class SlowStacks implements StackTier {
    private static final StackWalker WALKER = StackWalker.getInstance(
            Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE, StackWalker.Option.SHOW_REFLECT_FRAMES));

    private final int maxDepth;
    private final Class<?>[] hidden;

    SlowStacks(int maxDepth) {
        this(maxDepth, tracerClasses());
    }

    /** A tier that leaves out the top frames of the {@code hidden} classes (the tracer's own). */
    SlowStacks(int maxDepth, Class<?>[] hidden) {
        this.maxDepth = maxDepth;
        this.hidden = hidden.clone();
    }

    @Override
    public String name() {
        return "slow";
    }

    /** The current thread's stack below the tracer's frames, at most {@code maxDepth} frames. */
    @Override
    public CapturedStack capture() {
        List<StackFrame> frames = WALKER.walk(s -> s.dropWhile(f -> isOneOf(f.getDeclaringClass(), hidden))
                .limit(maxDepth + 1L).map(SlowStacks::frame).toList());
        return frames.size() > maxDepth
                ? new CapturedStack(frames.subList(0, maxDepth), true)
                : new CapturedStack(frames, false);
    }

    /** The frames {@code walker} sees (a frozen virtual thread's), at most {@code maxDepth}. */
    static CapturedStack walk(StackWalker walker, int maxDepth) {
        List<StackFrame> frames = walker.walk(s -> s.limit(maxDepth + 1L).map(SlowStacks::frame).toList());
        return frames.size() > maxDepth
                ? new CapturedStack(frames.subList(0, maxDepth), true)
                : new CapturedStack(frames, false);
    }

    private static StackFrame frame(StackWalker.StackFrame f) {
        boolean nativeMethod = f.isNativeMethod();
        return new StackFrame(f.getClassName(), f.getMethodName(), f.getDescriptor(),
                f.getFileName() == null ? "" : f.getFileName(), f.getLineNumber() < 0 ? -1 : f.getLineNumber(),
                nativeMethod ? -1 : f.getByteCodeIndex(), nativeMethod ? Wire.FRAME_NATIVE : Wire.FRAME_UNKNOWN);
    }

    static boolean isOneOf(Object c, Class<?>[] classes) {
        for (Class<?> t : classes) {
            if (t == c) {
                return true;
            }
        }
        return false;
    }

    /**
     * The recorder's and its public API's own classes: every class whose methods can be on the
     * stack between an application call and a capture. No stack shows their frames.
     */
    static final Class<?>[] TRACER_CLASSES = {
        io.jtrace.Trace.class, io.jtrace.Task.class, io.jtrace.Region.class, Events.class, Recorder.class,
        StackTier.class, SlowStacks.class, FastStacks.class, FpStacks.class
    };

    private static volatile Class<?>[] extraTracerClasses = new Class<?>[0];

    /** Also hide the frames of {@code classes} (the agent's hooks) from stacks captured from now on. */
    static synchronized void hide(Class<?>... classes) {
        Class<?>[] now = java.util.Arrays.copyOf(extraTracerClasses, extraTracerClasses.length + classes.length);
        System.arraycopy(classes, 0, now, extraTracerClasses.length, classes.length);
        extraTracerClasses = now;
    }

    /** {@link #TRACER_CLASSES} and the classes added with {@link #hide}. */
    static Class<?>[] tracerClasses() {
        Class<?>[] extra = extraTracerClasses;
        Class<?>[] all = java.util.Arrays.copyOf(TRACER_CLASSES, TRACER_CLASSES.length + extra.length);
        System.arraycopy(extra, 0, all, TRACER_CLASSES.length, extra.length);
        return all;
    }

    @Override
    public StackTable newTable() {
        return new Table();
    }

    /** Dedup by frame equality in a concurrent map; the frames are already symbolized. */
    private static final class Table implements StackTable {
        private final ConcurrentHashMap<CapturedStack, Long> ids = new ConcurrentHashMap<>();
        private final AtomicLong next = new AtomicLong();

        @Override
        public long id(Object captured) {
            if (!(captured instanceof CapturedStack stack)) {
                return 0;
            }
            Long id = ids.get(stack);
            return id != null ? id : ids.computeIfAbsent(stack, k -> next.incrementAndGet());
        }

        @Override
        public List<StackTrace> symbolize() {
            List<StackTrace> list = new ArrayList<>(ids.size());
            for (Map.Entry<CapturedStack, Long> e : ids.entrySet()) {
                list.add(new StackTrace(e.getValue(), e.getKey().frames(), e.getKey().truncated()));
            }
            return list;
        }

        @Override
        public void clear() {
            ids.clear();
            next.set(0);
        }
    }
}
