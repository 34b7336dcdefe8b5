package io.jtrace.bench;

import io.jtrace.format.Varint;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The pieces one event of the recorder's hot path is made of, each on its own (a diagnostic for
 * {@link EventCostBenchmark}, not a measurement of jtrace itself): the timestamp, the CAS that takes
 * the writer and the release store, the thread-local lookup of the writer (a plain ThreadLocal here;
 * the recorder uses the JDK's CarrierThreadLocal, which javac won't let this module link), the
 * string-table lookup of the region type, and the bytes of a region event (code, time delta,
 * three one-byte varints). Sum of the parts ≈ the event, minus call and bookkeeping overhead.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class HotPathPartsBenchmark {
    private static final VarHandle BUSY;

    static {
        try {
            BUSY = MethodHandles.lookup().findVarHandle(HotPathPartsBenchmark.class, "busy", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final String TYPE = "bench.region";

    private volatile int busy;
    private final ThreadLocal<Object> local = ThreadLocal.withInitial(Object::new);
    private final ConcurrentHashMap<String, Long> strings = new ConcurrentHashMap<>();
    private final byte[] data = new byte[16 << 10];
    private int pos;
    private long lastTime;
    private long time;

    {
        strings.put("other.type", 1L);
        strings.put(TYPE, 2L);
    }

    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }

    /** Writer.tryAcquire + Writer.release, uncontended. */
    @Benchmark
    public boolean casAcquireRelease() {
        boolean ok = BUSY.compareAndSet(this, 0, 1);
        BUSY.setRelease(this, 0);
        return ok;
    }

    @Benchmark
    public Object threadLocalGet() {
        return local.get();
    }

    /** GenerationTables.string on a hit. */
    @Benchmark
    public long stringTableHit() {
        return strings.get(TYPE);
    }

    /** The bytes of one region event: code, time delta (1 byte), task, type, stack. */
    @Benchmark
    public int encodeRegionEvent() {
        long now = time += 40; // a delta like the benchmark's, without the clock
        byte[] d = data;
        int p = pos;
        if (p > d.length - 64) {
            p = 0;
        }
        d[p++] = 0x13;
        p = Varint.put(d, p, now - lastTime);
        lastTime = now;
        p = Varint.put(d, p, 0);
        p = Varint.put(d, p, 2);
        p = Varint.put(d, p, 0);
        pos = p;
        return p;
    }
}
