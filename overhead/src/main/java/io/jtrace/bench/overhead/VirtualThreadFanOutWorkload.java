package io.jtrace.bench.overhead;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Virtual-thread fan-out: batches of 100,000 tasks, one virtual thread each, that sleep 1–2 ms,
 * then borrow one of 128 loopback connections to an echo server (itself on virtual threads),
 * send 64 bytes and read them back. A task is a request: its latency runs from the moment its thread first runs to
 * its echo (sleep, wait for a connection, round trip). Connections are pooled because 100,000 connects per batch would exhaust
 * ephemeral ports.
 */
final class VirtualThreadFanOutWorkload implements Workload {
    static final int TASKS_PER_BATCH = 100_000;
    private static final int CONNECTIONS = 128;
    private static final int MESSAGE = 64;

    private record Connection(Socket socket, OutputStream out, DataInputStream in) {}

    @Override
    public void start(Meter meter) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        Thread.ofVirtual().name("echo-acceptor").start(() -> accept(server));
        BlockingQueue<Connection> pool = new ArrayBlockingQueue<>(CONNECTIONS);
        for (int i = 0; i < CONNECTIONS; i++) {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            s.setTcpNoDelay(true);
            pool.add(new Connection(s, s.getOutputStream(), new DataInputStream(s.getInputStream())));
        }
        Workers.start("fan-out-driver", 1, () -> {
            while (true) {
                try (ExecutorService tasks = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int i = 0; i < TASKS_PER_BATCH; i++) {
                        tasks.submit(() -> {
                            long started = System.nanoTime();
                            task(pool);
                            meter.request(started);
                            return null;
                        });
                    }
                }
            }
        });
    }

    private static void task(BlockingQueue<Connection> pool) throws Exception {
        Thread.sleep(1 + ThreadLocalRandom.current().nextInt(2));
        byte[] message = new byte[MESSAGE];
        Connection c = pool.take();
        try {
            c.out().write(message);
            c.in().readFully(message);
        } finally {
            pool.put(c);
        }
    }

    private static void accept(ServerSocket server) {
        try {
            while (true) {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                Thread.ofVirtual().name("echo").start(() -> echo(s));
            }
        } catch (IOException e) {
            System.err.println("echo server stopped: " + e);
        }
    }

    private static void echo(Socket s) {
        byte[] buf = new byte[MESSAGE];
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            DataInputStream din = new DataInputStream(in);
            while (true) {
                din.readFully(buf);
                out.write(buf);
            }
        } catch (IOException e) {
            // the client side closed: the JVM is exiting
        }
    }
}
