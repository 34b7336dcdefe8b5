package io.jtrace.agent.it.workloads;

import java.util.concurrent.locks.LockSupport;

/**
 * A thread ("parker", virtual or platform) parks three times: with a permit it left itself, while
 * interrupted, and for real until main unparks it 30 ms after it waits. Only the third park
 * blocks.
 */
public final class PermitParks {
    public static void main(String[] args) throws Exception {
        boolean virtual = args.length > 0 && args[0].equals("virtual");
        Thread parker = (virtual ? Thread.ofVirtual() : Thread.ofPlatform()).name("parker").start(() -> {
            LockSupport.unpark(Thread.currentThread());
            withPermit();
            Thread.currentThread().interrupt();
            interrupted();
            if (Thread.interrupted()) {
                untilUnparked();
            }
        });
        Work.untilWaiting(parker, 30);
        LockSupport.unpark(parker);
        parker.join();
        System.out.println("done");
    }

    private static void withPermit() {
        LockSupport.park(); // returns at once: the permit is there
    }

    private static void interrupted() {
        LockSupport.park(); // returns at once: the thread is interrupted
    }

    private static void untilUnparked() {
        LockSupport.park(); // a spurious return would end the program early: the test then fails, it does not hang
    }
}
