package io.jtrace.cli;

import io.jtrace.format.BlockReason;
import io.jtrace.format.Event;
import io.jtrace.format.EventType;
import io.jtrace.format.Generation;
import io.jtrace.format.TraceReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code jtrace record} runs a real program with the agent and keeps its exit code. */
class RecordCommandTest {
    /** The program recorded: a sleep, then exit code 7. */
    public static final class Sleeper {
        public static void main(String[] args) throws InterruptedException {
            Thread.sleep(30);
            System.exit(7);
        }
    }

    @Test
    void recordsAProgramAndReturnsItsExitCode(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("sleeper.jtrace");
        CliRun run = CliRun.of("record", "-o", trace.toString(), "--options", "stacks=fast",
                "--", "-cp", System.getProperty("java.class.path"), Sleeper.class.getName());
        assertThat(run.exitCode()).isEqualTo(7);
        assertThat(Files.exists(trace)).isTrue();
        List<Event> blocks = new ArrayList<>();
        try (TraceReader r = TraceReader.open(trace)) {
            Generation g;
            while ((g = r.next()) != null) {
                g.events().stream().filter(e -> e.type() == EventType.BLOCK).forEach(blocks::add);
            }
        }
        assertThat(blocks).anyMatch(e -> BlockReason.ofCode(e.arg("reason")) == BlockReason.SLEEP);
    }

    /**
     * {@code record} adds the JVM flag the fp stack tier needs by default: {@code stacks=fp} then
     * records, stacks included; with {@code --no-preserve-frame-pointer} fp refuses and the program
     * runs untraced.
     */
    @Test
    void preserveFramePointerLetsTheFpTierRecord(@TempDir Path dir) throws Exception {
        String arch = System.getProperty("os.arch");
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").equals("Linux")
                && (arch.equals("amd64") || arch.equals("aarch64")), "no fp helper for this platform");
        Path with = dir.resolve("with.jtrace");
        CliRun run = CliRun.of("record", "-o", with.toString(), "--options", "stacks=fp",
                "--", "-cp", System.getProperty("java.class.path"), Sleeper.class.getName());
        assertThat(run.exitCode()).isEqualTo(7);
        List<Event> sleeps = new ArrayList<>();
        try (TraceReader r = TraceReader.open(with)) {
            Generation g;
            while ((g = r.next()) != null) {
                g.events().stream().filter(e -> e.type() == EventType.BLOCK
                        && BlockReason.ofCode(e.arg("reason")) == BlockReason.SLEEP && e.arg("stack") != 0)
                        .forEach(sleeps::add);
            }
        }
        assertThat(sleeps).as("a sleep with its stack").isNotEmpty();

        Path without = dir.resolve("without.jtrace");
        CliRun refused = CliRun.of("record", "-o", without.toString(), "--no-preserve-frame-pointer", "--options", "stacks=fp",
                "--", "-cp", System.getProperty("java.class.path"), Sleeper.class.getName());
        assertThat(refused.exitCode()).isEqualTo(7);
        assertThat(without).doesNotExist();
    }

    @Test
    void theDemoRecordedWithTheAgentHasItsBlocksAsWellAsItsAnnotations(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("demo.jtrace");
        CliRun run = CliRun.of("record", "-o", trace.toString(), "--",
                "-cp", System.getProperty("java.class.path"), "io.jtrace.cli.demo.DemoWorkload", "100");
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<BlockReason> reasons = new ArrayList<>();
        long regions = 0;
        try (TraceReader r = TraceReader.open(trace)) {
            Generation g;
            while ((g = r.next()) != null) {
                for (Event e : g.events()) {
                    if (e.type() == EventType.BLOCK) {
                        reasons.add(BlockReason.ofCode(e.arg("reason")));
                    } else if (e.type() == EventType.REGION_BEGIN) {
                        regions++;
                    }
                }
            }
        }
        assertThat(regions).isEqualTo(100 * 4); // validate, fetchInventory, process, price per order
        assertThat(reasons).contains(BlockReason.QUEUE, BlockReason.SLEEP);
    }

    @Test
    void aTraceFileNameMayHaveACommaOrAnEqualsSign(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("a,b=c.jtrace");
        CliRun run = CliRun.of("record", "-o", trace.toString(), "--options", "stacks=off",
                "--", "-cp", System.getProperty("java.class.path"), Sleeper.class.getName());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(7);
        assertThat(run.err()).isEmpty();
        try (TraceReader r = TraceReader.open(trace)) {
            assertThat(r.next()).isNotNull();
        }
    }

    @Test
    void aRecordingThatCouldNotStartDoesNotExitZero(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("x.jtrace");
        CliRun run = CliRun.of("record", "-o", trace.toString(), "--options", "period=soon",
                "--", "-cp", System.getProperty("java.class.path"), Quick.class.getName());
        assertThat(run.exitCode()).isEqualTo(1);
        // the agent's own line ("not tracing: option period=soon: …") goes to the program's stderr
        assertThat(run.err().strip()).isEqualTo("jtrace: no trace was written to " + trace);
        assertThat(trace).doesNotExist();
    }

    /** A program that ends at once with exit code 0. */
    public static final class Quick {
        public static void main(String[] args) {
            System.out.println("done");
        }
    }

    @Test
    void optionsMustNotSetTheFile(@TempDir Path dir) {
        CliRun run = CliRun.of("record", "-o", dir.resolve("x.jtrace").toString(), "--options", "file=/tmp/y",
                "--", "-version");
        assertThat(run.exitCode()).as("bad usage").isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("jtrace: --options must not set file=: use -o");
        CliRun upper = CliRun.of("record", "-o", dir.resolve("x.jtrace").toString(), "--options", "stacks=off,FILE=/tmp/y",
                "--", "-version");
        assertThat(upper.exitCode()).as("keys are case-insensitive: FILE= is file=").isEqualTo(2);
    }
}
