package io.jtrace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jtrace.format.Event;
import io.jtrace.format.EventType;
import io.jtrace.format.Generation;
import io.jtrace.format.ThreadInfo;
import io.jtrace.format.TraceReader;
import io.jtrace.format.Wire;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The jtrace command as a user runs it: demo, stats, dump, and what it says about bad files. */
class CliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path trace;
    static CliRun demo;

    @BeforeAll
    static void recordDemo() {
        trace = dir.resolve("demo.jtrace");
        demo = CliRun.of("demo", "-o", trace.toString(), "--orders", "300", "--options", "period=100ms");
    }

    private static List<Generation> readAll(Path file) throws IOException {
        List<Generation> gens = new ArrayList<>();
        try (TraceReader r = TraceReader.open(file)) {
            Generation g;
            while ((g = r.next()) != null) {
                gens.add(g);
            }
            assertThat(r.truncated()).isFalse();
        }
        return gens;
    }

    @Test
    void demoRecordsTasksRegionsAndLogsFromPlatformAndVirtualThreads() throws IOException {
        assertThat(demo.exitCode()).as(demo.err()).isZero();
        assertThat(demo.out()).contains("300 orders processed", "generations:", "lost events:    0", "truncated:      no");
        List<Generation> gens = readAll(trace);
        assertThat(gens).hasSizeGreaterThan(1);
        Map<EventType, Integer> counts = new HashMap<>();
        Map<Long, ThreadInfo> threads = new HashMap<>();
        List<String> regionTypes = new ArrayList<>();
        for (Generation g : gens) {
            threads.putAll(g.threads());
            for (Event e : g.events()) {
                counts.merge(e.type(), 1, Integer::sum);
                if (e.type() == EventType.REGION_BEGIN) {
                    regionTypes.add(g.string(e.arg("type")));
                }
            }
        }
        assertThat(counts.get(EventType.TASK_BEGIN)).isEqualTo(301); // 300 orders and their batch
        assertThat(counts.get(EventType.TASK_END)).isEqualTo(301);
        assertThat(counts.get(EventType.REGION_BEGIN)).isEqualTo(4 * 300).isEqualTo(counts.get(EventType.REGION_END));
        assertThat(regionTypes).contains("validate", "fetchInventory", "process", "price");
        assertThat(counts.get(EventType.LOG)).isGreaterThanOrEqualTo(600);
        assertThat(threads.values()).anyMatch(ThreadInfo::virtual);
        assertThat(threads.values()).anyMatch(t -> t.name().startsWith("demo-worker-") && !t.virtual());
    }

    @Test
    void statsJsonHasTheDocumentedKeysAndAgreesWithTheTrace() throws IOException {
        CliRun run = CliRun.of("stats", "--json", trace.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode s = JSON.readTree(run.out());
        assertThat(s.has("durationNanos") && s.has("generations") && s.has("threads") && s.has("events")
                && s.has("bytesPerEvent") && s.has("lostEvents") && s.has("truncated")).isTrue();
        List<Generation> gens = readAll(trace);
        long regions = gens.stream().flatMap(g -> g.events().stream()).filter(e -> e.type() == EventType.REGION_BEGIN).count();
        assertThat(s.get("generations").asLong()).isEqualTo(gens.size());
        assertThat(s.get("events").get("REGION_BEGIN").asLong()).isEqualTo(regions);
        assertThat(s.get("durationNanos").asLong()).isBetween(100_000_000L, 60_000_000_000L);
        assertThat(s.get("bytesPerEvent").asDouble()).isEqualTo((double) Files.size(trace) / s.get("totalEvents").asLong());
        assertThat(s.get("truncated").asBoolean()).isFalse();
        assertThat(s.get("lostEvents").asLong()).isZero();
        assertThat(s.get("validationErrors").asLong()).as(s.get("firstValidationErrors").toString()).isZero();
    }

    @Test
    void dumpPrintsEveryEventInTimeOrderWithThreadAndStack() throws IOException {
        CliRun run = CliRun.of("dump", trace.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        long events = readAll(trace).stream().mapToLong(g -> g.events().size()).sum();
        String[] lines = run.outLines();
        assertThat(lines).hasSize((int) events);
        double last = -1;
        for (String line : lines) {
            double ms = Double.parseDouble(line.trim().split(" ")[0]);
            assertThat(ms).isGreaterThanOrEqualTo(last);
            last = ms;
        }
        assertThat(lines).anyMatch(l -> l.contains("\"demo-worker-") && l.contains("REGION_BEGIN") && l.contains("type=\"price\"")
                && l.contains("at io.jtrace.cli.demo.DemoWorkload.work(DemoWorkload.java:"));
        assertThat(lines).anyMatch(l -> l.contains("(virtual)") && l.contains("LOG") && l.contains("message=\"order "));
    }

    @Test
    void dumpJsonLinesParseAndCarryResolvedStacks() throws IOException {
        CliRun run = CliRun.of("dump", "--json", trace.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        boolean sawStack = false;
        long lastTime = -1;
        for (String line : run.outLines()) {
            JsonNode e = JSON.readTree(line);
            assertThat(e.get("time").asLong()).isGreaterThanOrEqualTo(lastTime);
            lastTime = e.get("time").asLong();
            assertThat(EventType.valueOf(e.get("type").asText())).isNotNull();
            if (e.get("type").asText().equals("REGION_BEGIN") && e.get("args").get("type").asText().equals("fetchInventory")) {
                JsonNode top = e.get("stack").get(0);
                assertThat(top.get("class").asText()).isEqualTo("io.jtrace.cli.demo.DemoWorkload");
                assertThat(top.get("method").asText()).isEqualTo("fetch");
                assertThat(top.get("line").asInt()).isPositive();
                assertThat(e.get("virtual").asBoolean()).isTrue();
                sawStack = true;
            }
        }
        assertThat(sawStack).isTrue();
    }

    @Test
    void aMissingFileIsOneClearLine() {
        CliRun run = CliRun.of("stats", dir.resolve("nope.jtrace").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).startsWith("jtrace: no such file:").doesNotContain("\n");
    }

    @Test
    void aFileThatIsNoTraceIsOneClearLine() throws IOException {
        Path notATrace = Files.writeString(dir.resolve("notes.txt"), "hello, world\n");
        for (String cmd : new String[] {"stats", "dump"}) {
            CliRun run = CliRun.of(cmd, notATrace.toString());
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().strip()).isEqualTo("jtrace: " + notATrace + ": not a valid trace: not a jtrace trace (bad magic: it starts \"hello,\") at byte offset 0");
        }
    }

    @Test
    void aCorruptTraceNamesTheByteOffset() throws IOException {
        byte[] bytes = Files.readAllBytes(trace);
        int firstBatch = recordAfter(bytes, recordAfter(bytes, Wire.HEADER_BYTES)); // header, specs, gen begin
        assertThat(bytes[firstBatch]).isEqualTo((byte) Wire.BATCH);
        bytes[firstBatch] = 0x7F;
        Path corrupt = Files.write(dir.resolve("corrupt.jtrace"), bytes);
        CliRun run = CliRun.of("stats", corrupt.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo("jtrace: " + corrupt + ": not a valid trace: record kind 127 is not allowed inside a generation at byte offset " + firstBatch);
    }

    @Test
    void aTraceDamagedAfterItsFirstGenerationIsAnsweredUpToTheDamageWarnsAndExitsOne() throws IOException {
        byte[] bytes = Files.readAllBytes(trace);
        int gens = readAll(trace).size();
        assertThat(gens).isGreaterThan(2);
        // the first record of the last generation but one: a generation start, made a kind no trace has
        int at = Wire.HEADER_BYTES;
        int seen = 0;
        while (seen < gens - 1) {
            at = recordAfter(bytes, at);
            if (bytes[at] == Wire.GEN_BEGIN) {
                seen++;
            }
        }
        bytes[at] = 0x7F;
        Path damaged = Files.write(dir.resolve("damaged.jtrace"), bytes);
        for (String cmd : new String[] {"stats", "threads", "mmu", "wakeups", "tasks", "dump"}) {
            CliRun run = CliRun.of(cmd, damaged.toString());
            assertThat(run.exitCode()).as(cmd).isEqualTo(1);
            assertThat(run.out()).as(cmd).isNotBlank();
            assertThat(run.err().strip()).as(cmd).isEqualTo("jtrace: " + damaged + ": warning: the trace is damaged: "
                    + "expected a generation start, found record kind 127 at byte offset " + at
                    + "; shown is what precedes it (its complete generations)");
        }
        CliRun stats = CliRun.of("stats", damaged.toString());
        assertThat(stats.out()).contains("generations:    " + (gens - 2));
    }

    @Test
    void aTruncatedTraceShowsItsCompleteGenerationsAndWarns() throws IOException {
        byte[] bytes = Files.readAllBytes(trace);
        Path cut = Files.write(dir.resolve("cut.jtrace"), java.util.Arrays.copyOf(bytes, bytes.length * 2 / 3));
        CliRun stats = CliRun.of("stats", "--json", cut.toString());
        assertThat(stats.exitCode()).isZero();
        assertThat(stats.err()).contains("warning: the trace is truncated");
        JsonNode s = JSON.readTree(stats.out());
        assertThat(s.get("truncated").asBoolean()).isTrue();
        assertThat(s.get("generations").asLong()).isLessThan(readAll(trace).size());
        CliRun dump = CliRun.of("dump", cut.toString());
        assertThat(dump.exitCode()).isZero();
        assertThat(dump.err()).contains("warning: the trace is truncated");
        assertThat((long) dump.outLines().length).isEqualTo(s.get("totalEvents").asLong());
    }

    @Test
    void badUsageExitsWithTwo() {
        assertThat(CliRun.of("frobnicate").exitCode()).isEqualTo(2);
        assertThat(CliRun.of("stats").exitCode()).isEqualTo(2);
        CliRun badOption = CliRun.of("demo", "-o", dir.resolve("x.jtrace").toString(), "--options", "period=never");
        assertThat(badOption.exitCode()).isEqualTo(2);
        assertThat(badOption.err().strip()).isEqualTo("jtrace: option period=never: expected a whole number of ms, s or m, such as 500ms, 1s or 1m");
    }

    /** Offset of the record following the record that starts at {@code at}. */
    private static int recordAfter(byte[] b, int at) {
        int p = at + 1;
        long len = 0;
        for (int shift = 0; ; shift += 7) {
            int x = b[p++];
            len |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                break;
            }
        }
        return p + (int) len;
    }
}
