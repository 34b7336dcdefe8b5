package io.jtrace.agent.it.workloads;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Many hand-offs through a SynchronousQueue (a block and a wake-up, each with a stack, per
 * hand-off), from stacks of many shapes: shallow and deep (30, 100 frames), through lambdas, a
 * method reference and small methods the JIT inlines, first interpreted and later compiled; by
 * platform threads, then by virtual threads that yield between hand-offs; and virtual threads
 * that park on their way back up a recursion (see {@link #unwinding}). For the fp stack tier's
 * cross-check against the fast tier.
 */
public final class StackShapes {
    private static final int HANDOFFS = 20_000;

    public static void main(String[] args) throws Exception {
        handOffs(Thread.ofPlatform().name("producer"), Thread.ofPlatform().name("consumer"), false);
        handOffs(Thread.ofVirtual().name("virtual-producer"), Thread.ofVirtual().name("virtual-consumer"), true);
        unwinding();
        System.out.println("done");
    }

    /**
     * Virtual threads that park at one call site on their way back up a recursion 40 frames deep,
     * at every level, every second or every third: after each park the VM copies back only the
     * top frames and each return goes through the return barrier, so the same frames above the
     * barrier, after the same park 40 deep, stand above frozen parts one, two or three frames
     * shorter. Their stacks must still be told apart.
     */
    private static void unwinding() throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 12; t++) {
            int every = 1 + t % 3;
            threads.add(Thread.ofVirtual().name("unwinding-" + t).start(() -> {
                for (int rep = 0; rep < 3; rep++) {
                    parkOnTheWayUp(40, every);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    private static void parkOnTheWayUp(int depth, int every) {
        if (depth > 0) {
            parkOnTheWayUp(depth - 1, every);
        }
        if (depth % every == 0) {
            LockSupport.parkNanos(20_000); // a virtual thread unmounts here
        }
    }

    private static void handOffs(Thread.Builder producerBuilder, Thread.Builder consumerBuilder, boolean yield)
            throws InterruptedException {
        SynchronousQueue<Integer> q = new SynchronousQueue<>();
        Thread consumer = consumerBuilder.start(() -> {
            for (int i = 0; i < HANDOFFS; i++) {
                int depth = i % 3 == 0 ? 0 : i % 3 == 1 ? 30 : 100;
                at(depth, n -> take(q));
                if (yield && i % 2 == 0) {
                    Thread.yield();
                }
            }
        });
        Thread producer = producerBuilder.start(() -> {
            IntConsumer viaReference = StackShapes::put0;
            for (int i = 0; i < HANDOFFS; i++) {
                int v = i;
                switch (i % 4) {
                    case 0 -> put(q, v);
                    case 1 -> at(30, n -> put(q, v));
                    case 2 -> at(100, n -> inlined(q, v));
                    default -> {
                        queue = q;
                        viaReference.accept(v);
                    }
                }
                if (yield && i % 3 == 0) {
                    Thread.yield();
                }
            }
        });
        producer.join();
        consumer.join();
    }

    private static SynchronousQueue<Integer> queue;

    /** Calls {@code action} from {@code depth} frames deeper. */
    private static void at(int depth, IntConsumer action) {
        if (depth <= 0) {
            action.accept(depth);
        } else {
            at(depth - 1, action);
        }
    }

    private static void inlined(SynchronousQueue<Integer> q, int v) {
        put(q, v + 1 - 1);
    }

    private static void put0(int v) {
        put(queue, v);
    }

    private static void put(SynchronousQueue<Integer> q, int v) {
        try {
            q.put(v);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void take(SynchronousQueue<Integer> q) {
        try {
            q.take();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
