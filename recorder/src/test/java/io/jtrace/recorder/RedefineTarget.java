package io.jtrace.recorder;

import java.util.function.Supplier;

/** The class {@link StackTierScenarios} redefines: its methods' bytecode indexes shift each time. */
final class RedefineTarget {
    private RedefineTarget() {}

    static TierProbe.Result site() {
        return TierProbe.capture();
    }

    static TierProbe.Raw siteRaw() {
        return TierProbe.captureRaw();
    }

    /** Calls {@code inner} while this frame runs the current version of the class. */
    static TierProbe.Result outer(Supplier<TierProbe.Result> inner) {
        return inner.get();
    }
}
