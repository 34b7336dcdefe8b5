package io.jtrace.bench.overhead;

import java.lang.instrument.Instrumentation;

/**
 * The "agent that does nothing": the suite packs this class alone into a jar with a
 * Premain-Class, so that a run with it shows what merely having a java agent costs.
 */
public final class NoopAgent {
    private NoopAgent() {}

    public static void premain(String args, Instrumentation inst) {
        // nothing, on purpose
    }
}
