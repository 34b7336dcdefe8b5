package io.jtrace.recorder;

import io.jtrace.format.StackFrame;
import io.jtrace.format.Wire;

import java.lang.invoke.MethodType;
import java.util.List;
import java.util.Set;

/**
 * The {@code slow} stack tier: materialized frames from {@link StackWalker}, the reference every
 * faster tier is proven against. Frames of the tracer itself are left out, so a stack starts at
 * the application's call into the tracer (or into the hooked JDK method).
 */
final class StackCapture {
    private static final StackWalker WALKER = StackWalker.getInstance(
            Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE, StackWalker.Option.SHOW_REFLECT_FRAMES));

    private final int maxDepth;

    StackCapture(int maxDepth) {
        this.maxDepth = maxDepth;
    }

    /** The current thread's stack below the tracer's frames, at most {@code maxDepth} frames. */
    CapturedStack capture() {
        List<StackFrame> frames = WALKER.walk(s -> s.dropWhile(f -> isTracerFrame(f.getClassName()))
                .limit(maxDepth + 1L).map(StackCapture::frame).toList());
        return frames.size() > maxDepth
                ? new CapturedStack(frames.subList(0, maxDepth), true)
                : new CapturedStack(frames, false);
    }

    private static StackFrame frame(StackWalker.StackFrame f) {
        MethodType type = f.getMethodType();
        return new StackFrame(f.getClassName(), f.getMethodName(), type.toMethodDescriptorString(),
                f.getFileName() == null ? "" : f.getFileName(), f.getLineNumber() < 0 ? -1 : f.getLineNumber(),
                f.getByteCodeIndex(), f.isNativeMethod() ? Wire.FRAME_NATIVE : Wire.FRAME_UNKNOWN);
    }

    /** The recorder's and its public API's own frames. */
    static boolean isTracerFrame(String className) {
        return className.startsWith("io.jtrace.recorder.") || className.equals("io.jtrace.Trace")
                || className.startsWith("io.jtrace.Task") || className.startsWith("io.jtrace.Region");
    }
}
