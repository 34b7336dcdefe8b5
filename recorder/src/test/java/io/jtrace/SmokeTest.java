package io.jtrace;

import io.jtrace.format.Event;
import io.jtrace.format.Generation;
import io.jtrace.format.TraceReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest {
    @Test
    void recordsAndReadsBack(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.jtrace");
        Trace.start(f, TraceOptions.defaults().withGenerationPeriod(java.time.Duration.ofMillis(50)));
        Task t = Trace.newTask("smoke");
        for (int i = 0; i < 10; i++) {
            try (Region r = t.region("loop")) {
                t.log("i", "value " + i);
            }
            Thread.sleep(20);
        }
        t.end();
        Trace.stop();
        List<Event> all = new ArrayList<>();
        try (TraceReader rd = TraceReader.open(f)) {
            Generation g;
            while ((g = rd.next()) != null) {
                System.out.println("gen " + g.number() + " events " + g.events().size() + " threads " + g.threads().keySet() + " bytes " + g.bytes());
                for (Event e : g.events()) {
                    System.out.println("  " + e.time() + " " + e.thread() + " " + e.type() + " " + java.util.Arrays.toString(e.args()) + " " + (e.tail() == null ? "" : e.tail())
                        + (e.stackId() != 0 ? " @" + g.stack(e.stackId()).frames().get(0) : ""));
                }
                all.addAll(g.events());
            }
            assertThat(rd.truncated()).isFalse();
        }
        assertThat(all).hasSizeGreaterThan(30);
    }
}
