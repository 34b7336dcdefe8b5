package io.jtrace.agent.it.workloads;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Jetty 12 HTTP server on virtual threads, bound to 127.0.0.1 on an ephemeral port, and a
 * java.net.http client in the same JVM: {@code clients} virtual threads each send
 * {@code warmup} and then {@code requests} GETs over keep-alive HTTP/1.1 connections and check
 * every body. The handler sleeps 1 ms and counts the request under a shared ReentrantLock.
 *
 * <p>Arguments, all optional: {@code clients requests warmup pool}, default {@code 8 50 10 virtual};
 * pool is {@code virtual} (Jetty's VirtualThreadPool: every Jetty thread, acceptor and selector
 * included, is virtual) or {@code queued} (a QueuedThreadPool of platform threads that hands
 * blocking work, request handling, to virtual threads). Stdout is deterministic; the measured
 * phase's throughput goes to stderr.
 */
public final class JettyServerWorkload {
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static long handled;

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        String pool = args.length > 3 ? args[3] : "virtual";

        Server server = new Server(threadPool(pool));
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Hello());
        server.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");
            try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build()) {
                int warmOk = phase(client, base, clients, warmup, "w");
                long start = System.nanoTime();
                int ok = phase(client, base, clients, requests, "r");
                long nanos = System.nanoTime() - start;
                System.out.println("warmup " + clients * warmup + " ok " + warmOk);
                System.out.println("requests " + clients * requests + " ok " + ok);
                System.err.printf("throughput %.1f requests/s (%d requests in %.1f ms)%n",
                        clients * requests * 1e9 / nanos, clients * requests, nanos / 1e6);
            }
        } finally {
            server.stop();
        }
        LOCK.lock();
        try {
            System.out.println("server handled " + handled);
        } finally {
            LOCK.unlock();
        }
    }

    private static ThreadPool threadPool(String kind) {
        return switch (kind) {
            case "virtual" -> {
                VirtualThreadPool p = new VirtualThreadPool();
                p.setName("jetty");
                yield p;
            }
            case "queued" -> {
                QueuedThreadPool p = new QueuedThreadPool();
                p.setName("jetty");
                p.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
                yield p;
            }
            default -> throw new IllegalArgumentException("pool " + kind + ": expected virtual or queued");
        };
    }

    /** {@code clients} virtual threads each send {@code n} requests; the number of right answers. */
    private static int phase(HttpClient client, URI base, int clients, int n, String tag) throws Exception {
        AtomicInteger ok = new AtomicInteger();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                String path = tag + c;
                done.add(threads.submit(() -> {
                    for (int i = 0; i < n; i++) {
                        String p = path + "/" + i;
                        HttpRequest request = HttpRequest.newBuilder(base.resolve(p))
                                .timeout(Duration.ofSeconds(10)).GET().build();
                        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() == 200 && response.body().equals("hello /" + p + "\n")) {
                            ok.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
        return ok.get();
    }

    /** Blocking (the default invocation type), so Jetty runs it on a virtual thread. */
    private static final class Hello extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Work.sleep(1);
            LOCK.lock();
            try {
                handled++;
            } finally {
                LOCK.unlock();
            }
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            Content.Sink.write(response, true, "hello " + request.getHttpURI().getPath() + "\n", callback);
            return true;
        }
    }
}
