package io.jtrace.recorder;

import io.jtrace.format.StackTrace;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fast tier's per-generation table ({@link FastStackTable}) dedups exactly as the slow tier's
 * does: one id per distinct stack, the same id for every capture of the same stack (also from
 * many threads at once, and across the table's growth), and each id symbolizes to the frames slow
 * gives that stack.
 */
class FastStackTableDedupTest {

    /**
     * A shared fast and slow table, fed the same raw captures (of {@link TierProbe#captureRaw} with
     * the tables' depth limit).
     */
    private static final class Tables {
        final StackTable fast;
        final StackTable slow;
        /** Fast id -> slow id, filled as captures are interned; must stay a bijection. */
        final Map<Long, Long> fastToSlow = new ConcurrentHashMap<>();
        final Map<Long, Long> slowToFast = new ConcurrentHashMap<>();

        Tables(int maxDepth) {
            fast = FastStacks.create(maxDepth, TierProbe.HIDDEN).newTable();
            slow = new SlowStacks(maxDepth, TierProbe.HIDDEN).newTable();
        }

        Tables() {
            this(TierProbe.DEFAULT_DEPTH);
        }

        /** Interns {@code raw} in both tables; returns the fast id. */
        long intern(TierProbe.Raw raw) {
            long f = fast.id(raw.fast());
            long s = slow.id(raw.slow());
            assertThat(f).isPositive();
            Long prevSlow = fastToSlow.putIfAbsent(f, s);
            Long prevFast = slowToFast.putIfAbsent(s, f);
            assertThat(prevSlow == null ? s : prevSlow).as("fast id %d always pairs with one slow id", f).isEqualTo(s);
            assertThat(prevFast == null ? f : prevFast).as("slow id %d always pairs with one fast id", s).isEqualTo(f);
            return f;
        }

        /** Both tables symbolized; every fast stack has exactly the frames of its slow counterpart. */
        Map<Long, StackTrace> symbolizeAndCompare() {
            Map<Long, StackTrace> fastById = byId(fast.symbolize());
            Map<Long, StackTrace> slowById = byId(slow.symbolize());
            assertThat(fastById).hasSameSizeAs(slowById);
            assertThat(fastById.keySet()).isEqualTo(fastToSlow.keySet());
            for (Map.Entry<Long, StackTrace> e : fastById.entrySet()) {
                StackTrace s = slowById.get(fastToSlow.get(e.getKey()));
                assertThat(e.getValue().frames()).as("frames of fast stack %d", e.getKey()).isEqualTo(s.frames());
                assertThat(e.getValue().truncated()).as("truncated of fast stack %d", e.getKey())
                        .isEqualTo(s.truncated());
            }
            return fastById;
        }

        private static Map<Long, StackTrace> byId(List<StackTrace> traces) {
            Map<Long, StackTrace> m = traces.stream().collect(Collectors.toMap(StackTrace::id, Function.identity()));
            assertThat(m).as("ids are unique").hasSize(traces.size());
            return m;
        }
    }

    @Test
    void sameCallSiteCapturedManyTimesHasOneIdAndDistinctSitesDistinctIds() {
        Tables tables = new Tables();
        Set<Long> siteA = new HashSet<>();
        Set<Long> siteB = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            siteA.add(tables.intern(TierProbe.captureRaw()));
            siteB.add(tables.intern(TierProbe.captureRaw()));
        }
        assertThat(siteA).hasSize(1);
        assertThat(siteB).hasSize(1);
        assertThat(siteA).doesNotContainAnyElementsOf(siteB);
        Map<Long, StackTrace> stacks = tables.symbolizeAndCompare();
        assertThat(stacks).hasSize(2);
        StackTrace a = stacks.get(siteA.iterator().next());
        StackTrace b = stacks.get(siteB.iterator().next());
        assertThat(a.frames().getFirst().methodName())
                .isEqualTo("sameCallSiteCapturedManyTimesHasOneIdAndDistinctSitesDistinctIds");
        assertThat(a.frames().getFirst().line()).isLessThan(b.frames().getFirst().line());
        assertThat(a.frames().subList(1, a.frames().size())).isEqualTo(b.frames().subList(1, b.frames().size()));
    }

    /** One call site per thread: eight threads capture 1000 times each, all at once, into one table. */
    private static TierProbe.Raw siteOf(int thread) {
        return switch (thread) {
            case 0 -> TierProbe.captureRaw();
            case 1 -> TierProbe.captureRaw();
            case 2 -> TierProbe.captureRaw();
            case 3 -> TierProbe.captureRaw();
            case 4 -> TierProbe.captureRaw();
            case 5 -> TierProbe.captureRaw();
            case 6 -> TierProbe.captureRaw();
            case 7 -> TierProbe.captureRaw();
            default -> throw new IllegalArgumentException();
        };
    }

    @Test
    void eightThreadsAtDistinctCallSitesGetOneIdEachConcurrently() throws Exception {
        Tables tables = new Tables();
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Set<Long>> ids = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int me = t;
            Set<Long> mine = new HashSet<>();
            ids.add(mine);
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    for (int i = 0; i < 1000; i++) {
                        mine.add(tables.intern(siteOf(me)));
                    }
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        assertThat(failures).isEmpty();
        Set<Long> all = new HashSet<>();
        for (Set<Long> mine : ids) {
            assertThat(mine).as("one id per thread's call site").hasSize(1);
            all.addAll(mine);
        }
        assertThat(all).as("distinct call sites, distinct ids").hasSize(threads);
        Map<Long, StackTrace> stacks = tables.symbolizeAndCompare();
        assertThat(stacks).hasSize(threads);
        for (int t = 0; t < threads; t++) {
            StackTrace s = stacks.get(ids.get(t).iterator().next());
            assertThat(s.frames().getFirst().methodName()).isEqualTo("siteOf");
        }
    }

    /** A stack that is one of 2^levels paths: at each level one of two call sites, by a bit of {@code path}. */
    private static TierProbe.Raw path(int path, int level) {
        if (level == 0) {
            return TierProbe.captureRaw();
        }
        if ((path >>> (level - 1) & 1) == 0) {
            return path(path, level - 1);
        } else {
            return path(path, level - 1);
        }
    }

    @Test
    void tableKeepsWorkingPastItsInitialCapacity() {
        Tables tables = new Tables();
        int stacks = 1 << 10; // the table starts with 256 slots and grows at half full: grows three times
        long[] ids = new long[stacks];
        for (int pass = 0; pass < 2; pass++) {
            for (int p = 0; p < stacks; p++) {
                long id = tables.intern(path(p, 10)); // one call site for both passes
                if (pass == 0) {
                    ids[p] = id;
                } else {
                    assertThat(id).as("path %d after growth", p).isEqualTo(ids[p]);
                }
            }
        }
        assertThat(java.util.Arrays.stream(ids).distinct().count()).isEqualTo(stacks);
        assertThat(tables.symbolizeAndCompare()).hasSize(stacks);
    }

    @Test
    void concurrentInsertsWhileTheTableGrows() throws Exception {
        Tables tables = new Tables();
        int threads = 8;
        int perThread = 128; // 1024 distinct stacks in all, so the table grows while threads insert
        CyclicBarrier start = new CyclicBarrier(threads);
        Map<Integer, Long> idOfPath = new ConcurrentHashMap<>();
        List<Throwable> failures = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t * perThread;
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    for (int round = 0; round < 3; round++) {
                        for (int p = first; p < first + perThread; p++) {
                            long id = tables.intern(path(p, 10));
                            Long before = idOfPath.putIfAbsent(p, id);
                            assertThat(before == null ? id : before).as("path %d", p).isEqualTo(id);
                        }
                    }
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        assertThat(failures).isEmpty();
        assertThat(new HashSet<>(idOfPath.values())).hasSize(threads * perThread);
        assertThat(tables.symbolizeAndCompare()).hasSize(threads * perThread);
    }

    /**
     * A thread whose run() recurses into itself, so its bottom frame is the same frame as the ones
     * above it: a stack of exactly {@code limit} frames and one of {@code limit + 1} share their
     * innermost {@code limit} frames, and only the truncated flag tells them apart.
     */
    private static final class SelfRecursive extends Thread {
        private int frames;
        private final int limit;
        private final Tables tables;
        volatile long id;
        volatile Throwable failure;

        SelfRecursive(int frames, int limit, Tables tables) {
            this.frames = frames;
            this.limit = limit;
            this.tables = tables;
        }

        @Override
        public void run() {
            if (--frames > 0) {
                run();
            } else {
                try {
                    id = tables.intern(TierProbe.captureRaw(limit));
                } catch (Throwable e) {
                    failure = e;
                }
            }
        }
    }

    @Test
    void aStackAtTheLimitAndOneBeyondWithTheSameFramesAreDistinct() throws Exception {
        int limit = 16;
        Tables tables = new Tables(limit);
        SelfRecursive exact = new SelfRecursive(limit, limit, tables);
        exact.start();
        exact.join();
        SelfRecursive over = new SelfRecursive(limit + 1, limit, tables);
        over.start();
        over.join();
        assertThat(exact.failure).isNull();
        assertThat(over.failure).isNull();
        Map<Long, StackTrace> stacks = tables.symbolizeAndCompare();
        assertThat(stacks.get(exact.id).truncated()).isFalse();
        assertThat(stacks.get(over.id).truncated()).isTrue();
        assertThat(stacks.get(exact.id).frames()).isEqualTo(stacks.get(over.id).frames()).hasSize(limit);
        assertThat(over.id).isNotEqualTo(exact.id);
    }

    @Test
    void clearedTableStartsAgain() {
        Tables tables = new Tables();
        long first = tables.intern(TierProbe.captureRaw());
        tables.fast.clear();
        tables.slow.clear();
        assertThat(tables.fast.symbolize()).isEmpty();
        long second = tables.fast.id(TierProbe.captureRaw().fast());
        assertThat(second).isEqualTo(first).isEqualTo(1);
    }
}
