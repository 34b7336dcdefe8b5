package io.jtrace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jtrace.cli.workloads.GcWorkload;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code jtrace mmu} on a real program that collects explicitly ({@link GcWorkload}). */
class MmuCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path trace;
    static JsonNode report;

    @BeforeAll
    static void recordAndAnalyze() throws IOException {
        trace = dir.resolve("gc.jtrace");
        CliRun rec = CliRun.of("record", "-o", trace.toString(), "--",
                "-cp", System.getProperty("java.class.path"), GcWorkload.class.getName());
        assertThat(rec.exitCode()).as(rec.err()).isZero();
        CliRun run = CliRun.of("mmu", "--json", trace.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        report = JSON.readTree(run.out());
    }

    @Test
    void explicitCollectionsArePausesAndPullSmallWindowsBelowFullUtilization() {
        assertThat(report.get("gcPauses").asLong()).as(report.toPrettyString()).isGreaterThanOrEqualTo(GcWorkload.COLLECTIONS);
        assertThat(report.get("pauses").asLong()).isPositive();
        long paused = report.get("pausedNanos").asLong();
        long longest = report.get("longestPauseNanos").asLong();
        assertThat(longest).isPositive().isLessThanOrEqualTo(paused);
        long span = report.get("spanEndNanos").asLong() - report.get("spanStartNanos").asLong();
        assertThat(paused).isLessThan(span);

        JsonNode windows = report.get("windows");
        long[] expected = {1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L}; // the defaults within ~3 s
        assertThat(windows).hasSize(expected.length);
        double previous = -1;
        for (int i = 0; i < expected.length; i++) {
            JsonNode w = windows.get(i);
            long size = w.get("windowNanos").asLong();
            double mmu = w.get("mmu").asDouble();
            assertThat(size).isEqualTo(expected[i]);
            // a window around the longest pause bounds it from above, all the pauses from below
            assertThat(mmu).isLessThanOrEqualTo(Math.max(0, 1 - (double) longest / size) + 1e-9);
            assertThat(mmu).isGreaterThanOrEqualTo(Math.max(0, 1 - (double) paused / size) - 1e-9);
            assertThat(mmu).as("pauses 300 ms apart: larger windows are never worse").isGreaterThanOrEqualTo(previous);
            previous = mmu;
            long start = w.get("worstWindowStartNanos").asLong();
            assertThat(start).isBetween(report.get("spanStartNanos").asLong(), report.get("spanEndNanos").asLong() - size);
        }
        assertThat(windows.get(0).get("mmu").asDouble()).isLessThan(1.0);
    }

    @Test
    void pauseSourcesCanBeChosen() throws IOException {
        JsonNode gc = JSON.readTree(CliRun.of("mmu", "--json", "--pauses", "gc", trace.toString()).out());
        JsonNode safepoints = JSON.readTree(CliRun.of("mmu", "--json", "--pauses", "safepoints", trace.toString()).out());
        long all = report.get("pausedNanos").asLong();
        // the union is at least each part and at most their sum
        assertThat(gc.get("pausedNanos").asLong()).isPositive().isLessThanOrEqualTo(all);
        assertThat(safepoints.get("pausedNanos").asLong()).isPositive().isLessThanOrEqualTo(all);
        assertThat(all).isLessThanOrEqualTo(gc.get("pausedNanos").asLong() + safepoints.get("pausedNanos").asLong());
    }

    @Test
    void givenWindowsAndTheTextTable() {
        CliRun run = CliRun.of("mmu", "--windows", "2ms,0.5s", trace.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("pauses:", "paused:", "longest pause:")
                .containsPattern("WINDOW +MMU +WORST WINDOW STARTS AT")
                .containsPattern("\n +2\\.00ms +[0-9.]+% ")
                .containsPattern("\n +500\\.00ms +[0-9.]+% ");
    }

    @Test
    void badWindowsAreOneLine() throws IOException {
        CliRun tooLong = CliRun.of("mmu", "--windows", "1h", trace.toString());
        assertThat(tooLong.exitCode()).isEqualTo(1);
        assertThat(tooLong.err().strip()).startsWith("jtrace: a window of 3600000.000 ms does not fit the trace's span of ")
                .doesNotContain("\n");
        CliRun garbage = CliRun.of("mmu", "--windows", "10ms,soon", trace.toString());
        assertThat(garbage.exitCode()).as("bad usage").isEqualTo(2);
        assertThat(garbage.err().strip()).isEqualTo("jtrace: \"soon\" is not a duration: expected e.g. 500us, 10ms, 1.5s or 1m");
        CliRun pauses = CliRun.of("mmu", "--pauses", "coffee", trace.toString());
        assertThat(pauses.exitCode()).isEqualTo(2);
        assertThat(pauses.err().strip()).isEqualTo("jtrace: --pauses coffee: expected all, gc or safepoints");
        Path notATrace = Files.writeString(dir.resolve("notes.txt"), "hello\n");
        CliRun bad = CliRun.of("mmu", notATrace.toString());
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err().strip()).isEqualTo("jtrace: " + notATrace + ": not a valid trace: not a jtrace trace (bad magic: it starts \"hello\\x0a\") at byte offset 0");
    }
}
