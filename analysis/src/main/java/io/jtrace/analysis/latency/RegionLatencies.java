package io.jtrace.analysis.latency;

import io.jtrace.analysis.timeline.OpenRegion;
import io.jtrace.analysis.timeline.ThreadInterval;
import io.jtrace.analysis.timeline.TimelineListener;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Region latencies by type and the time by state spent inside each type (nested regions of one
 * type count once). Memory: per type, a constant.
 */
public final class RegionLatencies implements TimelineListener {
    private final Map<String, TypeLatency> byType = new TreeMap<>();

    @Override
    public void region(long thread, OpenRegion region, long end) {
        long d = end - region.begin();
        type(region.type()).finished(new Instance(0, thread, thread, region.begin(), d, null, List.of(thread)));
    }

    @Override
    public void interval(ThreadInterval iv) {
        List<String> seen = new ArrayList<>(iv.regions().size());
        for (OpenRegion r : iv.regions()) {
            if (!seen.contains(r.type())) {
                seen.add(r.type());
                type(r.type()).breakdown().add(iv);
            }
        }
    }

    private TypeLatency type(String t) {
        return byType.computeIfAbsent(t, TypeLatency::new);
    }

    /** By type name. */
    public Map<String, TypeLatency> byType() {
        return byType;
    }
}
