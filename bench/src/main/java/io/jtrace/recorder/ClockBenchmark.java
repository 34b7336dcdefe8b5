package io.jtrace.recorder;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What one timestamp of the trace costs: {@code System.nanoTime()} (the vDSO's clock_gettime)
 * against {@link TickClock#nanoTime()} (the time-stamp counter through the {@code fp} helper's
 * critical downcall, turned to nanoTime's scale) and the helper's raw counter read alone. The
 * trace clock is {@code TickClock} where the helper is loaded ({@code clock=auto} with the fp tier),
 * so this says whether that pays on the machine at hand; {@code threads2} runs the same on both
 * CPUs at once, as the recorder's hooks do.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar ClockBenchmark -f 3 -wi 3 -w 1s -i 5 -r 1s}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class ClockBenchmark {
    private TickClock tick;

    @Setup
    public void setUp() {
        tick = TickClock.create();
        if (tick == null) {
            throw new IllegalStateException("the time-stamp counter clock is not available here: "
                    + (FpHelper.ticksLoaded() ? "the kernel or CPU does not trust the counter" : FpHelper.unavailable()));
        }
    }

    @Benchmark
    public long systemNanoTime() {
        return System.nanoTime();
    }

    @Benchmark
    public long tickClock() {
        return tick.nanoTime();
    }

    @Benchmark
    public long helperTicksOnly() {
        return FpHelper.ticks();
    }

    @Benchmark
    @Threads(2)
    public long systemNanoTimeThreads2() {
        return System.nanoTime();
    }

    @Benchmark
    @Threads(2)
    public long tickClockThreads2() {
        return tick.nanoTime();
    }
}
