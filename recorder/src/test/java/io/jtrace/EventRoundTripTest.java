package io.jtrace;

import io.jtrace.TraceFiles.Located;
import io.jtrace.TraceFiles.ReadBack;
import io.jtrace.format.BlockReason;
import io.jtrace.format.Event;
import io.jtrace.format.EventType;
import io.jtrace.format.Generation;
import io.jtrace.format.UnmountReason;
import io.jtrace.format.WakerKind;
import io.jtrace.recorder.Events;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import static io.jtrace.TraceFiles.here;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every event type written through the real recorder (the {@link Events} hooks and the public
 * annotation API) comes back from the reader with its arguments, thread, strings, stacks and text.
 */
class EventRoundTripTest {
    /** One generation for the whole test: long enough that nothing rolls over. */
    private static final TraceOptions ONE_GENERATION = TraceOptions.defaults().withGenerationPeriod(Duration.ofMinutes(10));

    @TempDir
    Path dir;

    /** What {@link #writeEveryType} wrote, as {@link TraceFiles#describe} prints it. */
    private final List<String> expected = new ArrayList<>();
    private final List<String> expectedStatuses = new ArrayList<>();

    /** Writes every event type from the current thread, noting each call site for the stack checks. */
    private void writeEveryType() {
        Thread created = Thread.ofPlatform().name("created").unstarted(() -> { });
        Thread sleeper = Thread.ofPlatform().name("sleeper").unstarted(() -> { });
        Thread vthread = Thread.ofVirtual().name("virtual").unstarted(() -> { });
        long me = Thread.currentThread().threadId();
        expectedStatuses.add("STATUS{thread=" + me + ", state=RUNNING, reason=NONE}");

        String s = here(); Events.threadCreate(created);
        // no STATUS for the new thread: the THREAD_CREATE says it did not exist until now
        expected.add("THREAD_CREATE{newThread=" + created.threadId() + ", stack=" + s + "}");
        Events.threadStart();
        expected.add("THREAD_START{}");
        s = here(); Events.block(BlockReason.MONITOR, "java.lang.Object");
        expected.add("BLOCK{reason=MONITOR, blocker=\"java.lang.Object\", stack=" + s + "}");
        Events.run();
        expected.add("RUN{}");
        s = here(); Events.unblock(sleeper);
        expectedStatuses.add("STATUS{thread=" + sleeper.threadId() + ", state=BLOCKED, reason=NONE}");
        expected.add("UNBLOCK{target=" + sleeper.threadId() + ", waker=CURRENT, wakerThread=0, stack=" + s + "}");
        Events.unblock(sleeper, WakerKind.THREAD, 4242);
        expected.add("UNBLOCK{target=" + sleeper.threadId() + ", waker=THREAD, wakerThread=4242, stack=-}");
        Events.unblock(sleeper, WakerKind.TIMER, 0);
        expected.add("UNBLOCK{target=" + sleeper.threadId() + ", waker=TIMER, wakerThread=0, stack=-}");
        Events.mount(vthread);
        expectedStatuses.add("STATUS{thread=" + vthread.threadId() + ", state=RUNNABLE, reason=NONE}");
        expected.add("MOUNT{vthread=" + vthread.threadId() + "}");
        Events.unmount(vthread, UnmountReason.YIELD);
        expected.add("UNMOUNT{vthread=" + vthread.threadId() + ", reason=YIELD}");
        s = here(); Events.nativeBegin("socketRead0");
        expected.add("NATIVE_BEGIN{what=\"socketRead0\", stack=" + s + "}");
        Events.nativeEnd();
        expected.add("NATIVE_END{}");
        long now = io.jtrace.recorder.LateEvents.traceTime();
        io.jtrace.recorder.LateEvents.gcPause(8, "G1 Old Generation", now - 2_000_000, now - 1_000_000); // late: thread 0
        Events.gcBegin(7, "G1 Young Generation");
        expected.add("GC_BEGIN{gcId=7, name=\"G1 Young Generation\"}");
        Events.gcEnd(7);
        expected.add("GC_END{gcId=7}");
        Events.safepointBegin();
        expected.add("SAFEPOINT_BEGIN{}");
        Events.safepointEnd();
        expected.add("SAFEPOINT_END{}");
        Events.heap(123_456_789_012L, Long.MAX_VALUE);
        expected.add("HEAP{used=123456789012, committed=" + Long.MAX_VALUE + "}");
        s = here(); Events.cpuSample(sleeper);
        expected.add("CPU_SAMPLE{thread=" + sleeper.threadId() + ", stack=" + s + "}");

        s = here(); Task parent = Trace.newTask("parent-task");
        expected.add("TASK_BEGIN{task=" + parent.id() + ", parent=0, type=\"parent-task\", stack=" + s + "}");
        s = here(); Task task = Trace.newTask(parent, "request ✓");
        expected.add("TASK_BEGIN{task=" + task.id() + ", parent=" + parent.id() + ", type=\"request ✓\", stack=" + s + "}");
        s = here(); Region r = task.region("validate");
        expected.add("REGION_BEGIN{task=" + task.id() + ", type=\"validate\", stack=" + s + "}");
        s = here(); task.log("orderId", "42 ünïcödé 😀");
        expected.add("LOG{task=" + task.id() + ", category=\"orderId\", stack=" + s + "} tail=42 ünïcödé 😀");
        s = here(); r.end();
        expected.add("REGION_END{task=" + task.id() + ", type=\"validate\", stack=" + s + "}");
        s = here(); Region free = Trace.region("no task");
        expected.add("REGION_BEGIN{task=0, type=\"no task\", stack=" + s + "}");
        s = here(); Trace.log("plain", "no task either");
        expected.add("LOG{task=0, category=\"plain\", stack=" + s + "} tail=no task either");
        s = here(); free.close();
        expected.add("REGION_END{task=0, type=\"no task\", stack=" + s + "}");
        s = here(); task.end();
        expected.add("TASK_END{task=" + task.id() + ", stack=" + s + "}");
        s = here(); parent.end();
        expected.add("TASK_END{task=" + parent.id() + ", stack=" + s + "}");
        Events.threadEnd();
        expected.add("THREAD_END{}");
    }

    @Test
    void everyEventTypeComesBackWithItsArgsThreadStringsAndStacks() throws Exception {
        Path f = dir.resolve("all.jtrace");
        TraceFiles.record(f, ONE_GENERATION, this::writeEveryType);

        ReadBack rb = TraceFiles.readAll(f);

        assertThat(rb.truncated()).isFalse();
        assertThat(rb.lostEvents()).isZero();
        assertThat(rb.generations()).hasSize(1);
        long me = Thread.currentThread().threadId();
        assertThat(rb.describedEventsOf(me, e -> e.type() != EventType.STATUS)).containsExactlyElementsOf(expected);
        assertThat(rb.describedEventsOf(me, e -> e.type() == EventType.STATUS)).containsExactlyElementsOf(expectedStatuses);
        Generation g = rb.generations().getFirst();
        assertThat(g.thread(me)).isNotNull();
        assertThat(g.thread(me).name()).isEqualTo(Thread.currentThread().getName());
        assertThat(g.thread(me).virtual()).isFalse();
        // the whole stack, not just its top: it is this thread's, innermost first
        Located log = rb.located().stream().filter(l -> l.e().type() == EventType.LOG).findFirst().orElseThrow();
        List<String> methods = g.stack(log.e().stackId()).frames().stream().map(fr -> fr.methodName()).toList();
        assertThat(methods.getFirst()).isEqualTo("writeEveryType");
        assertThat(methods).contains("everyEventTypeComesBackWithItsArgsThreadStringsAndStacks");
        assertThat(log.topFrame().fileName()).isEqualTo("EventRoundTripTest.java");
    }

    @Test
    void everyEventTypeIsCoveredByTheRoundTrip() throws Exception {
        Path f = dir.resolve("coverage.jtrace");
        TraceFiles.record(f, ONE_GENERATION, this::writeEveryType);
        ReadBack rb = TraceFiles.readAll(f);
        long me = Thread.currentThread().threadId();
        Set<EventType> seen = rb.events().stream().map(Event::type).collect(Collectors.toCollection(() -> EnumSet.noneOf(EventType.class)));

        for (EventType type : EventType.values()) {
            if (type == EventType.THREAD_SWITCH) {
                // never an event of its own: it is what gives every event its thread
                // (the recorder's own per-generation records, statuses and the heap sample, have no thread)
                assertThat(rb.events().stream().filter(e -> e.thread() != 0).toList()).as("events attributed through THREAD_SWITCH")
                        .isNotEmpty().allSatisfy(e -> assertThat(e.thread()).isEqualTo(me));
            } else if (type == EventType.LATE) {
                // never an event of its own: it marks the next one as reported after the fact
                assertThat(rb.events()).as("events marked LATE").filteredOn(Event::late)
                        .extracting(Event::type).containsExactly(EventType.GC_BEGIN, EventType.GC_END);
            } else {
                assertThat(seen).as("%s written by writeEveryType() and read back", type).contains(type);
            }
        }
    }

    @Test
    void stacksOffMeansNoStackIds() throws Exception {
        Path f = dir.resolve("nostacks.jtrace");
        TraceFiles.record(f, ONE_GENERATION.withStacks(TraceOptions.Stacks.OFF), this::writeEveryType);

        ReadBack rb = TraceFiles.readAll(f);

        assertThat(rb.events()).hasSizeGreaterThan(expected.size()).allSatisfy(e -> assertThat(e.stackId()).isZero());
        assertThat(rb.generations().getFirst().stacks()).isEmpty();
    }

    @Test
    void stackDepthLimitKeepsTheInnermostFramesAndMarksTheStackTruncated() throws Exception {
        Path f = dir.resolve("depth.jtrace");
        String[] site = new String[1];
        TraceFiles.record(f, ONE_GENERATION.withStackDepth(3), () -> recurse(10, site));

        Located log = TraceFiles.readAll(f).located().stream().filter(l -> l.e().type() == EventType.LOG)
                .findFirst().orElseThrow();
        var stack = log.g().stack(log.e().stackId());
        assertThat(stack.truncated()).isTrue();
        assertThat(stack.frames()).hasSize(3).allSatisfy(fr -> assertThat(fr.methodName()).isEqualTo("recurse"));
        assertThat(TraceFiles.site(stack.frames().getFirst())).isEqualTo(site[0]);
    }

    private static void recurse(int depth, String[] site) {
        if (depth == 0) {
            site[0] = here(); Trace.log("deep", "bottom");
        } else {
            recurse(depth - 1, site);
        }
    }

    // ---- LOG text ----

    @Test
    void logTextComesBackExactlyIncludingNonAsciiAndLoneSurrogates() throws Exception {
        String[] messages = {"", "plain ascii", "ünïcödé", "日本語のテキスト", "emoji 😀👍🏽 and 𝄞", "tab\tnew\nline",
                "x".repeat(3000)};
        Path f = dir.resolve("text.jtrace");
        TraceFiles.record(f, ONE_GENERATION.withStacks(TraceOptions.Stacks.OFF), () -> {
            for (String m : messages) {
                Trace.log("m", m);
            }
            Trace.log("m", null);
            Trace.log("m", "lone \uD800 high, lone \uDC00 low, cut high \uD83D");
        });

        List<String> tails = TraceFiles.readAll(f).events().stream().filter(e -> e.type() == EventType.LOG)
                .map(Event::tail).toList();

        List<String> want = new ArrayList<>(List.of(messages));
        want.add(""); // null logs as empty text
        want.add("lone \uFFFD high, lone \uFFFD low, cut high \uFFFD"); // what UTF-8 can carry
        assertThat(tails).containsExactlyElementsOf(want);
    }

    @Test
    void oversizedLogMessageIsCutAtACharacterBoundaryToFitOneBuffer() throws Exception {
        int buffer = 4096;
        // a prefix of 0..3 one-byte chars shifts where the 2-, 3- and 4-byte chars meet the cut
        List<String> messages = new ArrayList<>();
        for (String unit : List.of("é", "語", "😀", "a")) {
            for (int shift = 0; shift < 4; shift++) {
                messages.add("a".repeat(shift) + unit.repeat(3 * buffer));
            }
        }
        Path f = dir.resolve("big.jtrace");
        TraceFiles.record(f, ONE_GENERATION.withStacks(TraceOptions.Stacks.OFF).withBufferBytes(buffer)
                .withGenerationBytes(1 << 20), () -> {
            for (String m : messages) {
                Trace.log("big", m);
                Trace.log("small", "after " + m.length());
            }
        });

        ReadBack rb = TraceFiles.readAll(f);

        assertThat(rb.lostEvents()).isZero();
        List<Event> logs = rb.events().stream().filter(e -> e.type() == EventType.LOG).toList();
        assertThat(logs).hasSize(2 * messages.size());
        for (int i = 0; i < messages.size(); i++) {
            String full = messages.get(i);
            String tail = logs.get(2 * i).tail();
            int bytes = tail.getBytes(StandardCharsets.UTF_8).length;
            assertThat(full).as("message %d is cut, not altered", i).startsWith(tail);
            assertThat(tail).as("message %d: no half character", i).doesNotContain("\uFFFD");
            assertThat(Character.isHighSurrogate(tail.charAt(tail.length() - 1))).isFalse();
            assertThat(bytes).as("message %d fits one buffer", i).isLessThan(buffer)
                    .isGreaterThan(buffer - 256); // and is not cut much more than needed
            assertThat(logs.get(2 * i + 1).tail()).isEqualTo("after " + full.length());
        }
    }

    // ---- a random mix ----

    /**
     * Several threads, platform and virtual, each write a seeded random mix of every kind of event;
     * each thread's events read back equal what it wrote, in order. (One generation: see
     * ConcurrentWritersTest and GenerationsTest for generation ends.)
     */
    @Test
    void randomMixOfEventsReadsBackPerThreadInOrder() throws Exception {
        long seed = TraceFiles.seed("randomMixOfEventsReadsBackPerThreadInOrder");
        int threads = 6;
        int ops = 1500;
        List<List<String>> written = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            written.add(new ArrayList<>());
        }
        Path f = dir.resolve("random.jtrace");
        List<Thread> ts = new ArrayList<>();
        TraceFiles.record(f, ONE_GENERATION, () ->
                ts.addAll(TraceFiles.runThreads(threads / 2, threads / 2, i -> {
                    RandomWriter w = new RandomWriter(new Random(seed + i), written.get(i));
                    for (int n = 0; n < ops; n++) {
                        w.step();
                    }
                    w.closeAll();
                })));

        ReadBack rb = TraceFiles.readAll(f);

        assertThat(rb.truncated()).isFalse();
        assertThat(rb.lostEvents()).isZero();
        for (int i = 0; i < threads; i++) {
            assertThat(rb.describedEventsOf(ts.get(i).threadId(), e -> e.type() != EventType.STATUS))
                    .as("thread %d of seed %d", i, seed)
                    .containsExactlyElementsOf(written.get(i));
        }
    }

    /** Writes one random event per {@link #step} and notes what the reader should return for it. */
    private static final class RandomWriter {
        private static final String[] WORDS = {"", "a", "lock", "java.util.concurrent.locks.ReentrantLock",
                "ünïcödé", "日本語", "😀 emoji", "x".repeat(300)};
        /**
         * Threads the events name: never started, platform and virtual, and a live platform thread.
         * Not one of the writing threads: a virtual writer's own BLOCK makes the next UNMOUNT(block)
         * of it implied (format v4), which events of it written from another thread cannot know.
         */
        private static final Thread[] OTHERS = {Thread.ofPlatform().unstarted(() -> { }),
                Thread.ofVirtual().unstarted(() -> { }),
                Thread.ofPlatform().daemon().name("round-trip-other").start(LockSupport::park)};

        private final Random rnd;
        private final List<String> out;
        private final Deque<Region> regions = new ArrayDeque<>();
        private final Deque<String> regionEnds = new ArrayDeque<>();
        private final List<Task> tasks = new ArrayList<>();

        RandomWriter(Random rnd, List<String> out) {
            this.rnd = rnd;
            this.out = out;
        }

        private String word() {
            if (rnd.nextInt(4) > 0) {
                return WORDS[rnd.nextInt(WORDS.length)];
            }
            StringBuilder sb = new StringBuilder();
            for (int n = rnd.nextInt(12); n > 0; n--) {
                int cp;
                do {
                    cp = rnd.nextInt(3) == 0 ? rnd.nextInt(0x80) : rnd.nextInt(Character.MAX_CODE_POINT + 1);
                } while (Character.getType(cp) == Character.SURROGATE || Character.getType(cp) == Character.UNASSIGNED);
                sb.appendCodePoint(cp);
            }
            return sb.toString();
        }

        private static String q(String s) {
            return "\"" + (s == null ? "" : s) + "\"";
        }

        private <T> T pick(T[] values) {
            return values[rnd.nextInt(values.length)];
        }

        private long taskId() {
            return tasks.isEmpty() || rnd.nextBoolean() ? 0 : tasks.get(rnd.nextInt(tasks.size())).id();
        }

        void step() {
            String s;
            switch (rnd.nextInt(20)) {
                case 0 -> {
                    Thread t = pick(OTHERS);
                    s = here(); Events.threadCreate(t);
                    out.add("THREAD_CREATE{newThread=" + t.threadId() + ", stack=" + s + "}");
                }
                case 1 -> {
                    Events.threadStart();
                    out.add("THREAD_START{}");
                }
                case 2 -> {
                    Events.threadEnd();
                    out.add("THREAD_END{}");
                }
                case 3 -> {
                    BlockReason reason = pick(BlockReason.values());
                    String blocker = rnd.nextInt(5) == 0 ? null : word();
                    s = here(); Events.block(reason, blocker);
                    out.add("BLOCK{reason=" + reason + ", blocker=" + q(blocker) + ", stack=" + s + "}");
                }
                case 4 -> {
                    Thread t = pick(OTHERS);
                    WakerKind k = pick(WakerKind.values());
                    long waker = rnd.nextLong();
                    s = here(); Events.unblock(t, k, waker);
                    out.add("UNBLOCK{target=" + t.threadId() + ", waker=" + k + ", wakerThread=" + waker
                            + ", stack=" + (k == WakerKind.CURRENT ? s : "-") + "}");
                }
                case 5 -> {
                    Events.run();
                    out.add("RUN{}");
                }
                case 6 -> {
                    Thread t = pick(OTHERS);
                    Events.mount(t);
                    out.add("MOUNT{vthread=" + t.threadId() + "}");
                }
                case 7 -> {
                    Thread t = pick(OTHERS);
                    UnmountReason reason = pick(UnmountReason.values());
                    Events.unmount(t, reason);
                    out.add("UNMOUNT{vthread=" + t.threadId() + ", reason=" + reason + "}");
                }
                case 8 -> {
                    String what = word();
                    s = here(); Events.nativeBegin(what);
                    out.add("NATIVE_BEGIN{what=" + q(what) + ", stack=" + s + "}");
                    Events.nativeEnd();
                    out.add("NATIVE_END{}");
                }
                case 9 -> {
                    long id = rnd.nextLong();
                    String name = word();
                    Events.gcBegin(id, name);
                    out.add("GC_BEGIN{gcId=" + id + ", name=" + q(name) + "}");
                    Events.gcEnd(id);
                    out.add("GC_END{gcId=" + id + "}");
                }
                case 10 -> {
                    Events.safepointBegin();
                    Events.safepointEnd();
                    out.add("SAFEPOINT_BEGIN{}");
                    out.add("SAFEPOINT_END{}");
                }
                case 11 -> {
                    long used = rnd.nextLong();
                    long committed = rnd.nextLong() >>> rnd.nextInt(64);
                    Events.heap(used, committed);
                    out.add("HEAP{used=" + used + ", committed=" + committed + "}");
                }
                case 12 -> {
                    Thread t = pick(OTHERS);
                    s = here(); Events.cpuSample(t);
                    out.add("CPU_SAMPLE{thread=" + t.threadId() + ", stack=" + s + "}");
                }
                case 13 -> {
                    Task parent = tasks.isEmpty() || rnd.nextBoolean() ? null : tasks.get(rnd.nextInt(tasks.size()));
                    String type = word();
                    s = here(); Task t = Trace.newTask(parent, type);
                    tasks.add(t);
                    out.add("TASK_BEGIN{task=" + t.id() + ", parent=" + (parent == null ? 0 : parent.id())
                            + ", type=" + q(type) + ", stack=" + s + "}");
                }
                case 14 -> {
                    if (!tasks.isEmpty()) {
                        Task t = tasks.remove(rnd.nextInt(tasks.size()));
                        s = here(); t.end();
                        out.add("TASK_END{task=" + t.id() + ", stack=" + s + "}");
                    }
                }
                case 15, 16 -> {
                    long task = taskId();
                    String type = word();
                    Task owner = task == 0 ? null : tasks.stream().filter(t -> t.id() == task).findFirst().orElseThrow();
                    s = here(); Region r = owner == null ? Trace.region(type) : owner.region(type);
                    regions.push(r);
                    regionEnds.push("REGION_END{task=" + task + ", type=" + q(type) + ", stack=");
                    out.add("REGION_BEGIN{task=" + task + ", type=" + q(type) + ", stack=" + s + "}");
                }
                case 17 -> {
                    if (!regions.isEmpty()) {
                        s = here(); regions.pop().end();
                        out.add(regionEnds.pop() + s + "}");
                    }
                }
                default -> {
                    long task = taskId();
                    Task owner = task == 0 ? null : tasks.stream().filter(t -> t.id() == task).findFirst().orElseThrow();
                    String category = word();
                    String message = word() + " " + rnd.nextLong();
                    if (owner == null) {
                        s = here(); Trace.log(category, message);
                    } else {
                        s = here(); owner.log(category, message);
                    }
                    out.add("LOG{task=" + task + ", category=" + q(category) + ", stack=" + s + "} tail=" + message);
                }
            }
        }

        void closeAll() {
            while (!regions.isEmpty()) {
                String s = here(); regions.pop().end();
                out.add(regionEnds.pop() + s + "}");
            }
        }
    }
}
