package io.jtrace;

import io.jtrace.format.EventType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writing the trace fails part way (a full disk): the recording stops with one line, the events
 * from then on are counted, the stop says on stderr where the file ends and what it misses, and
 * the file written so far reads back as a truncated trace whose complete generations are whole.
 */
class WriteFailureTest {
    /** A stream that takes {@code limit} bytes, then fails every write as a full disk does. */
    private static final class FullDisk extends OutputStream {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final int limit;
        volatile boolean failed;

        FullDisk(int limit) {
            this.limit = limit;
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (kept.size() + len > limit) {
                failed = true;
                throw new IOException("No space left on device");
            }
            kept.write(b, off, len);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        synchronized byte[] written() {
            return kept.toByteArray();
        }
    }

    @Test
    void aFullDiskStopsTheRecordingAndTheStopSaysWhatTheTraceMisses() throws Exception {
        FullDisk disk = new FullDisk(16 << 10);
        TraceOptions options = TraceOptions.defaults().withStacks(TraceOptions.Stacks.OFF)
                .withGenerationPeriod(Duration.ofMillis(10)).withBufferBytes(1024).withGenerationBytes(1024);
        PrintStream stderr = System.err;
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        System.setErr(new PrintStream(said, true, StandardCharsets.UTF_8));
        int logged = 0;
        int afterFailure = 100;
        try {
            Trace.start(disk, options);
            try {
                // write until the writer has hit the full disk and said so (bounded: 60 s)
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!said.toString(StandardCharsets.UTF_8).contains("writing the trace failed")
                        && System.nanoTime() < deadline) {
                    Trace.log("seq", Integer.toString(logged++));
                    if (logged % 50 == 0) {
                        LockSupport.parkNanos(1_000_000);
                    }
                }
                assertThat(disk.failed).as("the disk filled up").isTrue();
                for (int i = 0; i < afterFailure; i++) {
                    Trace.log("seq", Integer.toString(logged++));
                }
            } finally {
                Trace.stop();
            }
        } finally {
            System.setErr(stderr);
        }

        byte[] trace = disk.written();
        List<String> lines = said.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).filteredOn(l -> l.startsWith("jtrace: writing the trace failed"))
                .containsExactly("jtrace: writing the trace failed, recording stopped: java.io.IOException: No space left on device");
        List<String> incomplete = lines.stream().filter(l -> l.startsWith("jtrace: the trace is incomplete")).toList();
        assertThat(incomplete).hasSize(1);
        Matcher m = Pattern.compile("jtrace: the trace is incomplete: writing it failed "
                + "\\(java.io.IOException: No space left on device\\) after (\\d+) bytes; at least (\\d+) events recorded "
                + "after that and (\\d+) bytes of events recorded before it were not written; "
                + "the generations before the failure are readable").matcher(incomplete.getFirst());
        assertThat(m.matches()).as(incomplete.getFirst()).isTrue();
        assertThat(Long.parseLong(m.group(1))).as("where the file ends").isEqualTo(trace.length);
        assertThat(Long.parseLong(m.group(2))).as("events after the failure").isGreaterThanOrEqualTo(afterFailure);

        TraceFiles.ReadBack rb = TraceFiles.readAll(trace);
        assertThat(rb.truncated()).isTrue();
        assertThat(rb.generations()).isNotEmpty();
        List<String> seqs = rb.events().stream().filter(e -> e.type() == EventType.LOG).map(e -> e.tail()).toList();
        assertThat(seqs).as("the complete generations hold the first events, in order").isNotEmpty()
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, seqs.size()).mapToObj(Integer::toString).toList());
        assertThat(seqs.size()).isLessThan(logged - afterFailure);
    }
}
