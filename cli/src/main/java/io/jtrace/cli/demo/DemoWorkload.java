package io.jtrace.cli.demo;

import io.jtrace.Region;
import io.jtrace.Task;
import io.jtrace.Trace;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The workload {@code jtrace demo} records: an order pipeline. For each order a task begins on
 * the producer thread ("validate" region; one order arrives per millisecond), a virtual thread fetches its inventory (a sleep
 * standing in for I/O, "fetchInventory" region), then a pool of platform workers takes it from a
 * queue, prices it ("process" with a nested "price" region, a contended ledger lock) and ends the
 * task: tasks that span three threads, regions that nest, logs attached to tasks.
 */
public final class DemoWorkload {
    private static final int WORKERS = 4;
    /** Time between order arrivals: the default 2,000 orders take a few generations. */
    private static final long ARRIVAL_MILLIS = 1;

    /** What the run did. */
    public record Result(int orders, int platformWorkers, int virtualThreads, long millis) {}

    private record Order(int id, Task task) {}

    private final int orders;
    private final ReentrantLock ledger = new ReentrantLock();
    private long ledgerTotal;

    public DemoWorkload(int orders) {
        this.orders = orders;
    }

    /**
     * The demo as a program of its own, to record with the agent (every block, wake-up and mount,
     * not only the annotations {@code jtrace demo} records in process):
     * {@code ./jtrace record -o demo.jtrace -- -cp cli/target/jtrace-cli.jar io.jtrace.cli.demo.DemoWorkload [ORDERS]}.
     */
    public static void main(String[] args) throws InterruptedException {
        Result r = new DemoWorkload(args.length > 0 ? Integer.parseInt(args[0]) : 2000).run();
        System.out.printf("demo: %d orders processed by %d platform workers and %d virtual threads in %d ms%n",
                r.orders(), r.platformWorkers(), r.virtualThreads(), r.millis());
    }

    public Result run() throws InterruptedException {
        long start = System.nanoTime();
        BlockingQueue<Order> queue = new ArrayBlockingQueue<>(16);
        CountDownLatch done = new CountDownLatch(orders);
        Thread[] workers = new Thread[WORKERS];
        for (int i = 0; i < WORKERS; i++) {
            workers[i] = Thread.ofPlatform().name("demo-worker-" + i).start(() -> work(queue, done));
        }
        Task batch = Trace.newTask("batch");
        try (ExecutorService fetchers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int id = 0; id < orders; id++) {
                Task task = Trace.newTask(batch, "order");
                try (Region r = task.region("validate")) {
                    spin(20_000);
                }
                Order order = new Order(id, task);
                fetchers.submit(() -> {
                    fetch(order);
                    queue.put(order);
                    return null;
                });
                Thread.sleep(ARRIVAL_MILLIS);
                if (id % 500 == 0) {
                    batch.log("progress", "submitted " + id + " orders");
                }
            }
            done.await();
        }
        batch.end();
        for (Thread w : workers) {
            w.interrupt();
            w.join();
        }
        return new Result(orders, WORKERS, orders, (System.nanoTime() - start) / 1_000_000);
    }

    private static void fetch(Order order) throws InterruptedException {
        try (Region r = order.task().region("fetchInventory")) {
            Thread.sleep(1 + ThreadLocalRandom.current().nextInt(4));
            order.task().log("inventory", "order " + order.id() + " in stock");
        }
    }

    private void work(BlockingQueue<Order> queue, CountDownLatch done) {
        try {
            while (true) {
                Order order = queue.take();
                try (Region process = order.task().region("process")) {
                    long price;
                    try (Region r = order.task().region("price")) {
                        price = 100 + spin(50_000) % 900;
                    }
                    ledger.lock();
                    try {
                        ledgerTotal += price;
                        spin(5_000);
                    } finally {
                        ledger.unlock();
                    }
                    order.task().log("priced", "order " + order.id() + " costs " + price);
                }
                order.task().end();
                done.countDown();
            }
        } catch (InterruptedException e) {
            // the demo is over
        }
    }

    /** CPU work that the JIT cannot remove. */
    private static long spin(int iterations) {
        long x = iterations;
        for (int i = 0; i < iterations; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return x >>> 1;
    }
}
