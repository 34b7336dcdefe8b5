package io.jtrace.agent.it;

import io.jtrace.agent.it.RecordedTrace.Ev;
import io.jtrace.agent.it.workloads.Deterministic;
import io.jtrace.agent.it.workloads.Handoffs;
import io.jtrace.agent.it.workloads.LockContention;
import io.jtrace.agent.it.workloads.ManyNewStacks;
import io.jtrace.agent.it.workloads.MonitorAtExit;
import io.jtrace.agent.it.workloads.SleepThenExit;
import io.jtrace.agent.it.workloads.ManyVirtualThreads;
import io.jtrace.agent.it.workloads.Monitors;
import io.jtrace.agent.it.workloads.PermitParks;
import io.jtrace.agent.it.workloads.PinnedPark;
import io.jtrace.agent.it.workloads.PooledBorrowers;
import io.jtrace.agent.it.workloads.SocketsAndFiles;
import io.jtrace.format.BlockReason;
import io.jtrace.format.EventType;
import io.jtrace.format.StackFrame;
import io.jtrace.format.UnmountReason;
import io.jtrace.format.WakerKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Unmodified programs run with -javaagent in a child JVM; the trace says who blocked, why, where, and who woke them. */
class AgentEndToEndIT {
    @TempDir
    Path dir;

    private RecordedTrace recordCleanly(Class<?> workload, String... args) throws Exception {
        return recordCleanly(List.of(), "", workload, args);
    }

    private RecordedTrace recordCleanly(List<String> jvmOptions, String options, Class<?> workload, String... args)
            throws Exception {
        AgentRun run = AgentRun.withAgent(dir, jvmOptions, options, workload, args);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        return recordedCleanly(run);
    }

    /** The trace of {@code run}: complete, nothing lost, no validation error, no line of the agent's. */
    private static RecordedTrace recordedCleanly(AgentRun run) throws java.io.IOException {
        assertThat(run.stderr()).doesNotContain("jtrace:");
        RecordedTrace t = run.read();
        assertThat(t.truncated).isFalse();
        assertThat(t.lost).isZero();
        assertThat(t.errors).as("validation errors").isEmpty();
        return t;
    }

    @ParameterizedTest
    @ValueSource(strings = {"platform", "virtual"})
    void aContendedReentrantLockIsABlockWokenByTheThreadThatUnlocked(String kind) throws Exception {
        RecordedTrace t = recordCleanly(LockContention.class, kind);
        long waiter = t.thread("waiter");
        long holder = t.thread("holder");
        List<Ev> blocks = t.of(EventType.BLOCK, waiter).stream().filter(e -> e.reason() == BlockReason.LOCK).toList();
        assertThat(blocks).hasSize(1);
        Ev block = blocks.get(0);
        assertThat(block.stack().get(0).className()).isEqualTo("java.util.concurrent.locks.LockSupport");
        assertThat(block.stack()).anyMatch(f -> f.className().equals("java.util.concurrent.locks.ReentrantLock")
                && f.methodName().equals("lock"));
        assertThat(block.firstAppFrame().className()).isEqualTo(LockContention.class.getName());
        Ev unblock = t.unblocksOf(waiter).stream().filter(e -> e.event().time() > block.event().time()).findFirst().orElseThrow();
        if (unblock.waker() == WakerKind.THREAD) {
            // the unlock's unpark came before the waiter's park (it was descheduled in between,
            // under load): the park consumed the permit the holder left, and says whose it was
            assertThat(unblock.arg("wakerThread")).as("the waker is the thread that unlocked").isEqualTo(holder);
        } else {
            assertThat(unblock.waker()).isEqualTo(WakerKind.CURRENT);
            assertThat(unblock.thread()).as("the waker is the thread that unlocked").isEqualTo(holder);
            assertThat(unblock.stack()).anyMatch(f -> f.className().equals("java.util.concurrent.locks.ReentrantLock")
                    && f.methodName().equals("unlock"));
        }
        if (kind.equals("virtual")) {
            assertThat(t.unmounts().stream().filter(u -> u.vthread() == waiter).map(RecordedTrace.Unmount::reason))
                    .contains(UnmountReason.BLOCK, UnmountReason.END);
        }
    }

    @Test
    void queuesFuturesWaitSleepAndJoinHaveTheirReasonsAndWakers() throws Exception {
        handoffs(recordCleanly(Handoffs.class));
    }

    /**
     * As {@code ./jtrace record} launches it (-XX:+PreserveFramePointer: the fp tier): the same
     * answers, times included, and the JVM's own events, timed by its own clock, still fall on the
     * waits they end.
     */
    @Test
    void theSameAnswersAsRecordLaunchesIt() throws Exception {
        handoffs(recordCleanly(List.of("-XX:+PreserveFramePointer"), "", Handoffs.class));
    }

    private static void handoffs(RecordedTrace t) {
        long consumer = t.thread("consumer");
        Ev take = only(live(t.of(EventType.BLOCK, consumer)));
        assertThat(take.reason()).isEqualTo(BlockReason.QUEUE);
        assertThat(take.firstAppFrame().methodName()).startsWith("lambda$main");
        assertThat(only(live(t.unblocksOf(consumer))).thread()).isEqualTo(t.thread("producer"));

        long getter = t.thread("getter");
        Ev get = only(live(t.of(EventType.BLOCK, getter)));
        assertThat(get.reason()).isEqualTo(BlockReason.FUTURE);
        Ev completed = only(live(t.unblocksOf(getter)));
        assertThat(completed.thread()).isEqualTo(t.thread("completer"));
        assertThat(completed.stack()).anyMatch(f -> f.methodName().equals("complete"));

        long notified = t.thread("notified");
        Ev wait = only(live(t.of(EventType.BLOCK, notified)));
        assertThat(wait.reason()).isEqualTo(BlockReason.WAIT);
        List<Ev> woken = t.unblocksOf(notified);
        assertThat(woken.stream().filter(e -> !e.event().late()).map(Ev::waker)).as("Java hooks cannot see notify")
                .containsExactly(WakerKind.UNKNOWN);
        assertThat(woken.stream().filter(e -> e.event().late()).map(e -> e.arg("wakerThread")))
                .as("the JVM's event stream names the notifier when it delivers in time").containsAnyOf(t.thread("main"));

        long sleeper = t.thread("sleeper");
        Ev sleep = only(live(t.of(EventType.BLOCK, sleeper)));
        assertThat(sleep.reason()).isEqualTo(BlockReason.SLEEP);
        Ev woke = only(live(t.unblocksOf(sleeper)));
        assertThat(woke.waker()).isEqualTo(WakerKind.TIMER);
        assertThat(woke.event().time() - sleep.event().time()).isGreaterThanOrEqualTo(40_000_000L)
                .as("a clock on the wrong scale").isLessThan(5_000_000_000L);

        long dozer = t.thread("dozer");
        Ev interrupted = only(live(t.unblocksOf(dozer)));
        assertThat(interrupted.waker()).isEqualTo(WakerKind.CURRENT);
        assertThat(interrupted.thread()).as("the interrupting thread is the waker").isEqualTo(t.thread("main"));
        assertThat(interrupted.stack()).anyMatch(f -> f.className().equals("java.lang.Thread") && f.methodName().equals("interrupt"));

        long main = t.thread("main");
        assertThat(t.of(EventType.BLOCK, main).stream().map(Ev::reason)).contains(BlockReason.JOIN);
        assertThat(t.of(EventType.THREAD_CREATE, main).stream().map(e -> e.arg("newThread"))).contains(consumer, sleeper);
        assertThat(t.of(EventType.THREAD_END, sleeper)).hasSize(1);
    }

    @Test
    void aPlatformThreadBlockedOnSynchronizedIsReportedByTheJvmWithThePreviousOwnerAsWaker() throws Exception {
        RecordedTrace t = recordCleanly(Monitors.class, "platform");
        long waiter = t.thread("waiter");
        List<Ev> monitorBlocks = t.of(EventType.BLOCK, waiter).stream().filter(e -> e.reason() == BlockReason.MONITOR).toList();
        // a loaded machine can make "waiter" contend for a class loader's or a stream's lock as
        // well (the JVM reports those too): the block asked about is the one on the Object
        List<Ev> onTheObject = monitorBlocks.stream().filter(e -> e.gen().string(e.arg("blocker")).equals("java.lang.Object")).toList();
        assertThat(onTheObject).as("waiter's monitor blocks on java.lang.Object, of all its monitor blocks: %s",
                monitorBlocks.stream().map(e -> e.gen().string(e.arg("blocker")) + " at " + e.stack().get(0).className() + "."
                        + e.stack().get(0).methodName()).toList()).hasSize(1);
        Ev block = onTheObject.get(0);
        assertThat(block.event().late()).as("JFR reports it after the fact").isTrue();
        assertThat(block.stack().get(0).className()).isEqualTo(Monitors.class.getName());
        Ev unblock = t.unblocksOf(waiter).stream().filter(e -> e.event().late() && e.event().time() > block.event().time())
                .findFirst().orElseThrow();
        assertThat(unblock.waker()).isEqualTo(WakerKind.THREAD);
        assertThat(unblock.arg("wakerThread")).isEqualTo(t.thread("holder"));
        assertThat(unblock.event().time() - block.event().time()).isGreaterThan(20_000_000L);
        assertThat(t.of(EventType.GC_BEGIN)).isNotEmpty().allMatch(e -> e.event().late());
        assertThat(t.of(EventType.GC_END)).hasSameSizeAs(t.of(EventType.GC_BEGIN));
    }

    /**
     * Virtual threads that contend for the tracer's own table locks while writing an event stay
     * on their carriers (JDK 24+ would unmount them), and a platform thread's contention for them,
     * which the JVM reports after the fact, is left out: the tracer's lock is never the
     * application's block, and no thread blocks twice or unmounts while running.
     */
    @ParameterizedTest
    @ValueSource(strings = {"fast", "fp"})
    void theTracersOwnLocksNeverUnmountAVirtualThread(String tier) throws Exception {
        List<String> jvm = tier.equals("fp") ? List.of("-XX:+PreserveFramePointer") : List.of();
        RecordedTrace t = recordCleanly(jvm, "period=10ms", ManyNewStacks.class);
        List<Ev> blocks = t.of(EventType.BLOCK);
        assertThat(blocks).hasSizeGreaterThan(64 * 400);
        List<String> inTracer = blocks.stream().filter(b -> b.stack().stream().anyMatch(AgentEndToEndIT::isTracerFrame))
                .map(b -> b + " reason " + b.reason() + ": " + b.stack().stream().limit(12)
                        .map(f -> f.className() + "." + f.methodName()).toList())
                .toList();
        assertThat(inTracer).as("blocks in the tracer's own code").isEmpty();
    }

    private static boolean isTracerFrame(StackFrame f) {
        return f.className().startsWith("io.jtrace.") && !f.className().startsWith("io.jtrace.agent.it.");
    }

    @Test
    void virtualThreadsBlockedOnSynchronizedOrWaitUnmountAndTheWakerIsUnknown() throws Exception {
        RecordedTrace t = recordCleanly(Monitors.class, "virtual");
        long waiter = t.thread("waiter");
        Ev block = only(t.of(EventType.BLOCK, waiter).stream().filter(e -> e.reason() == BlockReason.MONITOR).toList());
        assertThat(block.event().late()).isFalse();
        assertThat(block.stack().get(0).className()).as("walked from the frozen continuation at unmount")
                .isEqualTo(Monitors.class.getName());
        assertThat(t.unblocksOf(waiter).stream().filter(e -> e.event().time() > block.event().time()).findFirst().orElseThrow()
                .waker()).as("Java-level hooks cannot see who left the monitor; never the unblocker thread")
                .isEqualTo(WakerKind.UNKNOWN);
        long waiting = t.thread("vwaiting");
        Ev wait = t.of(EventType.BLOCK, waiting).stream().filter(e -> e.reason() == BlockReason.WAIT).findFirst().orElseThrow();
        assertThat(wait.stack()).anyMatch(f -> f.className().equals("java.lang.Object") && f.methodName().equals("wait"));
        assertThat(t.unblocksOf(waiting)).isNotEmpty();
    }

    @Test
    void platformThreadsWaitOnSocketsAndFilesInNativeCalls() throws Exception {
        RecordedTrace t = recordCleanly(SocketsAndFiles.class, "platform");
        long server = t.thread("server");
        List<Ev> natives = t.of(EventType.NATIVE_BEGIN, server);
        Ev accept = natives.stream().filter(e -> e.gen().string(e.arg("what")).equals("socket accept")).findFirst().orElseThrow();
        Ev read = natives.stream().filter(e -> e.gen().string(e.arg("what")).equals("socket read")).findFirst().orElseThrow();
        assertThat(accept.firstAppFrame().className()).isEqualTo(SocketsAndFiles.class.getName());
        assertThat(nativeDuration(t, accept)).as("accept waits for the client's connect after 30 ms").isGreaterThan(20_000_000L);
        assertThat(nativeDuration(t, read)).as("read waits for the client's write after 30 ms").isGreaterThan(20_000_000L);
        assertThat(t.of(EventType.NATIVE_BEGIN, t.thread("reader")).stream().map(e -> e.gen().string(e.arg("what"))))
                .contains("file read");
    }

    @Test
    void virtualThreadsBlockOnSocketsAndTheNetworkWakesThem() throws Exception {
        RecordedTrace t = recordCleanly(SocketsAndFiles.class, "virtual");
        long server = t.thread("server");
        List<Ev> waits = t.of(EventType.BLOCK, server).stream().filter(e -> e.reason() == BlockReason.SOCKET).toList();
        assertThat(waits).hasSizeGreaterThanOrEqualTo(2); // accept, then read
        assertThat(waits.get(0).firstAppFrame().className()).isEqualTo(SocketsAndFiles.class.getName());
        for (Ev wait : waits) {
            Ev woken = t.unblocksOf(server).stream().filter(e -> e.event().time() >= wait.event().time()).findFirst().orElseThrow();
            assertThat(woken.waker()).as("the poller thread must not stand for the waker").isEqualTo(WakerKind.UNKNOWN);
        }
    }

    @Test
    void aVirtualThreadsParkThatReturnsAtOnceIsNoBlock() throws Exception {
        RecordedTrace t = recordCleanly(PermitParks.class, "virtual");
        long parker = t.thread("parker");
        Ev park = only(parksIn(t, PermitParks.class, parker));
        assertThat(park.firstAppFrame().methodName()).as("the park with a permit and the interrupted one are no blocks")
                .isEqualTo("untilUnparked");
        Ev woken = t.unblocksOf(parker).stream().filter(e -> e.event().time() >= park.event().time()).findFirst().orElseThrow();
        assertThat(woken.waker()).isEqualTo(WakerKind.CURRENT);
        assertThat(woken.thread()).isEqualTo(t.thread("main"));
        assertThat(woken.event().time() - park.event().time()).isGreaterThanOrEqualTo(30_000_000L);
    }

    @Test
    void aPinnedParkKeepsItsCarrierAndAFreeOneLeavesItAtItsBlock() throws Exception {
        RecordedTrace t = recordCleanly(PinnedPark.class);
        long pinned = t.thread("pinned");
        long free = t.thread("free");
        Ev pinnedPark = only(parksIn(t, PinnedPark.SlowToInitialize.class, pinned));
        Ev freePark = only(parksIn(t, PinnedPark.class, free));
        assertThat(t.of(EventType.RUN, pinned)).as("the pinned thread runs again without a MOUNT").isNotEmpty();
        assertThat(t.unmounts().stream().filter(u -> u.vthread() == pinned).map(RecordedTrace.Unmount::reason))
                .as("it leaves its carrier only when it ends").containsExactly(UnmountReason.END);
        assertThat(t.unmounts().stream().filter(u -> u.vthread() == free))
                .as("the free one leaves at its BLOCK, then ends").extracting(RecordedTrace.Unmount::reason)
                .containsExactly(UnmountReason.BLOCK, UnmountReason.END);
        assertThat(t.unmounts().stream().filter(u -> u.vthread() == free).findFirst().orElseThrow().time())
                .isEqualTo(freePark.event().time());

        // the analyses' carrier view: the pinned thread held its carrier through its park, the
        // free one did not (intervals, not sums: a loaded machine may deschedule a carrier)
        Map<Long, List<long[]>> mountedSpans = new HashMap<>();
        io.jtrace.analysis.timeline.Timeline.read(dir.resolve(PinnedPark.class.getSimpleName() + ".jtrace"), new io.jtrace.analysis.timeline.TimelineListener() {
            @Override
            public void mounted(long carrier, long vthread, long start, long end) {
                mountedSpans.computeIfAbsent(vthread, k -> new java.util.ArrayList<>()).add(new long[] {start, end});
            }
        });
        long pinnedAt = pinnedPark.event().time();
        assertThat(mountedSpans.get(pinned)).as("one mounted span covers the pinned park's 50 ms")
                .anyMatch(span -> span[0] <= pinnedAt && span[1] >= pinnedAt + 50_000_000L);
        long freeAt = freePark.event().time();
        assertThat(mountedSpans.get(free)).as("a mounted span ends at the free park's BLOCK")
                .anyMatch(span -> span[1] == freeAt)
                .noneMatch(span -> span[0] < freeAt && span[1] > freeAt);
    }

    @Test
    void aPlatformThreadsParksAreAllRecordedThoseThatReturnAtOnceAsZeroLengthBlocks() throws Exception {
        // a platform thread's permit is inside the VM: its parks are written as they come
        RecordedTrace t = recordCleanly(PermitParks.class, "platform");
        long parker = t.thread("parker");
        assertThat(parksIn(t, PermitParks.class, parker).stream().map(e -> e.firstAppFrame().methodName()))
                .containsExactly("withPermit", "interrupted", "untilUnparked");
    }

    /** {@code thread}'s blocks whose first application frame is in {@code workload} (the JDK may park it elsewhere too). */
    private static List<Ev> parksIn(RecordedTrace t, Class<?> workload, long thread) {
        return t.of(EventType.BLOCK, thread).stream()
                .filter(e -> e.firstAppFrame() != null && e.firstAppFrame().className().equals(workload.getName())).toList();
    }

    private static long nativeDuration(RecordedTrace t, Ev begin) {
        return t.of(EventType.NATIVE_END, begin.thread()).stream().mapToLong(e -> e.event().time())
                .filter(time -> time >= begin.event().time()).min().orElseThrow() - begin.event().time();
    }

    @Test
    void tenThousandVirtualThreadsBlockingAFewTimesBalanceExactly() throws Exception {
        RecordedTrace t = recordCleanly(ManyVirtualThreads.class, "10000");
        Map<Long, int[]> perThread = new HashMap<>(); // mounts, unmounts, blocks, unblocks
        for (Ev e : t.events) {
            switch (e.type()) {
                case MOUNT -> perThread.computeIfAbsent(e.arg("vthread"), k -> new int[4])[0]++;
                case BLOCK -> perThread.computeIfAbsent(e.thread(), k -> new int[4])[2]++;
                case UNBLOCK -> perThread.computeIfAbsent(e.arg("target"), k -> new int[4])[3]++;
                default -> { }
            }
        }
        for (RecordedTrace.Unmount u : t.unmounts()) { // written, or implied by a BLOCK (format version 4)
            perThread.computeIfAbsent(u.vthread(), k -> new int[4])[1]++;
        }
        long virtualThreads = t.threads.values().stream().filter(i -> i.virtual()).count();
        assertThat(virtualThreads).isGreaterThanOrEqualTo(10_000);
        long withTwoSleeps = 0;
        for (Map.Entry<Long, int[]> e : perThread.entrySet()) {
            if (t.threads.get(e.getKey()) == null || !t.threads.get(e.getKey()).virtual()) {
                continue; // platform threads of the JDK may have blocked before recording began
            }
            int[] c = e.getValue();
            assertThat(c[0]).as("mounts vs unmounts of T%d", e.getKey()).isEqualTo(c[1]);
            assertThat(c[2]).as("blocks vs unblocks of T%d", e.getKey()).isEqualTo(c[3]);
            if (c[2] >= 2) {
                withTwoSleeps++;
            }
        }
        assertThat(withTwoSleeps).isGreaterThanOrEqualTo(10_000);
    }

    @Test
    void fastAndSlowStacksAgreeOnEveryBlockingEvent() throws Exception {
        Map<String, java.util.Set<String>> byTier = new HashMap<>();
        for (String tier : List.of("fast", "slow")) {
            Path tierDir = java.nio.file.Files.createDirectory(dir.resolve(tier));
            AgentRun run = AgentRun.withAgent(tierDir, "stacks=" + tier, Handoffs.class);
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(run.stderr()).doesNotContain("jtrace:");
            java.util.Set<String> stacks = new java.util.TreeSet<>();
            RecordedTrace trace = run.read();
            // the blocks and wake-ups that happen in every run (main's joins may find a thread done);
            // not JDK threads: one already running a method of a class the agent retransformed
            // runs the old version, which has no line in the slow tier's view
            java.util.Set<Long> workers = new java.util.HashSet<>();
            for (String name : List.of("consumer", "producer", "getter", "completer", "notified", "sleeper")) {
                workers.add(trace.thread(name));
            }
            for (Ev e : trace.events) {
                if ((e.type() == EventType.BLOCK || e.type() == EventType.UNBLOCK) && !e.event().late()
                        && workers.contains(e.thread()) && !e.stack().isEmpty()) {
                    stacks.add(e.type() + " " + e.stack());
                }
            }
            byTier.put(tier, stacks);
        }
        assertThat(byTier.get("fast")).hasSizeGreaterThan(5).isEqualTo(byTier.get("slow"));
    }

    @Test
    void theApplicationPrintsAndExitsTheSameWithAndWithoutTheAgent() throws Exception {
        AgentRun plain = AgentRun.withoutAgent(dir, Deterministic.class);
        AgentRun traced = AgentRun.withAgent(dir, "", Deterministic.class);
        assertThat(plain.exitCode()).isEqualTo(3);
        assertThat(traced.exitCode()).isEqualTo(3);
        assertThat(traced.stdout()).isEqualTo(plain.stdout()).startsWith("results 200 sum ");
        assertThat(traced.read().errors).isEmpty();
    }

    /**
     * A real library's concurrency (Apache Commons Pool: borrowing with timeouts, interrupts, an
     * evictor, threads created and ended by the hundred, a thread pool whose workers time out)
     * validates with no error, and its waits say who or what ended them.
     */
    @Test
    void aRealPoolLibrarysBorrowsTimeoutsAndInterruptsValidate() throws Exception {
        AgentRun run = AgentRun.withAgent(dir, "", PooledBorrowers.class);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("starved timed out", "interrupted gave up", "done");
        RecordedTrace t = recordedCleanly(run);

        long starved = t.thread("starved");
        Ev wait = only(live(t.of(EventType.BLOCK, starved)).stream()
                .filter(e -> e.stack().stream().anyMatch(f -> f.methodName().equals("borrowObject"))).toList());
        assertThat(only(live(t.unblocksOf(starved)).stream()
                .filter(e -> e.event().time() > wait.event().time()).toList()).waker())
                .as("the borrow's wait timed out").isEqualTo(WakerKind.TIMER);

        long interrupted = t.thread("interrupted");
        Ev woken = only(live(t.unblocksOf(interrupted)));
        assertThat(woken.waker()).isEqualTo(WakerKind.CURRENT);
        assertThat(woken.thread()).as("main interrupted it").isEqualTo(t.thread("main"));
        assertThat(woken.stack()).anyMatch(f -> f.className().equals("java.lang.Thread") && f.methodName().equals("interrupt"));
    }

    @Test
    void badOptionsPrintOneLineAndTheApplicationRunsUntraced() throws Exception {
        AgentRun run = AgentRun.withAgent(dir, "period=soon", Deterministic.class);
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.stdout()).startsWith("results 200 sum ");
        assertThat(run.stderr().lines().filter(l -> l.startsWith("jtrace:")).toList())
                .containsExactly("jtrace: not tracing: option period=soon: expected a whole number of ms, s or m, such as 500ms, 1s or 1m; "
                        + "the agent also takes file=PATH, events=FAMILY+… and classcache=DIR|off");
        assertThat(run.trace()).doesNotExist();
    }

    /**
     * The JDK-event bridge starts a moment after the program, on its own thread: a program that
     * ends before it starts, while it starts, or once it runs exits as usual, says nothing of it
     * and leaves a clean trace (whichever of these a loaded machine makes each run).
     */
    @ParameterizedTest
    @ValueSource(strings = {"1", "250", "450", "700", "1500"})
    void aProgramEndingBeforeDuringOrAfterTheJdkEventBridgesStartExitsCleanly(String millis) throws Exception {
        AgentRun run = AgentRun.withAgent(dir, "", SleepThenExit.class, millis);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("done\n");
        assertThat(run.stderr().lines().filter(l -> l.startsWith("jtrace:")).toList()).as(run.stderr()).isEmpty();
        RecordedTrace t = run.read();
        assertThat(t.errors).isEmpty();
        assertThat(t.lost).isZero();
        Ev sleep = only(live(t.of(EventType.BLOCK, t.thread("main"))).stream()
                .filter(e -> e.reason() == BlockReason.SLEEP).toList());
        assertThat(sleep.stack()).anyMatch(f -> f.className().equals(SleepThenExit.class.getName()));
    }

    /**
     * The JVM reports a monitor block about a second after it; a program that ends right after
     * one still has it in its trace (Flight Recorder's exit, which runs beside the tracer's, must
     * not delete what the stream still has to read), and Flight Recorder's repository does not
     * stay behind in the temporary directory.
     */
    @Test
    void aMonitorBlockJustBeforeTheExitIsInTheTraceAndNothingStaysBehind() throws Exception {
        for (int run = 1; run <= 3; run++) {
            Path tmp = Files.createDirectories(dir.resolve("tmp-" + run));
            AgentRun r = AgentRun.withAgent(dir, List.of("-Djava.io.tmpdir=" + tmp), "", MonitorAtExit.class);
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            RecordedTrace t = r.read();
            assertThat(t.errors).isEmpty();
            // on the Object: under load the JVM may report other contended monitors of the thread too
            assertThat(t.of(EventType.BLOCK, t.thread("waiter")).stream().filter(e -> e.reason() == BlockReason.MONITOR
                            && e.gen().string(e.arg("blocker")).equals("java.lang.Object")))
                    .as("run %d: the waiter's monitor block, reported after the fact", run).singleElement()
                    .matches(e -> e.event().late());
            try (var left = Files.list(tmp)) {
                assertThat(left.toList()).as("run %d: left in the temporary directory", run).isEmpty();
            }
        }
    }

    @Test
    void withoutJvmtiVirtualThreadTransitionsTheAgentLeavesJfrAloneSoTheProgramExits() throws Exception {
        // JDK 25: this flag plus a JFR recording hung the JVM's exit in 4 of 5 runs of a virtual-thread
        // server (docs/performance.md). The agent must then not start its JFR bridge.
        AgentRun run = AgentRun.withAgent(dir,
                List.of("-XX:+UnlockExperimentalVMOptions", "-XX:-DoJVMTIVirtualThreadTransitions"), "",
                ManyVirtualThreads.class, "2000");
        assertThat(run.exitCode()).isZero();
        assertThat(run.stderr()).contains("jtrace: -XX:-DoJVMTIVirtualThreadTransitions is set: not recording "
                + "monitor, GC and safepoint events (JFR would hang the JVM's exit)");
        RecordedTrace trace = run.read();
        assertThat(trace.of(EventType.MOUNT)).hasSizeGreaterThanOrEqualTo(2000);
        assertThat(trace.events).noneMatch(e -> e.event().late());
    }

    /** The events recorded as they happened (not those the JVM reported later: a contended lock inside println, …). */
    private static List<Ev> live(List<Ev> events) {
        return events.stream().filter(e -> !e.event().late()).toList();
    }

    private static Ev only(List<Ev> events) {
        assertThat(events).hasSize(1);
        return events.get(0);
    }
}
