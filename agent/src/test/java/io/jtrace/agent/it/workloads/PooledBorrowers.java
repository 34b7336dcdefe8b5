package io.jtrace.agent.it.workloads;

import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Apache Commons Pool, the way its own tests work it: a pool of one object held by main while
 * "starved" borrows with a 50 ms wait (it times out) and "interrupted" borrows with a long wait
 * (main interrupts it); then rounds of platform and virtual threads created, started, borrowing
 * with short waits from a pool of two with an evictor thread, some interrupted, beside a thread
 * pool whose workers time out and are cancelled. Prints "done".
 */
public final class PooledBorrowers {
    public static void main(String[] args) throws Exception {
        try (GenericObjectPool<Object> one = pool(1, Duration.ofSeconds(10), null)) {
            Object held = one.borrowObject();
            Thread starved = Thread.ofPlatform().name("starved").start(() -> {
                try {
                    one.borrowObject(Duration.ofMillis(50));
                    throw new IllegalStateException("borrowed an object main holds");
                } catch (NoSuchElementException timedOut) {
                    System.out.println("starved timed out");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            starved.join();
            Thread interrupted = Thread.ofPlatform().name("interrupted").start(() -> {
                try {
                    one.borrowObject();
                    throw new IllegalStateException("borrowed an object main holds");
                } catch (InterruptedException e) {
                    System.out.println("interrupted gave up");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Work.untilWaiting(interrupted, 10);
            interrupted.interrupt();
            interrupted.join();
            one.returnObject(held);
        }
        churn();
        System.out.println("done");
    }

    private static void churn() throws Exception {
        ThreadPoolExecutor workers = new ThreadPoolExecutor(3, 3, 5, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
        workers.allowCoreThreadTimeOut(true);
        Random random = new Random(1);
        try (GenericObjectPool<Object> two = pool(2, Duration.ofMillis(3), Duration.ofMillis(5))) {
            for (int round = 0; round < 150; round++) {
                List<Thread> borrowers = new ArrayList<>();
                List<java.util.concurrent.Future<?>> tasks = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    Runnable borrow = () -> {
                        try {
                            Object o = two.borrowObject(Duration.ofMillis(2));
                            Thread.sleep(1);
                            two.returnObject(o);
                        } catch (Exception timedOutOrInterrupted) {
                            // what the round is about
                        }
                    };
                    Thread t = (i % 2 == 0 ? Thread.ofVirtual() : Thread.ofPlatform()).unstarted(borrow);
                    borrowers.add(t);
                    t.start();
                    tasks.add(workers.submit(borrow));
                }
                borrowers.get(random.nextInt(borrowers.size())).interrupt();
                tasks.get(random.nextInt(tasks.size())).cancel(true);
                for (Thread t : borrowers) {
                    t.join();
                }
                if (random.nextInt(10) == 0) {
                    Thread.sleep(8); // long enough for the pool's workers to time out and end
                }
            }
        }
        workers.shutdown();
        if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the workers did not end");
        }
    }

    private static GenericObjectPool<Object> pool(int size, Duration maxWait, Duration evictEvery) {
        GenericObjectPoolConfig<Object> c = new GenericObjectPoolConfig<>();
        c.setMaxTotal(size);
        c.setMaxWait(maxWait);
        if (evictEvery != null) {
            c.setTimeBetweenEvictionRuns(evictEvery);
            c.setMinEvictableIdleDuration(Duration.ofMillis(1));
        }
        return new GenericObjectPool<>(new BasePooledObjectFactory<>() {
            @Override
            public Object create() {
                return new Object();
            }

            @Override
            public PooledObject<Object> wrap(Object o) {
                return new DefaultPooledObject<>(o);
            }
        }, c);
    }
}
