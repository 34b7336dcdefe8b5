package io.jtrace.agent.jfr;

import io.jtrace.Trace;
import io.jtrace.recorder.LateEvents;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts the {@link JdkEventBridge} on a daemon thread of the tracer's, a moment after the
 * application starts, and ends it with the trace. Flight Recorder takes ~0.35 s to start; on the
 * agent's start-up path it was most of the agent's start-up (docs/performance.md, "Agent
 * start-up"), and a JVM whose exit comes while it is starting waits 0.3 s more (the VM's exit
 * waits for JFR's recorder thread). So: a program that ends within {@link #DELAY_MILLIS} never
 * starts it; one that ends while it starts waits for the start, then stops it as usual; every
 * other program has its monitor, GC and safepoint events from the moment the start is done.
 */
public final class DeferredStart {
    /** Long enough for a short program (a hello world, a forked test JVM's quick run) to be over. */
    static final long DELAY_MILLIS = 300;
    /** How long the trace's stop waits for a start in progress (a loaded machine took 2.5 s once). */
    private static final long START_PATIENCE_MILLIS = 5_000;

    private static final int WAITING = 0, STARTING = 1, RUNNING = 2, OVER = 3;

    private final AtomicInteger state = new AtomicInteger(WAITING);
    /** Counted down when the wait is cut short by the stop, or when a start has succeeded or failed. */
    private final CountDownLatch decided = new CountDownLatch(1);
    private volatile JdkEventBridge bridge;
    /** Set when the trace's stop began: a start failing after that (the JVM's exit) is no news. */
    private volatile boolean ending;

    private DeferredStart() {}

    /** Schedules the bridge's start; the trace's stop ends it, whatever it is doing then. */
    public static void begin() {
        DeferredStart d = new DeferredStart();
        if (!LateEvents.beforeStop(d::end)) {
            return; // the trace is over already
        }
        LateEvents.jdkEventsStarting();
        Thread t = Thread.ofPlatform().daemon().name("jtrace-jdk-events").unstarted(d::run);
        LateEvents.excludeThread(t);
        t.start();
    }

    private void run() {
        try {
            if (decided.await(DELAY_MILLIS, TimeUnit.MILLISECONDS) || !state.compareAndSet(WAITING, STARTING)) {
                return; // the trace stopped first (end() said so)
            }
        } catch (InterruptedException e) {
            LateEvents.jdkEventsOver();
            return;
        }
        JdkEventBridge b;
        try {
            b = JdkEventBridge.start();
        } catch (Exception | LinkageError e) {
            state.set(OVER);
            LateEvents.jdkEventsOver();
            decided.countDown();
            if (!ending && Trace.isEnabled()) { // not Flight Recorder refusing because the JVM is exiting
                System.err.println("jtrace: monitor, GC and safepoint events unavailable (" + e + "); recording the rest");
            }
            return;
        }
        bridge = b;
        if (!state.compareAndSet(STARTING, RUNNING)) {
            b.close(); // the stop gave up waiting for this start: nothing to deliver into any more
            return;
        }
        LateEvents.jdkEventsRunning();
        decided.countDown();
        b.stream(); // until end() stops it
    }

    /** At the trace's stop: cancels a start not begun, waits for one in progress, stops a running bridge. */
    private void end() {
        ending = true;
        if (state.compareAndSet(WAITING, OVER)) {
            decided.countDown();
            LateEvents.jdkEventsOver();
            return;
        }
        try {
            decided.await(START_PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (state.getAndSet(OVER) == RUNNING) {
            bridge.stop();
        }
        LateEvents.jdkEventsOver();
    }
}
