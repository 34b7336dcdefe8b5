package io.jtrace.recorder;

import io.jtrace.format.ThreadState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry's id-indexed table: one record per thread whoever adds it and in whatever order,
 * also where ids share a slot (more threads than slots), and a sweep running beside adds unlinks
 * exactly the records that left. Unstarted virtual threads are real Thread objects with real,
 * sequential ids, cheap enough to make more of than the table has slots.
 */
class ThreadTableTest {
    private static final int THREADS = ThreadTable.SIZE + ThreadTable.SIZE / 2; // every second slot holds two

    private static List<Thread> unstarted(int n) {
        List<Thread> ts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ts.add(Thread.ofVirtual().unstarted(() -> { }));
        }
        return ts;
    }

    @Test
    void concurrentAddersOfTheSameThreadsAllGetTheOneRecordInTheTable() throws Exception {
        List<Thread> threads = unstarted(THREADS);
        ThreadTable table = new ThreadTable();
        int adders = 3;
        List<AtomicReferenceArray<ThreadRecord>> got = new ArrayList<>();
        CyclicBarrier start = new CyclicBarrier(adders);
        List<Thread> workers = new ArrayList<>();
        for (int a = 0; a < adders; a++) {
            AtomicReferenceArray<ThreadRecord> mine = new AtomicReferenceArray<>(THREADS);
            got.add(mine);
            int offset = a * (THREADS / adders); // each adder starts at its own place and wraps around
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                for (int k = 0; k < THREADS; k++) {
                    int i = (k + offset) % THREADS;
                    mine.set(i, table.add(new ThreadRecord(threads.get(i), ThreadState.RUNNING)));
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        Map<ThreadRecord, Boolean> distinct = new IdentityHashMap<>();
        for (int i = 0; i < THREADS; i++) {
            ThreadRecord inTable = table.find(threads.get(i));
            assertThat(inTable).as("record of thread %d", i).isNotNull();
            assertThat(inTable.thread).isSameAs(threads.get(i));
            for (AtomicReferenceArray<ThreadRecord> mine : got) {
                assertThat(mine.get(i)).as("what an adder got for thread %d", i).isSameAs(inTable);
            }
            distinct.put(inTable, Boolean.TRUE);
        }
        assertThat(distinct).hasSize(THREADS);
        AtomicInteger live = new AtomicInteger();
        table.forEachLive(r -> live.incrementAndGet());
        assertThat(live.get()).as("records linked").isEqualTo(THREADS);
    }

    @Test
    void aSweepBesideAddsUnlinksExactlyTheRecordsThatLeft() throws Exception {
        List<Thread> first = unstarted(THREADS);
        ThreadTable table = new ThreadTable();
        List<ThreadRecord> firstRecords = new ArrayList<>();
        for (Thread t : first) {
            firstRecords.add(table.add(new ThreadRecord(t, ThreadState.RUNNING)));
        }
        // every other one ends (its record lets go of the Thread) or is retired, as prune does
        for (int i = 0; i < THREADS; i += 2) {
            ThreadRecord r = firstRecords.get(i);
            if (i % 4 == 0) {
                r.letGo();
            } else {
                r.retired = true;
            }
        }
        List<Thread> second = unstarted(THREADS / 2); // ids past the first ones', into the same slots
        Thread adder = Thread.ofPlatform().start(() -> {
            for (Thread t : second) {
                table.add(new ThreadRecord(t, ThreadState.RUNNING));
            }
        });
        table.sweep(r -> r.retired); // the writer's sweep, while the adds go on
        adder.join();
        table.sweep(r -> r.retired); // and once more after: nothing it must keep goes

        for (int i = 0; i < THREADS; i++) {
            ThreadRecord found = table.find(first.get(i));
            if (i % 2 == 0) {
                assertThat(found).as("thread %d left", i).isNull();
            } else {
                assertThat(found).as("thread %d stays", i).isSameAs(firstRecords.get(i));
            }
        }
        for (Thread t : second) {
            assertThat(table.find(t)).as("a thread added during the sweep").isNotNull();
        }
        AtomicInteger linked = new AtomicInteger();
        table.forEachLive(r -> linked.incrementAndGet());
        assertThat(linked.get()).isEqualTo(THREADS / 2 + second.size());
    }
}
