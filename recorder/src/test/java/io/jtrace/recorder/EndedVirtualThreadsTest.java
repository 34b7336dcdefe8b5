package io.jtrace.recorder;

import io.jtrace.TraceOptions;
import io.jtrace.format.Event;
import io.jtrace.format.EventType;
import io.jtrace.format.Generation;
import io.jtrace.format.ThreadInfo;
import io.jtrace.format.TraceReader;
import io.jtrace.format.UnmountReason;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A virtual thread that ended costs the recorder nothing more: its record leaves the registry at
 * its last event (the unmount at its end) and no longer holds the Thread, and the background
 * writer names it in the generation's thread table at its next poll and lets go of the record, so
 * the collector can free both long before the generation ends; the table names it once.
 */
class EndedVirtualThreadsTest {
    private static final TraceOptions OPTIONS = TraceOptions.defaults().withStacks(TraceOptions.Stacks.OFF)
            .withGenerationPeriod(Duration.ofHours(1)).withGenerationBytes(1 << 30);
    private static final int THREADS = 2_000;

    @Test
    void anEndedVirtualThreadLeavesTheRegistryAndIsNamedOnceInItsGeneration() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Recorder r = Recorder.start(out, false, OPTIONS);
        Map<Long, String> names = new HashMap<>();
        WeakReference<Thread> last = null;
        WeakReference<ThreadRecord> firstRecord = null;
        int before;
        try {
            before = r.threads.size();
            for (int i = 0; i < THREADS; i++) {
                Thread v = Thread.ofVirtual().name("v" + i).start(() -> { });
                v.join();
                names.put(v.threadId(), v.getName());
                // what the agent's hooks record for it, on this thread as its carrier
                Events.mount(v);
                if (i == 0) {
                    firstRecord = new WeakReference<>(r.threads.find(v)); // the last one's is the carrier's writer's cache
                }
                Events.unmount(v, UnmountReason.YIELD);
                Events.mount(v);
                Events.unmount(v, UnmountReason.END);
                last = new WeakReference<>(v);
            }
            assertThat(r.threads.size()).as("records left for %d ended virtual threads", THREADS)
                    .isLessThanOrEqualTo(before + 1);
            for (int i = 0; i < 20 && last.get() != null; i++) {
                System.gc(); // the generation has not ended: only the recorder could still hold it
            }
            assertThat(last.get()).as("the last ended virtual thread, collected before its generation's end").isNull();
            assertThat(firstRecord).as("the first one's record, found while it ran").isNotNull();
            for (int i = 0; i < 1_000 && firstRecord.get() != null; i++) {
                Thread.sleep(10); // the background writer names it at a poll, then lets go of it
                System.gc();
            }
            assertThat(firstRecord.get()).as("the first ended virtual thread's record, collected before its generation's end").isNull();
        } finally {
            Recorder.stop();
        }

        Map<Long, Integer> listed = new HashMap<>();
        List<Long> ended = new ArrayList<>();
        try (TraceReader rd = new TraceReader(new ByteArrayInputStream(out.toByteArray()))) {
            for (Generation g; (g = rd.next()) != null; ) {
                for (ThreadInfo t : g.threads().values()) {
                    listed.merge(t.threadId(), 1, Integer::sum);
                }
                for (Event e : g.events()) {
                    if (e.type() == EventType.UNMOUNT && e.arg("reason") == UnmountReason.END.code) {
                        long id = e.arg("vthread");
                        ended.add(id);
                        ThreadInfo t = g.thread(id);
                        assertThat(t).as("thread table entry of %d", id).isNotNull();
                        assertThat(t.name()).isEqualTo(names.get(id));
                        assertThat(t.virtual()).isTrue();
                        assertThat(t.ended()).isTrue();
                    }
                }
            }
        }
        assertThat(ended).hasSize(THREADS);
        assertThat(ended).allSatisfy(id -> assertThat(listed.get(id)).as("entries for %d", id).isEqualTo(1));
    }
}
