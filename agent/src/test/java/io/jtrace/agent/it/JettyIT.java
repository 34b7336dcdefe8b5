package io.jtrace.agent.it;

import io.jtrace.agent.it.RecordedTrace.Ev;
import io.jtrace.agent.it.workloads.JettyServerWorkload;
import io.jtrace.format.BlockReason;
import io.jtrace.format.EventType;
import io.jtrace.format.ThreadInfo;
import io.jtrace.format.WakerKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Jetty 12 server on virtual threads (Jetty's VirtualThreadPool: acceptor, selector and request
 * handling all run on virtual threads) serving 8 keep-alive clients × (10 + 50) requests over
 * loopback, traced with the agent. Jetty reads and writes sockets in non-blocking mode, so its
 * waits for the network are the selector's (reason select) and the acceptor's blocking accept
 * (reason socket); the request handler's 1 ms sleep marks every request.
 */
class JettyIT {
    private static final String SUMMARY = "warmup 80 ok 80\nrequests 400 ok 400\nserver handled 480\n";

    @TempDir
    Path dir;

    @Test
    void aJettyServerOnVirtualThreadsServesRealRequestsAndItsNetworkWaitsAreWokenByTheNetwork() throws Exception {
        AgentRun run = AgentRun.withAgent(dir, "", JettyServerWorkload.class);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo(SUMMARY);
        assertThat(run.stderr()).doesNotContain("jtrace:");
        RecordedTrace t = run.read();
        assertThat(t.truncated).isFalse();
        assertThat(t.lost).isZero();
        assertThat(t.errors).as("validation errors (%d), the first ones: %s", t.validationErrors,
                t.errors.subList(0, Math.min(10, t.errors.size()))).isEmpty();

        Map<Long, List<Ev>> unblocks = new HashMap<>();
        for (Ev e : t.of(EventType.UNBLOCK)) {
            unblocks.computeIfAbsent(e.arg("target"), k -> new ArrayList<>()).add(e);
        }
        unblocks.values().forEach(l -> l.sort(Comparator.comparingLong(u -> u.event().time())));

        // every request: the handler's sleep, on a virtual thread running Jetty's request handling
        List<Ev> handled = blocksOnVirtualThreads(t, BlockReason.SLEEP,
                frame(JettyServerWorkload.class.getName() + "$Hello", "handle"));
        assertThat(handled).hasSize(480);
        for (Ev sleep : handled) {
            assertThat(frame("org.eclipse.jetty.server.internal.HttpConnection", "onFillable").test(sleep))
                    .as("Jetty reads the request, then calls the handler: %s", sleep.stack()).isTrue();
            assertThat(next(unblocks, sleep).waker()).isEqualTo(WakerKind.TIMER);
        }

        // the acceptor blocks in ServerSocketChannel.accept: the client's connects wake it
        List<Ev> accepts = blocksOnVirtualThreads(t, BlockReason.SOCKET, frame("org.eclipse.jetty.server.ServerConnector", "accept"));
        assertThat(accepts).isNotEmpty();
        long byTheNetwork = 0;
        for (Ev accept : accepts) {
            Ev woken = next(unblocks, accept);
            if (woken.waker() == WakerKind.UNKNOWN) {
                byTheNetwork++;
                assertThat(woken.thread()).as("the poller thread must not stand for the waker").isZero();
            } else { // the last accept ends when the server stops: main interrupts the acceptor
                assertThat(woken.waker()).isEqualTo(WakerKind.CURRENT);
                assertThat(woken.thread()).isEqualTo(t.thread("main"));
            }
        }
        assertThat(byTheNetwork).as("accepts woken by a client's connect").isGreaterThanOrEqualTo(1);

        // the selector waits for readable connections: at least one wake-up per 8 requests (8 connections)
        List<Ev> selects = blocksOnVirtualThreads(t, BlockReason.SELECT, frame("org.eclipse.jetty.io.ManagedSelector", "select"));
        assertThat(selects).hasSizeGreaterThanOrEqualTo(480 / 8);
        for (Ev select : selects) {
            Ev woken = next(unblocks, select);
            assertThat(woken.waker()).isEqualTo(WakerKind.UNKNOWN);
            assertThat(woken.thread()).as("the poller thread must not stand for the waker").isZero();
        }

        // every virtual thread that mounted unmounted as often
        Map<Long, int[]> mounts = new HashMap<>();
        for (Ev e : t.of(EventType.MOUNT)) {
            mounts.computeIfAbsent(e.arg("vthread"), k -> new int[2])[0]++;
        }
        for (RecordedTrace.Unmount u : t.unmounts()) { // written, or implied by a BLOCK (format version 4)
            mounts.computeIfAbsent(u.vthread(), k -> new int[2])[1]++;
        }
        long jettyVirtualThreads = t.threads.values().stream()
                .filter(i -> i.virtual() && i.name() != null && i.name().startsWith("jetty")).count();
        assertThat(jettyVirtualThreads).as("Jetty's virtual threads").isGreaterThanOrEqualTo(10);
        for (Map.Entry<Long, int[]> e : mounts.entrySet()) {
            ThreadInfo info = t.threads.get(e.getKey());
            assertThat(info).isNotNull();
            assertThat(info.virtual()).isTrue();
            assertThat(e.getValue()[0]).as("mounts vs unmounts of T%d %s", e.getKey(), info.name()).isEqualTo(e.getValue()[1]);
        }
    }

    @Test
    void theServerAndItsClientsPrintAndExitTheSameWithAndWithoutTheAgent() throws Exception {
        AgentRun plain = AgentRun.withoutAgent(dir, JettyServerWorkload.class);
        AgentRun traced = AgentRun.withAgent(dir, "", JettyServerWorkload.class);
        assertThat(plain.exitCode()).as(plain.stderr()).isZero();
        assertThat(traced.exitCode()).as(traced.stderr()).isEqualTo(plain.exitCode());
        assertThat(traced.stdout()).isEqualTo(plain.stdout()).isEqualTo(SUMMARY);
    }

    /** BLOCK events of {@code reason} by virtual threads whose stack has a frame matching {@code frame}. */
    private static List<Ev> blocksOnVirtualThreads(RecordedTrace t, BlockReason reason, Predicate<Ev> frame) {
        return t.of(EventType.BLOCK).stream()
                .filter(e -> e.reason() == reason && t.threads.get(e.thread()) != null && t.threads.get(e.thread()).virtual())
                .filter(frame)
                .toList();
    }

    private static Predicate<Ev> frame(String className, String method) {
        return e -> e.stack().stream().anyMatch(f -> f.className().equals(className) && f.methodName().equals(method));
    }

    /** The first UNBLOCK of the thread that wrote {@code block}, after it. */
    private static Ev next(Map<Long, List<Ev>> unblocks, Ev block) {
        return unblocks.getOrDefault(block.thread(), List.of()).stream()
                .filter(u -> u.event().time() >= block.event().time())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no unblock after " + block.event() + " " + block.stack()));
    }
}
