package io.jtrace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jtrace.cli.workloads.GcWorkload;
import io.jtrace.cli.workloads.KnownAnswers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The analysis commands on a real recording (the agent in a child JVM) of {@link KnownAnswers},
 * whose answers are known: a 200 ms sleep, a lock held 50 ms, a monitor held 50 ms (known only
 * from the JVM's late events), a notify, a region around a 30 ms park, a task over two threads,
 * a socket read answered after 40 ms, virtual threads waiting for their one carrier.
 */
class AnalysisCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MS = 1_000_000L;

    @TempDir
    static Path dir;
    static Path trace;
    static JsonNode threads;

    @BeforeAll
    static void record() throws Exception {
        trace = dir.resolve("known.jtrace");
        CliRun run = CliRun.of("record", "-o", trace.toString(), "--",
                "-Djdk.virtualThreadScheduler.parallelism=1", // one carrier: runnable virtual threads wait
                "-cp", System.getProperty("java.class.path"), KnownAnswers.class.getName());
        assertThat(run.exitCode()).as(run.err()).isZero();
        CliRun t = CliRun.of("threads", "--json", trace.toString());
        assertThat(t.exitCode()).as(t.err()).isZero();
        threads = JSON.readTree(t.out());
    }

    private static JsonNode thread(String name) {
        for (JsonNode t : threads) {
            if (t.get("name").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no thread named " + name + " in " + threads);
    }

    private static long id(String name) {
        return thread(name).get("threadId").asLong();
    }

    private static long blocked(String name, String reason) {
        JsonNode v = thread(name).get("blockedNanos").get(reason);
        return v == null ? 0 : v.asLong();
    }

    @Test
    void aThreadSleeping200msShowsAbout200msOfSleepEndedByATimer() {
        assertThat(blocked("sleeper", "sleep")).isBetween(199 * MS, 600 * MS);
        assertThat(thread("sleeper").get("wokenBy").get("timer").asLong()).isEqualTo(1);
        assertThat(thread("sleeper").get("runningNanos").asLong()).isLessThan(blocked("sleeper", "sleep"));
        assertThat(thread("sleeper").get("virtual").asBoolean()).isFalse();
    }

    @Test
    void aThreadIsRunningFromItsFirstInstructionNotFromItsFirstTracedCall() {
        // it spins 200 ms before its first traced call (a sleep): that is running, not waiting to run
        assertThat(thread("spinner").get("runningNanos").asLong()).isGreaterThanOrEqualTo(200 * MS);
        assertThat(thread("spinner").get("runnableNanos").asLong()).isLessThan(thread("spinner").get("runningNanos").asLong());
    }

    @Test
    void aLockHeld50msShowsTheWaiterBlockedOnTheLockWokenByTheHolder() {
        assertThat(blocked("lock-waiter", "lock")).isBetween(49 * MS, 600 * MS);
        assertThat(thread("lock-waiter").get("wokenBy").get(Long.toString(id("lock-holder")))).isNotNull();
    }

    @Test
    void aPlatformThreadsSocketReadIsNativeTimeNamedByItsCall() throws Exception {
        JsonNode reader = thread("socket-reader");
        long inReads = 0;
        long since = -1;
        for (JsonNode e : dump()) {
            if (e.get("thread").asLong() == reader.get("threadId").asLong()) {
                if (e.get("type").asText().equals("NATIVE_BEGIN")) {
                    since = e.get("args").get("what").asText().equals("socket read") ? e.get("time").asLong() : -1;
                } else if (e.get("type").asText().equals("NATIVE_END") && since >= 0) {
                    inReads += e.get("time").asLong() - since;
                    since = -1;
                }
            }
        }
        assertThat(inReads).as("it waited for the answer").isPositive();
        assertThat(reader.get("nativeByCall").get("socket read").asLong()).as("the raw events' socket read spans")
                .isEqualTo(inReads);
        assertThat(reader.get("counts").get("nativeByCall").get("socket read").asLong()).isEqualTo(1);
        assertThat(thread("answerer").get("nativeByCall").get("socket accept")).isNotNull();
        CliRun text = CliRun.of("threads", trace.toString());
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out().lines().filter(l -> l.contains("socket-reader")).findFirst().orElseThrow())
                .contains("| socket read ");
    }

    private static List<String> names(JsonNode threadsJson) {
        List<String> names = new ArrayList<>();
        threadsJson.forEach(t -> names.add(t.get("name").asText()));
        return names;
    }

    @Test
    void theTracersOwnThreadsAndFlightRecordersAreLeftOutUnlessAsked() throws Exception {
        assertThat(names(threads)).isNotEmpty().noneMatch(n -> n.startsWith("JFR ") || n.startsWith("jtrace-"));
        CliRun all = CliRun.of("threads", "--json", "--tracer-threads", trace.toString());
        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(names(JSON.readTree(all.out()))).contains("JFR Periodic Tasks").containsAll(names(threads));
        CliRun wakeups = CliRun.of("wakeups", "--json", "--threads", trace.toString());
        assertThat(wakeups.exitCode()).as(wakeups.err()).isZero();
        assertThat(wakeups.out()).doesNotContain("JFR ").contains("lock-waiter");
        CliRun allWakeups = CliRun.of("wakeups", "--json", "--threads", "--tracer-threads", trace.toString());
        assertThat(allWakeups.out()).contains("JFR Periodic Tasks");
    }

    @Test
    void theCarrierRanItsVirtualThreadsForTheirRunningTimeAndWasIdleOtherwise() throws Exception {
        CliRun run = CliRun.of("threads", "--carriers", "--json", trace.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode carriers = JSON.readTree(run.out());
        assertThat(carriers).as("one carrier: the test runs with parallelism 1").hasSize(1);
        JsonNode carrier = carriers.get(0);
        long virtualRunning = 0;
        for (JsonNode t : threads) {
            if (t.get("virtual").asBoolean()) {
                virtualRunning += t.get("runningNanos").asLong();
            }
        }
        long mounted = carrier.get("mountedNanos").asLong();
        assertThat(virtualRunning).isGreaterThan(200 * MS); // 20 runners spin 10 ms each
        // a virtual thread runs only while mounted; it stays mounted a little after it blocks
        assertThat(mounted).as("mounted time covers the virtual threads' running time").isGreaterThanOrEqualTo(virtualRunning);
        assertThat(mounted).as("and is the carrier's MOUNT to UNMOUNT spans in the raw events").isEqualTo(mountedInDump(carrier));
        assertThat(carrier.get("idleNanos").asLong()).as("ForkJoinPool's own waits for work").isGreaterThan(0);
        assertThat(thread(carrier.get("name").asText()).get("blockedNanos").get("idle").asLong())
                .isEqualTo(carrier.get("idleNanos").asLong());
        assertThat(carrier.get("longest").get(0).get("name").asText()).startsWith("runner-");
        CliRun text = CliRun.of("threads", "--carriers", trace.toString());
        assertThat(text.out()).contains("RUNNING VIRTUAL THREADS").contains(carrier.get("name").asText());
    }

    private static List<JsonNode> dumped;

    /** Every event of the trace, from {@code dump --json}: what the analyses' answers must agree with. */
    private static synchronized List<JsonNode> dump() throws Exception {
        if (dumped == null) {
            CliRun dump = CliRun.of("dump", "--json", trace.toString());
            assertThat(dump.exitCode()).as(dump.err()).isZero();
            List<JsonNode> events = new ArrayList<>();
            for (String line : dump.out().lines().toList()) {
                events.add(JSON.readTree(line));
            }
            dumped = events;
        }
        return dumped;
    }

    /**
     * The sum of {@code carrier}'s mounted spans, from {@code dump --json}, by docs/format.md's
     * rule: a span runs from a MOUNT to the UNMOUNT, or to the mounted thread's BLOCK if the
     * carrier mounts again (or the trace ends) before that thread's RUN.
     */
    private static long mountedInDump(JsonNode carrier) throws Exception {
        long id = carrier.get("threadId").asLong();
        long sum = 0;
        long since = -1;
        long vthread = 0;
        long blockedAt = -1;
        for (JsonNode e : dump()) {
            long thread = e.get("thread").asLong();
            String type = e.get("type").asText();
            if (thread == id && (type.equals("MOUNT") || type.equals("UNMOUNT"))) {
                if (since >= 0) {
                    sum += (type.equals("UNMOUNT") ? e.get("time").asLong() : blockedAt) - since;
                    assertThat(type.equals("UNMOUNT") || blockedAt >= 0).as("a MOUNT while the last thread runs").isTrue();
                }
                since = type.equals("MOUNT") ? e.get("time").asLong() : -1;
                vthread = type.equals("MOUNT") ? e.get("args").get("vthread").asLong() : 0;
                blockedAt = -1;
            } else if (since >= 0 && thread == vthread && type.equals("BLOCK")) {
                blockedAt = e.get("time").asLong();
            } else if (since >= 0 && thread == vthread && type.equals("RUN")) {
                blockedAt = -1; // it never left the carrier
            }
        }
        if (since >= 0) {
            assertThat(blockedAt).as("every mount ended by the end").isNotNegative();
            sum += blockedAt - since;
        }
        return sum;
    }

    @Test
    void anApplicationsOwnFlightRecorderThreadsStayTheApplications() throws Exception {
        Path withJfr = dir.resolve("app-jfr.jtrace");
        CliRun run = CliRun.of("record", "-o", withJfr.toString(), "--",
                "-XX:StartFlightRecording=filename=" + dir.resolve("app.jfr"),
                "-cp", System.getProperty("java.class.path"), GcWorkload.class.getName());
        assertThat(run.exitCode()).as(run.err()).isZero();
        CliRun t = CliRun.of("threads", "--json", withJfr.toString());
        assertThat(t.exitCode()).as(t.err()).isZero();
        assertThat(names(JSON.readTree(t.out()))).contains("JFR Periodic Tasks").noneMatch(n -> n.startsWith("jtrace-"));
    }

    @Test
    void aContendedSynchronizedIsCarvedFromTheLateEventsWithThePreviousOwnerAsWaker() {
        assertThat(blocked("monitor-waiter", "monitor")).isBetween(45 * MS, 600 * MS);
        assertThat(thread("monitor-waiter").get("wokenBy").get(Long.toString(id("monitor-holder")))).isNotNull();
    }

    @Test
    void anObjectWaitIsEndedByItsNotifierFromTheLateEvents() {
        assertThat(blocked("notified", "wait")).isGreaterThanOrEqualTo(29 * MS);
        assertThat(thread("notified").get("wokenBy").get(Long.toString(id("main")))).as(thread("notified").toString())
                .isNotNull();
    }

    @Test
    void threadsAreGroupedByNamePatternOrEntryMethod() {
        assertThat(thread("stage-1").get("group").asText()).isEqualTo("stage-#");
        assertThat(thread("runner-7").get("group").asText()).isEqualTo("runner-#");
        assertThat(thread("runner-7").get("virtual").asBoolean()).isTrue();
        assertThat(thread("main").get("group").asText()).isEqualTo(KnownAnswers.class.getName() + ".main");
        assertThat(thread("sleeper").get("group").asText()).startsWith(KnownAnswers.class.getName() + ".lambda$main$");
        CliRun groups = CliRun.of("threads", "--groups", "--json", trace.toString());
        assertThat(groups.exitCode()).isZero();
        List<String> names = new ArrayList<>();
        JsonNode runners = null;
        for (JsonNode g : readJson(groups.out())) {
            names.add(g.get("group").asText());
            if (g.get("group").asText().equals("runner-#")) {
                runners = g;
            }
        }
        assertThat(names).contains("stage-#", KnownAnswers.class.getName() + ".main");
        assertThat(runners).isNotNull();
        assertThat(runners.get("threads").asInt()).isEqualTo(20);
    }

    @Test
    void threadsSortAndPrintATable() {
        CliRun sorted = CliRun.of("threads", "--sort=blocked", "--json", trace.toString());
        long previous = Long.MAX_VALUE;
        for (JsonNode t : readJson(sorted.out())) {
            long b = 0;
            for (JsonNode v : t.get("blockedNanos")) {
                b += v.asLong();
            }
            assertThat(b).isLessThanOrEqualTo(previous);
            previous = b;
        }
        CliRun text = CliRun.of("threads", "--sort=name", trace.toString());
        assertThat(text.exitCode()).isZero();
        assertThat(text.outLines()[1]).contains("NAME", "GROUP", "RUNNING", "RUNNABLE", "BLOCKED", "NATIVE");
        assertThat(text.out()).containsPattern("sleeper .* sleep 2\\d\\d\\.\\d{3}ms");
    }

    @Test
    void aTaskOverTwoThreadsHasTheSumOfBothThreadsTime() {
        JsonNode order = byType(CliRun.of("tasks", "--json", trace.toString()), "order");
        assertThat(order.get("count").asLong()).isEqualTo(1);
        assertThat(order.get("p50Nanos").asLong()).isGreaterThanOrEqualTo(100 * MS);
        JsonNode slowest = order.get("slowest").get(0);
        List<Long> workers = new ArrayList<>();
        slowest.get("threads").forEach(t -> workers.add(t.asLong()));
        assertThat(workers).containsExactlyInAnyOrder(id("stage-1"), id("stage-2"));
        assertThat(slowest.get("endThread").asLong()).isEqualTo(id("stage-2"));
        long sleep = slowest.get("breakdown").get("blockedNanos").get("sleep").asLong();
        assertThat(sleep).isEqualTo(blocked("stage-1", "sleep") + blocked("stage-2", "sleep"));
        assertThat(sleep).isBetween(99 * MS, 800 * MS);
        assertThat(slowest.get("breakdown").get("counts").get("blocked").get("sleep").asLong()).isEqualTo(2);

        CliRun text = CliRun.of("tasks", trace.toString());
        assertThat(text.out()).contains("task \"order\": 1 finished", "threads: T" + id("stage-1") + " stage-1, T"
                + id("stage-2") + " stage-2");
    }

    @Test
    void regionsHaveLatenciesAndTheirTimeByState() {
        CliRun run = CliRun.of("regions", "--json", trace.toString());
        JsonNode reply = byType(run, "await-reply");
        assertThat(reply.get("count").asLong()).isEqualTo(1);
        assertThat(reply.get("p50Nanos").asLong()).isBetween(29 * MS, 600 * MS);
        assertThat(reply.get("maxNanos").asLong()).isEqualTo(reply.get("p50Nanos").asLong());
        assertThat(reply.get("breakdown").get("blockedNanos").get("park").asLong()).isBetween(29 * MS, 600 * MS);
        assertThat(reply.get("slowest").get(0).get("thread").asLong()).isEqualTo(id("region-thread"));
        JsonNode runner = byType(run, "runner");
        assertThat(runner.get("count").asLong()).isEqualTo(20);
        assertThat(runner.get("maxNanos").asLong()).isGreaterThanOrEqualTo(runner.get("p90Nanos").asLong())
                .isGreaterThanOrEqualTo(20 * 10 * MS); // the last runner waited for the 19 before it
        assertThat(CliRun.of("regions", trace.toString()).out()).contains("region \"await-reply\": 1 finished",
                "on T" + id("region-thread") + " region-thread");
    }

    @Test
    void aRegionWrappingA30msParkIsInTheRegionsSyncProfile() throws Exception {
        Path out = dir.resolve("reply.pb.gz");
        CliRun run = CliRun.of("pprof", "--kind=sync", "--region=await-reply", "-o", out.toString(), "--json", trace.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode summary = JSON.readTree(run.out());
        assertThat(summary.get("count").asLong()).isEqualTo(1);
        assertThat(summary.get("nanos").asLong()).isBetween(29 * MS, 600 * MS);
        String top = GoPprof.run(out, "-top");
        assertThat(top).contains("Type: delay");
        assertThat(GoPprof.top(top).get(0).function()).isEqualTo("java.util.concurrent.locks.LockSupport.parkNanos");

        Path none = dir.resolve("none.pb.gz");
        CliRun empty = CliRun.of("pprof", "--kind=sync", "--region=no-such-region", "-o", none.toString(), "--json",
                trace.toString());
        assertThat(JSON.readTree(empty.out()).get("count").asLong()).isZero();
    }

    @Test
    void eachProfileKindOpensInGoToolPprofWithTheExpectedTopFrame() throws Exception {
        assertTop("sleep", null, "java.lang.Thread.sleep");
        assertTop("io", null, "sun.nio.ch.NioSocketImpl.implRead");
        assertTop("native", null, "sun.nio.ch.NioSocketImpl.implRead");
        assertTop("sync", "await-reply", "java.util.concurrent.locks.LockSupport.parkNanos");
        // each runner was made runnable by the one before it, releasing the latch's next waiter
        assertTop("sched", "runner", "java.util.concurrent.locks.LockSupport.unpark");
    }

    @Test
    void profilesCarryCountsAsASecondSampleType() throws Exception {
        Path out = dir.resolve("sched.pb.gz");
        assertThat(CliRun.of("pprof", "--kind=sched", "--region=runner", "-o", out.toString(), trace.toString()).exitCode())
                .isZero();
        String counts = GoPprof.run(out, "-top", "-sample_index=contentions");
        assertThat(counts).contains("Type: contentions");
        // each of the 20 runners was made runnable once by an unpark (a runner may also yield, with no stack)
        assertThat(GoPprof.top(counts)).contains(new GoPprof.Row("20", "java.util.concurrent.locks.LockSupport.unpark"));
        String delay = GoPprof.run(out, "-top", "-sample_index=delay", "-unit=ms");
        assertThat(delay).contains("Type: delay");
    }

    @Test
    void taskFilteredProfileHoldsOnlyTheTasksTime() throws Exception {
        Path out = dir.resolve("order.pb.gz");
        CliRun run = CliRun.of("pprof", "--kind=sleep", "--task=order", "-o", out.toString(), "--json", trace.toString());
        JsonNode summary = JSON.readTree(run.out());
        assertThat(summary.get("count").asLong()).isEqualTo(2);
        assertThat(summary.get("nanos").asLong()).isEqualTo(blocked("stage-1", "sleep") + blocked("stage-2", "sleep"));
    }

    @Test
    void badInputIsOneLineAndNonZero() {
        CliRun kind = CliRun.of("pprof", "--kind=bogus", "-o", dir.resolve("x.pb.gz").toString(), trace.toString());
        assertThat(kind.exitCode()).as("bad usage").isEqualTo(2);
        assertThat(kind.err().strip()).isEqualTo("jtrace: unknown profile kind \"bogus\" (expected sync, io, native, sleep or sched)");
        CliRun sort = CliRun.of("threads", "--sort=speed", trace.toString());
        assertThat(sort.exitCode()).isEqualTo(2);
        assertThat(sort.err().strip()).startsWith("jtrace: unknown --sort key \"speed\"").doesNotContain("\n");
        CliRun missing = CliRun.of("tasks", dir.resolve("missing.jtrace").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err().strip()).isEqualTo("jtrace: no such file: " + dir.resolve("missing.jtrace"));
        CliRun noOutput = CliRun.of("pprof", "--kind=sync", trace.toString());
        assertThat(noOutput.exitCode()).isEqualTo(2);
        CliRun both = CliRun.of("threads", "--carriers", "--groups", trace.toString());
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err().strip()).isEqualTo("jtrace: --carriers and --groups exclude each other");
        CliRun windows = CliRun.of("mmu", "--windows", "bogus", trace.toString());
        assertThat(windows.exitCode()).isEqualTo(2);
        assertThat(windows.err().strip()).startsWith("jtrace: ").doesNotContain("\n");
    }

    @Test
    void aDirectoryOrAPipeIsRefusedWithItsNameAndNothingWaits() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("a-directory"));
        Path fifo = dir.resolve("a-fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mk.waitFor()).isZero();
        for (String cmd : List.of("stats", "threads", "wakeups", "mmu", "dump")) {
            CliRun d = CliRun.of(cmd, sub.toString());
            assertThat(d.exitCode()).as(cmd).isEqualTo(1);
            assertThat(d.err().strip()).isEqualTo("jtrace: " + sub + ": is a directory, not a trace file");
            // a FIFO nobody writes to: opening it for reading would block for ever
            CliRun f = CliRun.of(cmd, fifo.toString());
            assertThat(f.exitCode()).as(cmd).isEqualTo(1);
            assertThat(f.err().strip()).isEqualTo("jtrace: " + fifo
                    + ": not a regular file (a pipe or device): save the trace to a file first");
        }
    }

    @Test
    void aFileThatIsNotATraceIsOneLine() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.jtrace"), "hello");
        for (String cmd : List.of("threads", "tasks", "regions")) {
            CliRun run = CliRun.of(cmd, junk.toString());
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().strip()).startsWith("jtrace: " + junk + ": not a valid trace").doesNotContain("\n");
        }
    }

    private static void assertTop(String kind, String region, String expected) throws Exception {
        Path out = dir.resolve(kind + (region == null ? "" : "-" + region) + ".pb.gz");
        List<String> args = new ArrayList<>(List.of("pprof", "--kind=" + kind, "-o", out.toString()));
        if (region != null) {
            args.add("--region=" + region);
        }
        args.add(trace.toString());
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<GoPprof.Row> rows = GoPprof.top(GoPprof.run(out, "-top"));
        assertThat(rows).as(kind).isNotEmpty();
        assertThat(rows.get(0).function()).as(kind + " profile's top frame").startsWith(expected);
    }

    private static JsonNode byType(CliRun run, String type) {
        assertThat(run.exitCode()).as(run.err()).isZero();
        for (JsonNode t : readJson(run.out())) {
            if (t.get("type").asText().equals(type)) {
                return t;
            }
        }
        throw new AssertionError("no type " + type + " in " + run.out());
    }

    private static JsonNode readJson(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
