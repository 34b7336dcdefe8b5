package io.jtrace.analysis.wakeups;

import io.jtrace.Trace;
import io.jtrace.TraceOptions;
import io.jtrace.analysis.ThreadGroups;
import io.jtrace.analysis.timeline.ThreadInterval;
import io.jtrace.analysis.timeline.Timeline;
import io.jtrace.analysis.timeline.TimelineListener;
import io.jtrace.analysis.timeline.TimelineSummary;
import io.jtrace.format.BlockReason;
import io.jtrace.format.ReadProgress;
import io.jtrace.format.ThreadState;
import io.jtrace.format.WakerKind;
import io.jtrace.recorder.Events;
import io.jtrace.recorder.LateEvents;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wakeup graph of a real recording made through the recorder's entry points (those the agent's
 * hooks call), on real threads: live wake-ups, and the JVM's late reports of Object.wait
 * notifiers and monitor hand-overs.
 */
class WakeupGraphTest {
    @TempDir
    static Path dir;
    static Path trace;
    static long[] workerIds = new long[2];

    @BeforeAll
    static void record() throws Exception {
        trace = dir.resolve("wakeups.jtrace");
        Trace.start(trace, TraceOptions.defaults());
        try {
            bossWakesTwoWorkers();
            waitsEndedByANotifierTheJvmNamesOrNot();
            aMonitorHandedOver();
            aNotifierReportedAtAnotherTimeThanTheWaitsEnd();
        } finally {
            Trace.stop();
        }
    }

    /** "boss" wakes "worker-1" and "worker-2"; each then runs 20 ms later. */
    private static void bossWakesTwoWorkers() throws InterruptedException {
        for (int i = 1; i <= 2; i++) {
            CountDownLatch blocked = new CountDownLatch(1);
            CountDownLatch woken = new CountDownLatch(1);
            Thread worker = Thread.ofPlatform().name("worker-" + i).start(() -> {
                Events.block(BlockReason.LOCK, "java.util.concurrent.locks.ReentrantLock$NonfairSync");
                blocked.countDown();
                await(woken);
                sleep(20);
                Events.run();
            });
            Thread boss = Thread.ofPlatform().name("boss").start(() -> {
                await(blocked);
                Events.unblock(worker);
                woken.countDown();
            });
            boss.join();
            worker.join();
            workerIds[i - 1] = worker.threadId();
        }
    }

    /**
     * Two platform threads wait (Object.wait as the agent records it: the live wake-up can only
     * say "unknown"); the JVM names the notifier of the first one only.
     */
    private static void waitsEndedByANotifierTheJvmNamesOrNot() throws InterruptedException {
        for (boolean reported : new boolean[] {true, false}) {
            CountDownLatch waiting = new CountDownLatch(1);
            CountDownLatch notify = new CountDownLatch(1);
            CountDownLatch returned = new CountDownLatch(1);
            CountDownLatch finish = new CountDownLatch(1);
            Thread waiter = Thread.ofPlatform().name(reported ? "notified" : "unreported").start(() -> {
                Events.blockIfRunning(BlockReason.WAIT, "java.lang.Object");
                waiting.countDown();
                await(notify);
                Events.blockingCallReturned(WakerKind.UNKNOWN);
                returned.countDown();
                await(finish);
            });
            Thread notifier = Thread.ofPlatform().name("notifier").start(() -> {
                knownToTheRecorder();
                await(waiting);
                long notifiedAt = LateEvents.traceTime();
                notify.countDown();
                await(returned);
                if (reported) {
                    // what the agent's bridge writes about a second later
                    LateEvents.notified(waiter.threadId(), notifiedAt, Thread.currentThread().threadId());
                }
                finish.countDown();
            });
            notifier.join();
            waiter.join();
        }
    }

    /** "contender" waited 10 ms for a monitor "owner" held, as the JVM reports it afterwards. */
    private static void aMonitorHandedOver() throws InterruptedException {
        CountDownLatch finish = new CountDownLatch(1);
        CountDownLatch known = new CountDownLatch(2);
        Runnable live = () -> {
            knownToTheRecorder();
            known.countDown();
            await(finish);
        };
        Thread owner = Thread.ofPlatform().name("owner").start(live);
        Thread contender = Thread.ofPlatform().name("contender").start(live);
        known.await();
        long start = LateEvents.traceTime();
        sleep(10);
        long end = LateEvents.traceTime();
        LateEvents.monitorBlocked(contender.threadId(), start, end, "java.lang.Object", owner.threadId(), List.of(), false);
        finish.countDown();
        owner.join();
        contender.join();
    }

    /**
     * The JVM's notifier report is timed 20 ms before the live end of the wait it names (the
     * notify came while the waiter was still waiting, or the clocks differ by that much): `wakeups`
     * once matched a report to a wait's end within 10 ms, `threads` to the wait open at the
     * report's time, and so they named different wakers for this wait. (The report is timed from
     * just before the wait's live end, so that a loaded machine only moves the two apart by the
     * moment between two calls.)
     */
    private static void aNotifierReportedAtAnotherTimeThanTheWaitsEnd() throws InterruptedException {
        CountDownLatch waiting = new CountDownLatch(1);
        CountDownLatch returned = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        long[] endedAt = new long[1];
        Thread waiter = Thread.ofPlatform().name("skewed").start(() -> {
            Events.blockIfRunning(BlockReason.WAIT, "java.lang.Object");
            waiting.countDown();
            sleep(40);
            endedAt[0] = LateEvents.traceTime();
            Events.blockingCallReturned(WakerKind.UNKNOWN);
            returned.countDown();
            await(finish);
        });
        Thread notifier = Thread.ofPlatform().name("late-notifier").start(() -> {
            knownToTheRecorder();
            await(waiting);
            await(returned); // orders endedAt[0] before this read
            LateEvents.notified(waiter.threadId(), Math.max(0, endedAt[0] - 20_000_000L), Thread.currentThread().threadId());
            finish.countDown();
        });
        notifier.join();
        waiter.join();
    }

    /** A sleep: the thread has events, so the thread tables name it (they list the threads the recorder knows). */
    private static void knownToTheRecorder() {
        Events.blockIfRunning(BlockReason.SLEEP, null);
        Events.blockingCallReturned(WakerKind.TIMER);
    }

    private static WakeEdge edge(WakeupGraph g, String waker, String wakee) {
        return g.edges().stream().filter(e -> e.waker().name().equals(waker) && e.wakee().name().equals(wakee))
                .findFirst().orElse(null);
    }

    /**
     * The edge between the threads named {@code waker} and {@code wakee} in a per-thread graph:
     * grouped, a named thread is its entry method (ThreadGroups), and two threads running the same
     * lambda would be one node.
     */
    private static WakeEdge threadEdge(WakeupGraph g, String waker, String wakee) {
        return g.edges().stream().filter(e -> named(e.waker().name(), waker) && named(e.wakee().name(), wakee))
                .findFirst().orElse(null);
    }

    private static boolean named(String node, String name) {
        return name.startsWith("(") ? node.equals(name) : node.startsWith(name + " #");
    }

    @Test
    void threadsWithNumberedNamesAreOneGroupAndTheLatencyIsUntilTheyRan() throws Exception {
        WakeupGraph g = WakeupGraph.of(trace, false, 5, 3, ReadProgress.NONE);
        String boss = WakeupGraphTest.class.getName() + ".lambda$bossWakesTwoWorkers$";
        WakeEdge e = g.edges().stream().filter(x -> x.waker().name().startsWith(boss) && x.wakee().name().equals("worker-#"))
                .findFirst().orElse(null);
        assertThat(e).as(g.edges().toString()).isNotNull();
        assertThat(e.count()).isEqualTo(2);
        assertThat(e.late()).isZero();
        assertThat(e.latencySamples()).isEqualTo(2);
        assertThat(e.p50Nanos()).as("each worker ran 20 ms after it was woken").isGreaterThan(19_000_000L);
        assertThat(e.maxNanos()).isGreaterThanOrEqualTo(20_000_000L).isGreaterThanOrEqualTo(e.p99Nanos());
        assertThat(e.totalNanos()).isGreaterThanOrEqualTo(40_000_000L);
        assertThat(e.stacks()).hasSize(1);
        assertThat(e.stacks().get(0).count()).isEqualTo(2);
        assertThat(e.stacks().get(0).frames()).hasSizeLessThanOrEqualTo(5)
                .anyMatch(f -> f.startsWith(WakeupGraphTest.class.getName() + ".lambda$bossWakesTwoWorkers$"));
    }

    @Test
    void oneNodePerThreadWhenAsked() throws Exception {
        WakeupGraph g = WakeupGraph.of(trace, true, 5, 3, ReadProgress.NONE);
        assertThat(g.edges().stream().filter(e -> e.waker().name().startsWith("boss #"))).hasSize(2);
        for (int i = 1; i <= 2; i++) {
            String worker = "worker-" + i + " #" + workerIds[i - 1];
            WakeEdge e = g.edges().stream().filter(x -> x.wakee().name().equals(worker)).findFirst().orElseThrow();
            assertThat(e.count()).isEqualTo(1);
            assertThat(e.waker().name()).startsWith("boss #");
        }
    }

    @Test
    void theNotifierTheJvmNamesReplacesTheUnknownWaker() throws Exception {
        WakeupGraph g = WakeupGraph.of(trace, true, 5, 3, ReadProgress.NONE);
        WakeEdge named = threadEdge(g, "notifier", "notified");
        assertThat(named).as(g.edges().toString()).isNotNull();
        assertThat(named.count()).isEqualTo(1);
        assertThat(named.late()).isEqualTo(1);
        assertThat(named.latencySamples()).isEqualTo(1);
        assertThat(threadEdge(g, "(unknown)", "notified")).isNull();
        assertThat(g.unmatchedLateNotifies()).isZero();

        WakeEdge unknown = threadEdge(g, "(unknown)", "unreported");
        assertThat(unknown).as(g.edges().toString()).isNotNull();
        assertThat(unknown.count()).isEqualTo(1);
        assertThat(unknown.late()).isZero();
    }

    @Test
    void aMonitorHandOverIsAnEdgeFromThePreviousOwner() throws Exception {
        WakeupGraph g = WakeupGraph.of(trace, true, 5, 3, ReadProgress.NONE);
        WakeEdge e = threadEdge(g, "owner", "contender");
        assertThat(e).as(g.edges().toString()).isNotNull();
        assertThat(e.count()).isEqualTo(1);
        assertThat(e.late()).isEqualTo(1);
        assertThat(e.latencySamples()).isEqualTo(1);
        assertThat(e.maxNanos()).as("the JVM reports the hand-over and the run at the same time").isZero();
        assertThat(e.stacks()).isEmpty();
        assertThat(threadEdge(g, "(timer)", "contender").count()).isEqualTo(1);
    }

    @Test
    void wakeupsNamesTheWakerThatTheTimelineOfThreadsAndProfilesShowsForEveryWait() throws Exception {
        // what `threads` and the profiles read: each block's interval, with who ended it
        Map<String, Long> fromTimeline = new TreeMap<>();
        Map<Long, ThreadInterval> lastBlock = new HashMap<>();
        TimelineSummary s = Timeline.read(trace, new TimelineListener() {
            @Override
            public void interval(ThreadInterval iv) {
                ThreadInterval b = lastBlock.remove(iv.thread());
                if (iv.state() == ThreadState.BLOCKED && iv.waker() != null) {
                    lastBlock.put(iv.thread(), iv);
                } else if (b != null && b.reason() != BlockReason.IDLE) {
                    fromTimeline.merge(b.waker().wakerThread() + " -> " + b.thread(), 1L, Long::sum);
                }
            }
        });
        lastBlock.values().forEach(b -> fromTimeline.merge(b.waker().wakerThread() + " -> " + b.thread(), 1L, Long::sum));
        Map<Long, String> names = new HashMap<>();
        s.threads().forEach((id, d) -> names.put(id, ThreadGroups.byThread(id, d.name(), d.virtual())));

        WakeupGraph g = WakeupGraph.of(trace, true, 5, 3, ReadProgress.NONE);
        Map<String, Long> fromWakeups = new TreeMap<>();
        for (WakeEdge e : g.edges()) {
            String waker = e.waker().kind() == WakeNode.Kind.THREADS ? idOf(e.waker().name()) : "0";
            fromWakeups.merge(waker + " -> " + idOf(e.wakee().name()), e.count(), Long::sum);
        }
        assertThat(fromWakeups).as("wakeups' edges by thread id, against the timeline's blocks (names: %s)", names)
                .isEqualTo(fromTimeline);
        WakeEdge skewed = threadEdge(g, "late-notifier", "skewed");
        assertThat(skewed).as("the notifier named 20 ms off the wait's end: " + g.edges()).isNotNull();
        assertThat(skewed.late()).isEqualTo(1);
    }

    private static String idOf(String byThreadName) {
        return byThreadName.substring(byThreadName.lastIndexOf('#') + 1);
    }

    @Test
    void everyWakeUpIsOnOneEdge() throws Exception {
        WakeupGraph g = WakeupGraph.of(trace, false, 5, 3, ReadProgress.NONE);
        assertThat(g.edges().stream().mapToLong(WakeEdge::count).sum()).isEqualTo(g.wakeups());
        assertThat(g.edges()).isSortedAccordingTo((a, b) -> Long.compare(b.count(), a.count()));
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
