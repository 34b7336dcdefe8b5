package io.jtrace.analysis.latency;

import io.jtrace.analysis.timeline.Breakdown;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/** The latencies of every finished instance of one task or region type, its slowest instances and their time by state. */
public final class TypeLatency {
    /** How many of the slowest instances are kept. */
    public static final int SLOWEST = 5;

    private final String type;
    private final LatencyHistogram histogram = new LatencyHistogram();
    private final Breakdown breakdown = new Breakdown();
    private final PriorityQueue<Instance> slowest = new PriorityQueue<>(Comparator.comparingLong(Instance::duration));
    private long unfinished;

    TypeLatency(String type) {
        this.type = type;
    }

    void finished(Instance i) {
        histogram.record(i.duration());
        slowest.add(i);
        if (slowest.size() > SLOWEST) {
            slowest.poll();
        }
    }

    void unfinished() {
        unfinished++;
    }

    public String type() {
        return type;
    }

    public LatencyHistogram histogram() {
        return histogram;
    }

    /** Time by state inside instances of this type, summed over every instance and thread. */
    public Breakdown breakdown() {
        return breakdown;
    }

    /** Instances that began but had not ended when the trace did (not in the latencies). */
    public long unfinishedCount() {
        return unfinished;
    }

    /** The slowest instances, slowest first. */
    public List<Instance> slowest() {
        List<Instance> l = new ArrayList<>(slowest);
        l.sort(Comparator.comparingLong(Instance::duration).reversed());
        return l;
    }
}
