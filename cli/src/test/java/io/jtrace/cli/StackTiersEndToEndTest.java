package io.jtrace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same workload recorded with {@code stacks=fast} and {@code stacks=slow} shows the same
 * stacks in {@code jtrace dump --json}: the fast tier's deferred symbolization loses nothing.
 */
class StackTiersEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void fastAndSlowStacksAreTheSameInTheDump(@TempDir Path dir) throws IOException {
        Set<String> fast = stacksOf(dir.resolve("fast.jtrace"), "fast");
        Set<String> slow = stacksOf(dir.resolve("slow.jtrace"), "slow");
        assertThat(fast).hasSize(15); // every annotation call site of the demo
        Set<String> onlyFast = new TreeSet<>(fast);
        onlyFast.removeAll(slow);
        Set<String> onlySlow = new TreeSet<>(slow);
        onlySlow.removeAll(fast);
        assertThat(onlyFast).as("stacks only the fast tier recorded").isEqualTo(onlySlow);
    }

    /** The frames up to the demo command: below it the two runs differ in this test's own line. */
    private static String workloadFrames(JsonNode stack) {
        StringBuilder b = new StringBuilder();
        for (JsonNode frame : stack) {
            b.append(frame).append('\n');
            if (frame.get("class").asText().equals(DemoCommand.class.getName())) {
                break;
            }
        }
        return b.toString();
    }

    /** Each distinct (event type, stack) of a demo run, the stack as its JSON frames. */
    private static Set<String> stacksOf(Path file, String tier) throws IOException {
        CliRun demo = CliRun.of("demo", "-o", file.toString(), "--orders", "60", "--options", "stacks=" + tier);
        assertThat(demo.exitCode()).as(demo.err()).isZero();
        assertThat(demo.err()).doesNotContain("unavailable");
        CliRun dump = CliRun.of("dump", "--json", file.toString());
        assertThat(dump.exitCode()).as(dump.err()).isZero();
        Set<String> stacks = new TreeSet<>();
        for (String line : dump.outLines()) {
            JsonNode e = JSON.readTree(line);
            if (e.has("stack")) {
                stacks.add(e.get("type").asText() + " " + workloadFrames(e.get("stack")));
            }
        }
        return stacks;
    }
}
