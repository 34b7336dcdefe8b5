package io.jtrace;

import io.jtrace.TraceFiles.ReadBack;
import io.jtrace.TraceFiles.Rec;
import io.jtrace.format.Generation;
import io.jtrace.format.TraceFormatException;
import io.jtrace.format.TraceReader;
import io.jtrace.format.Wire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * A recording cut at any byte (the process died, the disk filled) reads back as every generation
 * that was complete before the cut, flagged as truncated; a cut inside the header is a clear error.
 */
class TruncatedTraceTest {
    @TempDir
    Path dir;

    @Test
    void everyPrefixReadsBackItsCompleteGenerationsAndIsFlaggedTruncated() throws Exception {
        byte[] full = TraceFiles.smallTrace(dir.resolve("small.jtrace"));
        ReadBack whole = TraceFiles.readAll(full);
        assertThat(whole.truncated()).isFalse();
        List<List<String>> wholeGens = whole.generations().stream().map(TraceFiles::summary).toList();
        List<Rec> recs = TraceFiles.records(full);
        int headerEnd = recs.getFirst().end();
        assertThat(recs.getFirst().kind()).isEqualTo(Wire.SPECS);
        int lastGenEnd = recs.get(recs.size() - 2).end();
        assertThat(recs.getLast().kind()).isEqualTo(Wire.END);
        System.out.println("small trace: " + full.length + " bytes, " + wholeGens.size() + " generations");

        int previous = 0;
        for (int length = 0; length <= full.length; length++) {
            byte[] prefix = Arrays.copyOf(full, length);
            if (length < headerEnd) {
                int cut = length;
                assertThatThrownBy(() -> TraceFiles.readAll(prefix))
                        .as("prefix of %d bytes, inside the header", length)
                        .isInstanceOfSatisfying(TraceFormatException.class,
                                e -> assertThat(e.offset()).isBetween(0L, (long) cut))
                        .hasMessageContaining("cut short");
                continue;
            }
            ReadBack rb;
            try {
                rb = TraceFiles.readAll(prefix);
            } catch (Exception e) {
                throw new AssertionError("prefix of " + length + " bytes of " + full.length + " threw", e);
            }
            int cut = length;
            int complete = (int) recs.stream().filter(r -> r.kind() == Wire.GEN_END && r.end() <= cut).count();
            List<Generation> gens = rb.generations();
            assertThat(gens).as("generations in a prefix of %d bytes", length).hasSize(complete);
            assertThat(gens.size()).as("monotone in the prefix length").isGreaterThanOrEqualTo(previous);
            previous = gens.size();
            assertThat(rb.truncated()).as("truncated flag of a prefix of %d of %d bytes", length, full.length)
                    .isEqualTo(length < full.length);
            // all generations only once the last one's end record is in; the trace's own END record
            // (two bytes) is all that separates such a prefix from the whole file
            assertThat(gens.size() == wholeGens.size()).isEqualTo(length >= lastGenEnd);
            for (int i = 0; i < gens.size(); i++) {
                if (!TraceFiles.summary(gens.get(i)).equals(wholeGens.get(i))) {
                    fail("generation %d of a prefix of %d bytes differs from the whole trace's", i + 1, length);
                }
            }
        }
        assertThat(previous).isEqualTo(wholeGens.size());
    }

    @Test
    void truncatedFileOnDiskReadsTheSameAsInMemory() throws Exception {
        byte[] full = TraceFiles.smallTrace(dir.resolve("small.jtrace"));
        List<Rec> recs = TraceFiles.records(full);
        Rec secondGenEnd = recs.stream().filter(r -> r.kind() == Wire.GEN_END).skip(1).findFirst().orElseThrow();
        Path cut = dir.resolve("cut.jtrace");
        Files.write(cut, Arrays.copyOf(full, secondGenEnd.end() + 5)); // into the third generation

        try (TraceReader r = TraceReader.open(cut)) {
            assertThat(r.next().number()).isEqualTo(1);
            assertThat(r.next().number()).isEqualTo(2);
            assertThat(r.next()).isNull();
            assertThat(r.truncated()).isTrue();
            assertThat(r.next()).as("stays at the end").isNull();
        }
    }
}
