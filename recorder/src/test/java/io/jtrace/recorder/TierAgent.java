package io.jtrace.recorder;

import java.lang.instrument.Instrumentation;

/**
 * A java agent that only keeps the {@link Instrumentation} it is given, so that
 * {@link StackTierScenarios} can redefine a class. Packed into a jar at test time by
 * {@link FastTierMatchesSlowTierTest}.
 */
public final class TierAgent {
    static volatile Instrumentation instrumentation;

    private TierAgent() {}

    public static void premain(String args, Instrumentation inst) {
        instrumentation = inst;
    }

    public static void agentmain(String args, Instrumentation inst) {
        instrumentation = inst;
    }
}
