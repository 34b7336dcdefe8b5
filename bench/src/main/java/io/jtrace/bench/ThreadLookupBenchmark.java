package io.jtrace.bench;

import io.jtrace.Trace;
import io.jtrace.TraceOptions;
import io.jtrace.recorder.Events;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/**
 * What a hook pays to find another thread's record among many live threads: an unpark of a
 * virtual thread that is not blocked (the recorder looks up the target and leaves it a permit,
 * writing nothing), with {@code live} virtual threads known to the recorder, visited in a
 * scattered order as unparks are. The recorder's registry is the only thing that grows with
 * {@code live}, so the difference between the two sizes is its cache misses.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms2g", "-Xmx2g"})
@State(Scope.Thread)
public class ThreadLookupBenchmark {
    @Param({"1000", "200000"})
    int live;

    private Thread[] targets;
    private int next;
    private int step;

    @Setup(Level.Trial)
    public void start() {
        Trace.start(OutputStream.nullOutputStream(), TraceOptions.defaults().withStacks(TraceOptions.Stacks.OFF));
        targets = new Thread[live];
        for (int i = 0; i < live; i++) {
            targets[i] = Thread.ofVirtual().unstarted(() -> { });
            Events.threadCreate(targets[i]); // the recorder now knows it (as the agent's Thread.start hook makes it)
        }
        step = largestPrimeBelow(live / 2); // co-prime with live: every target, in no cache-friendly order
    }

    @TearDown(Level.Trial)
    public void stop() {
        Trace.stop();
    }

    @Benchmark
    public void wakeNotBlocked() {
        Events.wake(targets[next]);
        next += step;
        if (next >= live) {
            next -= live;
        }
    }

    private static int largestPrimeBelow(int n) {
        for (int p = Math.max(2, n); p > 2; p--) {
            boolean prime = true;
            for (int d = 2; (long) d * d <= p; d++) {
                if (p % d == 0) {
                    prime = false;
                    break;
                }
            }
            if (prime) {
                return p;
            }
        }
        return 1;
    }
}
