package io.jtrace;

import io.jtrace.TraceFiles.Located;
import io.jtrace.TraceFiles.ReadBack;
import io.jtrace.format.Event;
import io.jtrace.format.EventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tasks, regions and logs from 100 threads, platform and virtual, where tasks begin on one thread,
 * get regions on others and end on yet another: the trace has them exactly as written.
 */
class AnnotationsAcrossThreadsTest {
    private static final int THREADS = 100;

    @TempDir
    Path dir;

    @Test
    void tasksRegionsAndLogsFromManyThreadsReadBackExactly() throws Exception {
        long seed = TraceFiles.seed("tasksRegionsAndLogsFromManyThreadsReadBackExactly");
        AtomicReferenceArray<Task> jobs = new AtomicReferenceArray<>(THREADS);
        AtomicReferenceArray<Task> children = new AtomicReferenceArray<>(THREADS);
        List<List<String>> expected = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            expected.add(new ArrayList<>());
        }
        List<String> rootExpected = new ArrayList<>();
        CyclicBarrier barrier = new CyclicBarrier(THREADS);
        List<Thread> threads = new ArrayList<>();
        Path f = dir.resolve("annotations.jtrace");
        TraceOptions options = TraceOptions.defaults().withStacks(TraceOptions.Stacks.OFF)
                .withGenerationPeriod(Duration.ofMinutes(10));

        TraceFiles.record(f, options, () -> {
            Task root = Trace.newTask("root");
            rootExpected.add(begin(root, null));
            threads.addAll(TraceFiles.runThreads(THREADS / 2, THREADS / 2, i -> {
                Random rnd = new Random(seed + i);
                List<String> exp = expected.get(i);
                try {
                    // 1: a task of one's own, under the root task begun on the test thread
                    Task job = Trace.newTask(root, "job-" + (i % 7));
                    exp.add(begin(job, root));
                    nest(job, 1 + rnd.nextInt(4), rnd, exp);
                    jobs.set(i, job);
                    barrier.await();
                    // 2: regions in two other threads' tasks, nested across tasks, and a child task
                    Task a = jobs.get((i + 1) % THREADS);
                    Task b = jobs.get((i + 37) % THREADS);
                    try (Region ra = a.region("in-a")) {
                        exp.add(regionBegin(a, "in-a"));
                        nest(b, 1 + rnd.nextInt(3), rnd, exp);
                        try (Region free = Trace.region("no-task")) {
                            exp.add(regionBegin(null, "no-task"));
                            Trace.log("free", "thread " + i);
                            exp.add(log(null, "free", "thread " + i));
                        }
                        exp.add(regionEnd(null, "no-task"));
                    }
                    exp.add(regionEnd(a, "in-a"));
                    Task parent = jobs.get((i + 2) % THREADS);
                    Task child = Trace.newTask(parent, "child");
                    exp.add(begin(child, parent));
                    children.set(i, child);
                    barrier.await();
                    // 3: end a task begun on another thread, and a child begun on a third
                    Task other = jobs.get((i + 1) % THREADS);
                    other.end();
                    exp.add("TASK_END{task=" + other.id() + ", stack=-}");
                    Task otherChild = children.get((i + 3) % THREADS);
                    otherChild.end();
                    exp.add("TASK_END{task=" + otherChild.id() + ", stack=-}");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
            root.end();
            rootExpected.add("TASK_END{task=" + root.id() + ", stack=-}");
        });

        ReadBack rb = TraceFiles.readAll(f);
        assertThat(rb.truncated()).isFalse();
        assertThat(rb.lostEvents()).isZero();

        // exactly what each thread wrote, in its order
        for (int i = 0; i < THREADS; i++) {
            assertThat(rb.describedEventsOf(threads.get(i).threadId(), e -> e.type() != EventType.STATUS))
                    .as("annotations of thread %d (seed %d)", i, seed).containsExactlyElementsOf(expected.get(i));
        }
        assertThat(rb.describedEventsOf(Thread.currentThread().threadId(), e -> e.type() != EventType.STATUS))
                .containsExactlyElementsOf(rootExpected);

        // and, from the trace alone: regions nest per thread, every task begins once and ends once
        Map<Long, Deque<String>> open = new HashMap<>();
        Map<Long, Located> begun = new HashMap<>();
        Map<Long, Located> ended = new HashMap<>();
        Map<Long, Set<Long>> regionThreads = new HashMap<>();
        for (Located l : rb.located()) {
            Event e = l.e();
            switch (e.type()) {
                case REGION_BEGIN -> {
                    open.computeIfAbsent(e.thread(), k -> new ArrayDeque<>()).push(e.arg("task") + "/" + l.string("type"));
                    regionThreads.computeIfAbsent(e.arg("task"), k -> new HashSet<>()).add(e.thread());
                }
                case REGION_END -> {
                    Deque<String> stack = open.get(e.thread());
                    assertThat(stack).as("open regions of thread %d at a region end", e.thread()).isNotEmpty();
                    assertThat(stack.pop()).as("innermost open region of thread %d", e.thread())
                            .isEqualTo(e.arg("task") + "/" + l.string("type"));
                }
                case TASK_BEGIN -> {
                    assertThat(begun.put(e.arg("task"), l)).as("task %d begins once", e.arg("task")).isNull();
                    long parent = e.arg("parent");
                    if (parent != 0) {
                        assertThat(begun).as("parent of task %d began before it", e.arg("task")).containsKey(parent);
                    }
                }
                case TASK_END -> {
                    assertThat(begun).as("task %d began before it ended", e.arg("task")).containsKey(e.arg("task"));
                    assertThat(ended.put(e.arg("task"), l)).as("task %d ends once", e.arg("task")).isNull();
                }
                default -> { }
            }
        }
        assertThat(open.values()).allSatisfy(stack -> assertThat(stack).isEmpty());
        assertThat(begun).hasSize(1 + 2 * THREADS);
        assertThat(ended.keySet()).isEqualTo(begun.keySet());
        long crossThread = begun.keySet().stream()
                .filter(id -> begun.get(id).e().thread() != ended.get(id).e().thread()).count();
        assertThat(crossThread).as("tasks ended on another thread than they began").isEqualTo(2L * THREADS);
        for (int i = 0; i < THREADS; i++) {
            assertThat(regionThreads.get(jobs.get(i).id())).as("threads with regions of job %d", i).hasSize(3);
        }
        Map<String, Long> jobTypes = new HashMap<>();
        for (Located l : begun.values()) {
            jobTypes.merge(l.string("type"), 1L, Long::sum);
        }
        assertThat(jobTypes).containsEntry("root", 1L).containsEntry("child", (long) THREADS)
                .containsEntry("job-0", 15L).containsEntry("job-6", 14L);
    }

    /** Regions nested {@code depth} deep in {@code task}, a log at the bottom. */
    private static void nest(Task task, int depth, Random rnd, List<String> exp) {
        String type = "level-" + depth;
        try (Region r = task.region(type)) {
            exp.add(regionBegin(task, type));
            if (depth > 1) {
                nest(task, depth - 1, rnd, exp);
            } else {
                String msg = "bottom " + rnd.nextInt(1000);
                task.log("depth", msg);
                exp.add(log(task, "depth", msg));
            }
        }
        exp.add(regionEnd(task, type));
    }

    private static String begin(Task t, Task parent) {
        return "TASK_BEGIN{task=" + t.id() + ", parent=" + (parent == null ? 0 : parent.id()) + ", type=\"" + t.type()
                + "\", stack=-}";
    }

    private static String regionBegin(Task t, String type) {
        return "REGION_BEGIN{task=" + (t == null ? 0 : t.id()) + ", type=\"" + type + "\", stack=-}";
    }

    private static String regionEnd(Task t, String type) {
        return "REGION_END{task=" + (t == null ? 0 : t.id()) + ", type=\"" + type + "\", stack=-}";
    }

    private static String log(Task t, String category, String message) {
        return "LOG{task=" + (t == null ? 0 : t.id()) + ", category=\"" + category + "\", stack=-} tail=" + message;
    }
}
