package io.jtrace.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * The JVM's own cost per virtual-thread switch under different launch options, without jtrace:
 * two virtual threads hand a turn back and forth with park/unpark, {@value #ROUND_TRIPS} round
 * trips per round, six rounds; prints ns per round trip of each round. Run it on one carrier
 * ({@code -Djdk.virtualThreadScheduler.parallelism=1}) so that every hand-off is an unmount and a
 * mount on the same CPU, and compare launches: plain, with any java agent, with a JFR recording
 * ({@code jfr} as the argument starts one that records only GC events), with and without
 * {@code -XX:-DoJVMTIVirtualThreadTransitions} (docs/performance.md, "The JVM's per-switch tax").
 * Not a JMH benchmark because what it compares is JVM flags and agents, one JVM each.
 */
public final class VirtualThreadPingPong {
    static final int ROUND_TRIPS = 300_000;
    private static volatile Thread a;
    private static volatile Thread b;
    private static volatile int turn;

    private VirtualThreadPingPong() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("jfr")) {
            jdk.jfr.Recording r = new jdk.jfr.Recording();
            r.enable("jdk.GarbageCollection");
            r.start();
        }
        for (int round = 0; round < 6; round++) {
            turn = 0;
            long t0 = System.nanoTime();
            a = Thread.ofVirtual().unstarted(() -> play(0, 1, () -> b));
            b = Thread.ofVirtual().unstarted(() -> play(1, 0, () -> a));
            a.start();
            b.start();
            a.join();
            b.join();
            System.out.printf("%.0f ns per round trip%n", (System.nanoTime() - t0) / (double) ROUND_TRIPS);
        }
    }

    private static void play(int mine, int theirs, java.util.function.Supplier<Thread> other) {
        for (int i = 0; i < ROUND_TRIPS; i++) {
            while (turn != mine) {
                LockSupport.park();
            }
            turn = theirs;
            LockSupport.unpark(other.get());
        }
    }
}
