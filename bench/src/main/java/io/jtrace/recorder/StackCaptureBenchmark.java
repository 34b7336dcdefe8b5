package io.jtrace.recorder;

import jdk.jfr.Event;
import jdk.jfr.Name;
import jdk.jfr.Recording;
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

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What one stack costs the recorder, by tier: jtrace's counterpart of Go's BenchmarkFPCallers.
 * Every benchmark first recurses to {@code depth} frames (plus JMH's own, about a dozen), then
 * captures there and turns the capture into a stack id as an event does:
 * <ul>
 *   <li>{@code slow}: StackWalker frames, symbolized at once, deduplicated in a concurrent map;</li>
 *   <li>{@code fastNewStack}: the VM's raw walk, hashed, a miss in the per-generation table
 *       (the table is emptied before every capture), so the frames are copied in;</li>
 *   <li>{@code fastSeenStack}: the same on a stack the table already holds — the common case in
 *       a running service;</li>
 *   <li>{@code fpSeenStack}: the fp tier on a stack seen before (a hit): a native walk of the
 *       frame-pointer chain and two lock-free lookups, no VM walk — in JVMs with
 *       {@code -XX:+PreserveFramePointer}, like {@code fastSeenStackWithFramePointers}, the
 *       fast tier's hit under the same flag;</li>
 *   <li>{@code fpNewStack}: the fp tier on a stack not seen before (a miss): the walk, the fast
 *       tier's capture and both tables' inserts; the caches are emptied before every capture
 *       ({@code fpClearOnly} is that emptying alone, to subtract);</li>
 *   <li>{@code jfrCommitWithStack}: a JFR custom event committed with its stack (JFR's default
 *       depth limit is 64 frames: at depth 100 it walks fewer frames than the others);</li>
 *   <li>{@code getStackTrace}: Thread.getStackTrace(), for reference.</li>
 * </ul>
 * Symbolization of the fast tier happens once per unique stack at generation end and is not in
 * these numbers (that is the point of the tier).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar StackCaptureBenchmark -f 2 -wi 3 -w 1s -i 5 -r 1s}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
@State(Scope.Thread)
public class StackCaptureBenchmark {
    @Param({"10", "30", "100"})
    int depth;

    private static final Class<?>[] HIDDEN = {StackCaptureBenchmark.class, SlowStacks.class, FastStacks.class,
        FpStacks.class};
    private static final String FRAME_POINTERS = "-XX:+PreserveFramePointer";

    private SlowStacks slow;
    private StackTable slowTable;
    private FastStacks fast;
    private StackTable fastTable;
    private FpStacks fp;
    private StackTable fpTable;
    private Recording recording;

    @Name("jtrace.bench.StackEvent")
    static final class StackEvent extends Event {
        long value;
    }

    @Setup(Level.Trial)
    public void setUp() {
        slow = new SlowStacks(128, HIDDEN);
        slowTable = slow.newTable();
        String why = FastStacks.availability(128);
        if (why != null) {
            throw new IllegalStateException(why);
        }
        fast = FastStacks.create(128, HIDDEN);
        fastTable = fast.newTable();
        if (FpStacks.availability(128) == null) { // forks of the fp benchmarks run with -XX:+PreserveFramePointer
            fp = FpStacks.create(128, HIDDEN, false);
            fpTable = fp.newTable();
        }
        recording = new Recording();
        recording.enable(StackEvent.class).withStackTrace();
        recording.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        recording.stop();
        recording.close();
    }

    /** Calls {@code op} {@code n} frames deeper than the caller. */
    private static long at(int n, LongSupplier op) {
        return n <= 1 ? op.getAsLong() : at(n - 1, op) + 1;
    }

    @Benchmark
    public long slow() {
        return at(depth, () -> slowTable.id(slow.capture()));
    }

    @Benchmark
    public long fastNewStack() {
        return at(depth, () -> {
            fastTable.clear();
            return fastTable.id(fast.capture());
        });
    }

    @Benchmark
    public long fastSeenStack() {
        return at(depth, () -> fastTable.id(fast.capture()));
    }

    @Benchmark
    @Fork(value = 2, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", FRAME_POINTERS})
    public long fastSeenStackWithFramePointers() {
        return at(depth, () -> fastTable.id(fast.capture()));
    }

    @Benchmark
    @Fork(value = 2, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", FRAME_POINTERS})
    public long fpSeenStack() {
        return at(depth, () -> fpTable.id(fp.capture()));
    }

    @Benchmark
    @Fork(value = 2, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", FRAME_POINTERS})
    public long fpNewStack() {
        return at(depth, () -> {
            FpStacks.invalidate();
            fpTable.clear();
            return fpTable.id(fp.capture());
        });
    }

    /** Emptying both fp caches, which {@link #fpNewStack} does before each capture: subtract it. */
    @Benchmark
    @Fork(value = 2, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", FRAME_POINTERS})
    public long fpClearOnly() {
        return at(depth, () -> {
            FpStacks.invalidate();
            fpTable.clear();
            return depth;
        });
    }

    @Benchmark
    public long jfrCommitWithStack() {
        return at(depth, () -> {
            StackEvent e = new StackEvent();
            e.value = depth;
            e.commit();
            return e.value;
        });
    }

    @Benchmark
    public long getStackTrace() {
        return at(depth, () -> Thread.currentThread().getStackTrace().length);
    }

    /** Emptying the table, which {@link #fastNewStack} does before each capture: subtract it. */
    @Benchmark
    public long clearOnly() {
        return at(depth, () -> {
            fastTable.clear();
            return depth;
        });
    }

    /** The recursion alone, to subtract. */
    @Benchmark
    public long recursionOnly() {
        return at(depth, () -> depth);
    }
}
