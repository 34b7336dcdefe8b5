package io.jtrace.agent.hooks;

import jdk.internal.vm.Continuation;

import java.util.Set;

/**
 * A walker over a virtual thread's frozen continuation. Used at the end of
 * {@code VirtualThread.unmount} for a thread that blocked entering a monitor: the JDK froze its
 * frames without passing any Java-level hook, and until unmount returns nothing can mount it
 * again, so its stack stands still to be walked (that is what makes this point safe, unlike
 * {@code Thread.getStackTrace}, which would wait for the thread to leave its transition).
 */
final class ContinuationStacks {
    private static final Set<StackWalker.Option> OPTIONS =
            Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE, StackWalker.Option.SHOW_REFLECT_FRAMES);

    private ContinuationStacks() {}

    static StackWalker walker(Object continuation) {
        return continuation instanceof Continuation c ? c.stackWalker(OPTIONS) : null;
    }
}
