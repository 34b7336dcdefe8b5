package io.jtrace.recorder;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The trace clock on the CPU's time-stamp counter keeps System.nanoTime()'s time: it never goes
 * back, also while another thread refits its scale over and over (as the background writer does
 * once per generation), and stays within a millisecond of nanoTime (its fit is good to a few
 * microseconds; the bound leaves room for a loaded machine descheduling the reads).
 */
class TickClockTest {

    @Test
    void keepsNanoTimesTimeAndNeverGoesBackWhileItsScaleIsRefit() throws Exception {
        TickClock clock = TickClock.create();
        assumeTrue(clock != null, "no time-stamp counter the kernel trusts here, or no fp helper");
        AtomicBoolean done = new AtomicBoolean();
        Thread refits = Thread.ofPlatform().start(() -> {
            while (!done.get()) {
                clock.refit();
                Thread.onSpinWait();
            }
        });
        long reads = 0;
        long backwards = 0;
        long last = clock.nanoTime();
        long end = System.nanoTime() + 300_000_000L;
        try {
            while (System.nanoTime() < end) {
                long now = clock.nanoTime();
                if (now < last - 1) { // a refit rounds to the nanosecond; Writer.timed clamps such steps to 0
                    backwards++;
                }
                last = Math.max(last, now);
                reads++;
            }
        } finally {
            done.set(true);
            refits.join();
        }
        assertThat(reads).isGreaterThan(1000);
        assertThat(backwards).as("reads earlier than an earlier read").isZero();
        clock.refit();
        assertThat(Math.abs(clock.leadNanos())).as("ns from nanoTime").isLessThan(1_000_000L);
    }

    /**
     * A read made after seeing another thread's store is never earlier than that thread's read
     * made before the store, as for a waker and the thread it wakes on another CPU. Plain RDTSC
     * may run ahead of the load before it, and did here: ~100 UNBLOCKs timed before the BLOCK
     * they end in a 13 s trace of a virtual-thread workload.
     */
    @Test
    void aReadAfterSeeingAnotherThreadsStoreIsNotEarlierThanItsReadBeforeIt() throws Exception {
        TickClock clock = TickClock.create();
        assumeTrue(clock != null, "no time-stamp counter the kernel trusts here, or no fp helper");
        int rounds = 500_000;
        java.util.concurrent.atomic.AtomicLong published = new java.util.concurrent.atomic.AtomicLong(-1);
        java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong(-1);
        Thread writer = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < rounds; i++) {
                while (seen.get() != i - 1) {
                    Thread.onSpinWait();
                }
                published.set(clock.nanoTime()); // read, then store
            }
        });
        long earlier = 0;
        long last = -1;
        for (int i = 0; i < rounds; i++) {
            long p;
            while ((p = published.get()) == last) {
                Thread.onSpinWait();
            }
            long now = clock.nanoTime(); // after the load that saw the store
            if (now < p) {
                earlier++;
            }
            last = p;
            seen.set(i);
        }
        writer.join();
        assertThat(earlier).as("reads earlier than the read before the store they saw").isZero();
    }
}
