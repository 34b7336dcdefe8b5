package io.jtrace.agent.it.workloads;

import java.util.concurrent.locks.LockSupport;

/**
 * Virtual thread "pinned" parks 50 ms inside a class initializer, which pins it to its carrier
 * (the JDK cannot unmount a thread running {@code <clinit>}); then virtual thread "free" parks
 * 50 ms with nothing pinning it.
 */
public final class PinnedPark {
    public static final class SlowToInitialize {
        static final long READY;

        static {
            parkedInInitializer();
            READY = System.nanoTime();
        }

        private static void parkedInInitializer() {
            LockSupport.parkNanos(50_000_000L);
        }
    }

    public static void main(String[] args) throws Exception {
        Thread pinned = Thread.ofVirtual().name("pinned").start(() -> System.out.println("initialized " + (SlowToInitialize.READY != 0)));
        pinned.join();
        Thread free = Thread.ofVirtual().name("free").start(PinnedPark::parkedFree);
        free.join();
        System.out.println("done");
    }

    private static void parkedFree() {
        LockSupport.parkNanos(50_000_000L);
    }
}
