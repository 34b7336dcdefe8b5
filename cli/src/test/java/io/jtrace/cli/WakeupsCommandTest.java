package io.jtrace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jtrace.cli.workloads.WakeupWorkload;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code jtrace wakeups} on a real program recorded with the agent ({@link WakeupWorkload}). */
class WakeupsCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path trace;
    static JsonNode graph;

    @BeforeAll
    static void recordAndAnalyze() throws IOException {
        trace = dir.resolve("wakeups.jtrace");
        CliRun rec = CliRun.of("record", "-o", trace.toString(), "--",
                "-cp", System.getProperty("java.class.path"), WakeupWorkload.class.getName());
        assertThat(rec.exitCode()).as(rec.err()).isZero();
        CliRun run = CliRun.of("wakeups", "--json", "--frames", "8", trace.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        graph = JSON.readTree(run.out());
        CliRun threads = CliRun.of("threads", "--json", trace.toString());
        assertThat(threads.exitCode()).as(threads.err()).isZero();
        for (JsonNode t : JSON.readTree(threads.out())) {
            GROUPS.putIfAbsent(t.get("name").asText(), t.get("group").asText());
        }
    }

    /** Thread name → the group `threads` puts it in: `wakeups` groups the same way. */
    private static final java.util.Map<String, String> GROUPS = new java.util.HashMap<>();

    /** The node `wakeups` shows for the thread named {@code name} ("(timer)" and "(unknown)" as they are). */
    private static String g(String name) {
        return name.startsWith("(") ? name : GROUPS.getOrDefault(name, name);
    }

    private static JsonNode edge(String waker, String wakee) {
        for (JsonNode e : graph.get("edges")) {
            if (e.get("waker").get("name").asText().equals(waker) && e.get("wakee").get("name").asText().equals(wakee)) {
                return e;
            }
        }
        return null;
    }

    private static long count(String waker, String wakee) {
        JsonNode e = edge(waker, wakee);
        return e == null ? 0 : e.get("count").asLong();
    }

    private static long countInto(String wakee) {
        long n = 0;
        for (JsonNode e : graph.get("edges")) {
            if (e.get("wakee").get("name").asText().equals(wakee)) {
                n += e.get("count").asLong();
            }
        }
        return n;
    }

    @Test
    void theLockHolderWakesTheWaiterOncePerRoundWithItsUnlockStack() {
        JsonNode e = edge(g("lock-holder"), g("lock-waiter"));
        assertThat(e).as(graph.toPrettyString()).isNotNull();
        // late ones, if any, are the JVM's reports of monitors the two contended for (class loading)
        long live = e.get("count").asLong() - e.get("late").asLong();
        assertThat(live).isEqualTo(WakeupWorkload.ROUNDS);
        JsonNode latency = e.get("latencyNanos");
        assertThat(latency.get("samples").asLong()).isEqualTo(e.get("count").asLong());
        assertThat(latency.get("p50").asLong()).isPositive().isLessThanOrEqualTo(latency.get("p99").asLong());
        assertThat(latency.get("p99").asLong()).isLessThanOrEqualTo(latency.get("max").asLong());
        assertThat(latency.get("max").asLong()).isLessThanOrEqualTo(latency.get("total").asLong());
        JsonNode top = e.get("stacks").get(0);
        assertThat(top.get("count").asLong()).isEqualTo(WakeupWorkload.ROUNDS);
        List<String> frames = new ArrayList<>();
        top.get("frames").forEach(f -> frames.add(f.asText()));
        assertThat(frames).hasSizeLessThanOrEqualTo(8)
                .anyMatch(f -> f.startsWith("java.util.concurrent.locks.ReentrantLock.unlock("))
                .anyMatch(f -> f.startsWith(WakeupWorkload.class.getName() + ".lambda$lockRounds$"));
        JsonNode back = edge(g("lock-waiter"), g("lock-holder"));
        assertThat(back == null || back.get("late").asLong() == back.get("count").asLong())
                .as("the holder never waits for the waiter's lock").isTrue();
    }

    @Test
    void aSleepIsWokenByTheTimer() {
        JsonNode e = edge(g("(timer)"), g("lock-holder"));
        assertThat(e).as(graph.toPrettyString()).isNotNull();
        assertThat(e.get("waker").get("kind").asText()).isEqualTo("timer");
        assertThat(e.get("count").asLong()).isEqualTo(WakeupWorkload.ROUNDS);
        assertThat(e.get("stacks")).isEmpty();
    }

    @Test
    void aSynchronizedHandOverIsAnEdgeFromThePreviousOwnerReportedLate() {
        long handOvers = count(g("mon-holder"), g("mon-waiter"));
        // one per round when the JVM's stream delivers in time, plus any class-loading lock the two contended for
        assertThat(handOvers).as(graph.toPrettyString()).isBetween(1L, 2L * WakeupWorkload.MONITOR_ROUNDS);
        assertThat(edge(g("mon-holder"), g("mon-waiter")).get("late").asLong()).isEqualTo(handOvers);
    }

    @Test
    void theNotifierOfAnObjectWaitReplacesTheUnknownWaker() {
        long named = count(g("main"), g("mailbox-waiter"));
        assertThat(named).as(graph.toPrettyString()).isPositive();
        assertThat(edge(g("main"), g("mailbox-waiter")).get("late").asLong()).isEqualTo(named);
        // one wake-up per round; main may also hand the monitor over to the waiter re-entering it
        assertThat(named + count(g("(unknown)"), g("mailbox-waiter"))).isBetween((long) WakeupWorkload.ROUNDS,
                2L * WakeupWorkload.ROUNDS);
    }

    @Test
    void poolThreadsAndUnnamedVirtualThreadsAreGroupsAsThreadsGroupsThem() throws Exception {
        assertThat(countInto("pool-#-thread-#")).as(graph.toPrettyString()).isGreaterThanOrEqualTo(3);
        // the three unnamed virtual threads: grouped by their entry method, the group `threads` names
        CliRun threads = CliRun.of("threads", "--json", trace.toString());
        assertThat(threads.exitCode()).as(threads.err()).isZero();
        java.util.Set<String> groups = new java.util.HashSet<>();
        for (JsonNode t : JSON.readTree(threads.out())) {
            if (t.get("virtual").asBoolean() && t.get("name").asText().isEmpty()
                    && t.get("group").asText().startsWith(WakeupWorkload.class.getName() + ".lambda$")) {
                groups.add(t.get("group").asText());
            }
        }
        assertThat(groups).as(threads.out()).hasSize(1);
        assertThat(countInto(groups.iterator().next())).as(graph.toPrettyString()).isGreaterThanOrEqualTo(3);
        long total = 0;
        for (JsonNode e : graph.get("edges")) {
            for (String side : new String[] {"waker", "wakee"}) {
                JsonNode n = e.get(side);
                if (n.get("kind").asText().equals("threads")) {
                    // a group, never one thread: a name pattern without digits, or an entry method
                    assertThat(n.get("name").asText()).as("node").satisfiesAnyOf(
                            name -> assertThat(name).doesNotContainPattern("[0-9]"),
                            name -> assertThat(GROUPS).containsValue(name).doesNotContainKey(name));
                }
            }
            total += e.get("count").asLong();
        }
        assertThat(total).isEqualTo(graph.get("wakeups").asLong());
    }

    @Test
    void textTableDotAndPerThreadNodes() {
        CliRun text = CliRun.of("wakeups", trace.toString());
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.outLines()[0]).endsWith("(latency: from the wake-up until the woken thread ran)");
        assertThat(text.out()).containsPattern("WAKER → WAKEE +COUNT +LATE +P50 +P99 +MAX +TOTAL")
                .containsPattern(java.util.regex.Pattern.quote(g("lock-holder") + " → " + g("lock-waiter")) + " +[0-9]+ +[0-9]+ ")
                .contains("java.util.concurrent.locks.ReentrantLock.unlock(");

        CliRun dot = CliRun.of("wakeups", "--dot", trace.toString());
        assertThat(dot.exitCode()).as(dot.err()).isZero();
        assertThat(dot.outLines()[0]).isEqualTo("digraph wakeups {");
        assertThat(dot.out()).containsPattern(java.util.regex.Pattern.quote("\"" + g("lock-holder") + "\" -> \"" + g("lock-waiter") + "\"")
                + " \\[label=\"[0-9]+\\\\np99 [0-9.]+[mµn]?s\"\\];")
                .contains("\"(timer)\" [shape=ellipse, style=dashed];").endsWith("}\n");

        CliRun threads = CliRun.of("wakeups", "--threads", trace.toString());
        assertThat(threads.exitCode()).as(threads.err()).isZero();
        assertThat(threads.out()).containsPattern("lock-holder #[0-9]+ → lock-waiter #[0-9]+ +[0-9]+ ");
    }

    @Test
    void badArgumentsAndFilesAreOneLine() throws IOException {
        CliRun frames = CliRun.of("wakeups", "--frames", "0", trace.toString());
        assertThat(frames.exitCode()).as("bad usage").isEqualTo(2);
        assertThat(frames.err().strip()).isEqualTo("jtrace: --frames must be at least 1 and --stacks at least 0");
        CliRun both = CliRun.of("wakeups", "--json", "--dot", trace.toString());
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err().strip()).isEqualTo("jtrace: --json and --dot exclude each other");
        CliRun missing = CliRun.of("wakeups", dir.resolve("nope.jtrace").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err().strip()).startsWith("jtrace: no such file:").doesNotContain("\n");
        Path notATrace = Files.writeString(dir.resolve("notes.txt"), "hello\n");
        CliRun bad = CliRun.of("wakeups", notATrace.toString());
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err().strip()).isEqualTo("jtrace: " + notATrace + ": not a valid trace: not a jtrace trace (bad magic: it starts \"hello\\x0a\") at byte offset 0");
    }
}
