package io.jtrace.recorder;

import io.jtrace.Trace;
import io.jtrace.TraceOptions;
import io.jtrace.format.Event;
import io.jtrace.format.EventType;
import io.jtrace.format.Generation;
import io.jtrace.format.TraceReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Threads keep recording in a tight loop while the recording stops (as at System.exit, where the
 * shutdown hook stops it under running workers): everything recorded before the last generation
 * closed is in the file, and what comes after is simply not recorded, not counted as lost.
 */
class StopWhileRecordingTest {
    private static final int PLATFORM = 4;
    private static final int VIRTUAL = 4;

    @TempDir
    Path dir;

    @Test
    void eventsRecordedWhileStoppingAreWrittenAndNoneAreCountedLost() throws Exception {
        Path file = dir.resolve("stopping.jtrace");
        // a budget far above what the threads write before the stop, so nothing is dropped for memory
        TraceOptions options = TraceOptions.defaults().withStacks(TraceOptions.Stacks.OFF)
                .withGenerationPeriod(Duration.ofMillis(10)).withBudgetBytes(1L << 30);
        Trace.start(file, options);
        Recorder r = Recorder.active();
        int n = PLATFORM + VIRTUAL;
        CountDownLatch started = new CountDownLatch(n);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        stopWriting = false;
        for (int i = 0; i < n; i++) {
            int id = i;
            Thread.Builder b = i < PLATFORM ? Thread.ofPlatform() : Thread.ofVirtual();
            threads.add(b.name("rec-" + i).start(() -> {
                try {
                    // even ids through the public API (which stops reaching the recorder once it is
                    // inactive), odd ones straight into the recorder (which sees it closed)
                    for (long seq = 0; !stopWriting; seq++) {
                        if (id % 2 == 0) {
                            Trace.log("seq", id + ":" + seq);
                        } else {
                            r.log(0, "seq", id + ":" + seq);
                        }
                        if (seq == 1000) {
                            started.countDown();
                        }
                        if (id >= PLATFORM && seq % 64 == 63) {
                            // virtual threads: unmount, so that the others get the carriers (a
                            // yield may pick the same virtual thread again)
                            LockSupport.parkNanos(10_000);
                        }
                    }
                } catch (Throwable t) {
                    failures.add(t);
                    started.countDown();
                }
            }));
        }
        try {
            assertThat(started.await(60, TimeUnit.SECONDS)).as("every thread recording").isTrue();
        } finally {
            if (started.getCount() > 0) {
                Trace.stop();
                stopWriting = true;
            }
        }
        long closedBefore = r.background.closedGeneration;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (r.background.closedGeneration < closedBefore + 2 && System.nanoTime() < deadline) {
            Thread.sleep(1); // let a few generation ends pass under the writers (whatever happens here)
        }
        Trace.stop(); // while they all keep writing
        stopWriting = true;
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failures).isEmpty();

        Map<Integer, List<Long>> seqs = new HashMap<>();
        long lost = 0;
        boolean truncated;
        int generations = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
             TraceReader rd = new TraceReader(in)) {
            for (Generation g; (g = rd.next()) != null; ) {
                generations++;
                lost += g.lostEvents();
                for (Event e : g.events()) {
                    if (e.type() == EventType.LOG) {
                        String[] parts = e.tail().split(":");
                        seqs.computeIfAbsent(Integer.parseInt(parts[0]), k -> new ArrayList<>()).add(Long.parseLong(parts[1]));
                    }
                }
            }
            truncated = rd.truncated();
        }

        assertThat(truncated).isFalse();
        assertThat(generations).isGreaterThanOrEqualTo(3);
        assertThat(lost).isZero();
        assertThat(seqs).hasSize(n);
        for (int i = 0; i < n; i++) {
            List<Long> s = seqs.get(i);
            assertThat(s.size()).as("events of thread %d", i).isGreaterThan(1000);
            for (int k = 0; k < s.size(); k++) {
                if (s.get(k) != k) {
                    throw new AssertionError("thread " + i + ": event " + k + " is seq " + s.get(k)
                            + " (a gap or reordering; " + s.size() + " events, last " + s.getLast() + ")");
                }
            }
        }
    }

    private static volatile boolean stopWriting;
}
