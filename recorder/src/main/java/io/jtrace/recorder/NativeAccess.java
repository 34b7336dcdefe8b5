package io.jtrace.recorder;

import java.util.concurrent.Callable;

/**
 * Native access (FFM's restricted methods) for the {@code fp} helper's loading, without the
 * warning the JDK prints on a restricted call from a module that was not granted it with
 * {@code --enable-native-access}. The recorder lives in an unnamed module (the boot loader's under
 * the agent), and the JDK keeps one flag for all unnamed modules: granting it for good would also
 * silence the application's own restricted calls. So the flag is set only around the helper's
 * loading (a handful of calls, none after) and put back. Needs {@code jdk.internal.misc}, which
 * the agent exports to us; else only a JVM started with the option can load the helper.
 */
final class NativeAccess {
    private NativeAccess() {}

    /** Runs {@code loading} with native access for {@code m}; null if it can't be granted. */
    static <T> T during(Module m, Callable<T> loading) throws Exception {
        if (m.isNativeAccessEnabled()) {
            return loading.call();
        }
        if (!Writers.carrierLocalsOpen()) {
            return null;
        }
        return Flag.during(m, loading);
    }

    /** Separate, so that jdk.internal.misc is only linked once it is known to be exported. */
    private static final class Flag {
        static <T> T during(Module m, Callable<T> loading) throws Exception {
            jdk.internal.misc.Unsafe u = jdk.internal.misc.Unsafe.getUnsafe();
            Object holder = m;
            if (!m.isNamed()) {
                // the one object that holds the flag of every unnamed module; reflection does not show
                // Module's fields, HotSpot keeps static fields in the class mirror
                holder = u.getReference(Module.class, u.objectFieldOffset(Module.class, "ALL_UNNAMED_MODULE"));
                if (!(holder instanceof Module all) || all.isNamed()) {
                    return null;
                }
            }
            long flag = u.objectFieldOffset(Module.class, "enableNativeAccess");
            if (!u.compareAndSetBoolean(holder, flag, false, true)) {
                return loading.call(); // granted meanwhile
            }
            try {
                // the flag set must be the one the JDK checks for m; if not, no restricted call
                return m.isNativeAccessEnabled() ? loading.call() : null;
            } finally {
                u.putBooleanVolatile(holder, flag, false);
            }
        }
    }
}
