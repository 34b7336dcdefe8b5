package io.jtrace.agent.instrument;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.jtrace.agent.instrument.HookPoint.FIRST;
import static io.jtrace.agent.instrument.HookPoint.NULL;
import static io.jtrace.agent.instrument.HookPoint.THIS;
import static io.jtrace.agent.instrument.HookPoint.call;

/**
 * Every JDK method jtrace hooks, and what it calls (JDK 25 method names; see
 * ../shared/reference/jdk25-internals.md). A hook point missing from the running JDK is reported
 * at start-up, so a JDK change fails loudly instead of silently recording less.
 */
public final class HookPoints {
    private HookPoints() {}

    private static final String LOCK_SUPPORT = "java/util/concurrent/locks/LockSupport";
    private static final String THREAD = "java/lang/Thread";
    private static final String VIRTUAL_THREAD = "java/lang/VirtualThread";

    private static final HookPoint.Call PARK_ON_BLOCKER = call("park", "(Ljava/lang/Object;)V", FIRST);
    private static final HookPoint.Call PARK_NO_BLOCKER = call("park", "(Ljava/lang/Object;)V", NULL);
    private static final HookPoint.Call RETURNED = call("returned", "()V");
    /** A timed wait's exit (sleep, timed park): with no waker seen, the timeout ended it. */
    private static final HookPoint.Call TIMED_RETURNED = call("timedCallReturned", "()V");
    private static final HookPoint.Call TIMED_OUT = call("timedOut", "(Ljava/lang/Thread;)V", THIS);
    private static final HookPoint.Call QUEUE_ENTER = call("queueEnter", "()V");
    private static final HookPoint.Call QUEUE_EXIT = call("queueExit", "()V");
    /** A queue's waits: Condition.await, awaitNanos, awaitUntil, awaitUninterruptibly. */
    private static final HookPoint.Around CONDITION_WAITS = new HookPoint.Around("java/util/concurrent/locks/Condition", "await");

    /** All hook points, in the order they are installed. */
    public static List<HookPoint> all() {
        List<HookPoint> p = new ArrayList<>();
        // park / unpark: every java.util.concurrent block and wake-up goes through these
        p.add(new HookPoint(LOCK_SUPPORT, "park", "(Ljava/lang/Object;)V", PARK_ON_BLOCKER, RETURNED, "park"));
        p.add(new HookPoint(LOCK_SUPPORT, "parkNanos", "(Ljava/lang/Object;J)V", PARK_ON_BLOCKER, TIMED_RETURNED, "park"));
        // parkUntil(Object, long) calls parkUntil(long): the inner hook sees the thread already blocked
        p.add(new HookPoint(LOCK_SUPPORT, "parkUntil", "(Ljava/lang/Object;J)V", PARK_ON_BLOCKER, TIMED_RETURNED, "park"));
        p.add(new HookPoint(LOCK_SUPPORT, "park", "()V", PARK_NO_BLOCKER, RETURNED, "park"));
        p.add(new HookPoint(LOCK_SUPPORT, "parkNanos", "(J)V", PARK_NO_BLOCKER, TIMED_RETURNED, "park"));
        p.add(new HookPoint(LOCK_SUPPORT, "parkUntil", "(J)V", PARK_NO_BLOCKER, TIMED_RETURNED, "park"));
        p.add(new HookPoint(LOCK_SUPPORT, "unpark", "(Ljava/lang/Thread;)V",
                call("unpark", "(Ljava/lang/Thread;)V", FIRST), call("unparked", "()V"), "park"));
        // blocking queues: the waits for an element or for room are "queue" waits, not plain
        // condition waits. The context hooks wrap only the queue's Condition.await* calls, which
        // run when it must wait, not every put and take (on a busy pipeline 3 % of the CPU)
        for (String q : List.of("java/util/concurrent/ArrayBlockingQueue", "java/util/concurrent/LinkedBlockingQueue",
                "java/util/concurrent/PriorityBlockingQueue", "java/util/concurrent/DelayQueue")) {
            // DelayQueue<E extends Delayed>: its take and poll return Delayed (those returning
            // Object are bridges that make no call to wrap)
            String element = q.endsWith("DelayQueue") ? "Ljava/util/concurrent/Delayed;" : "Ljava/lang/Object;";
            p.add(new HookPoint(q, "take", "()" + element, QUEUE_ENTER, QUEUE_EXIT, "park", CONDITION_WAITS));
            p.add(new HookPoint(q, "poll", "(JLjava/util/concurrent/TimeUnit;)" + element, QUEUE_ENTER, QUEUE_EXIT,
                    "park", CONDITION_WAITS));
        }
        for (String q : List.of("java/util/concurrent/ArrayBlockingQueue", "java/util/concurrent/LinkedBlockingQueue")) {
            p.add(new HookPoint(q, "put", "(Ljava/lang/Object;)V", QUEUE_ENTER, QUEUE_EXIT, "park", CONDITION_WAITS));
            p.add(new HookPoint(q, "offer", "(Ljava/lang/Object;JLjava/util/concurrent/TimeUnit;)Z", QUEUE_ENTER, QUEUE_EXIT,
                    "park", CONDITION_WAITS));
        }
        // pool workers waiting for work, carriers among them: ForkJoinPool parks them with Unsafe.park
        p.add(new HookPoint("java/util/concurrent/ForkJoinPool", "awaitWork", "(Ljava/util/concurrent/ForkJoinPool$WorkQueue;I)I",
                call("poolIdleEnter", "()V"), call("poolIdleExit", "()V"), "park"));
        // sleep, wait and join
        p.add(new HookPoint(THREAD, "sleepNanos", "(J)V", call("sleep", "(J)V", FIRST), TIMED_RETURNED, "sleep"));
        p.add(new HookPoint("java/lang/Object", "wait", "(J)V", call("objectWait", "(Ljava/lang/Object;)V", THIS), RETURNED, "wait"));
        p.add(new HookPoint(THREAD, "join", "(J)V", call("joinEnter", "()V"), call("joinExit", "()V"), "wait"));
        p.add(new HookPoint(THREAD, "interrupt", "()V", call("interrupt", "(Ljava/lang/Thread;)V", THIS), null, "park"));
        // sockets and selectors: waits for readiness; the poller's wake-ups are the network's
        p.add(new HookPoint("sun/nio/ch/NioSocketImpl", "park", "(Ljava/io/FileDescriptor;IJ)V",
                call("socketWaitEnter", "()V"), call("ioWaitExit", "()V"), "io"));
        // NIO channels in blocking mode (SocketChannel, ServerSocketChannel, Pipe; DatagramChannel
        // overrides it) wait for readiness in SelChImpl.park, a default method, not in NioSocketImpl
        p.add(new HookPoint("sun/nio/ch/SelChImpl", "park", "(IJ)V",
                call("socketWaitEnter", "()V"), call("ioWaitExit", "()V"), "io"));
        p.add(new HookPoint("sun/nio/ch/DatagramChannelImpl", "park", "(IJ)V",
                call("socketWaitEnter", "()V"), call("ioWaitExit", "()V"), "io"));
        p.add(new HookPoint("sun/nio/ch/SelectorImpl", "lockAndDoSelect", "(Ljava/util/function/Consumer;J)I",
                call("selectEnter", "()V"), call("ioWaitExit", "()V"), "io"));
        p.add(new HookPoint("sun/nio/ch/Poller", "polled", "(I)V",
                call("pollerWakeEnter", "()V"), call("pollerWakeExit", "()V"), "io"));
        String socket = "sun/nio/ch/NioSocketImpl";
        HookPoint.Call socketExit = call("socketCallExit", "()V");
        p.add(new HookPoint(socket, "implRead", "([BIIJ)I", call("socketReadEnter", "()V"), socketExit, "io"));
        p.add(new HookPoint(socket, "implWrite", "([BII)I", call("socketWriteEnter", "()V"), socketExit, "io"));
        p.add(new HookPoint(socket, "accept", "(Ljava/net/SocketImpl;)V", call("socketAcceptEnter", "()V"), socketExit, "io"));
        p.add(new HookPoint(socket, "connect", "(Ljava/net/SocketAddress;I)V", call("socketConnectEnter", "()V"), socketExit, "io"));
        // files: blocking native calls
        HookPoint.Call fileRead = call("fileReadEnter", "()V");
        HookPoint.Call fileWrite = call("fileWriteEnter", "()V");
        HookPoint.Call fileExit = call("fileIoExit", "()V");
        p.add(new HookPoint("java/io/FileInputStream", "read", "()I", fileRead, fileExit, "io"));
        p.add(new HookPoint("java/io/FileInputStream", "read", "([B)I", fileRead, fileExit, "io"));
        p.add(new HookPoint("java/io/FileInputStream", "read", "([BII)I", fileRead, fileExit, "io"));
        p.add(new HookPoint("java/io/FileOutputStream", "write", "(I)V", fileWrite, fileExit, "io"));
        p.add(new HookPoint("java/io/FileOutputStream", "write", "([B)V", fileWrite, fileExit, "io"));
        p.add(new HookPoint("java/io/FileOutputStream", "write", "([BII)V", fileWrite, fileExit, "io"));
        p.add(new HookPoint("sun/nio/ch/FileChannelImpl", "read", "(Ljava/nio/ByteBuffer;)I", fileRead, fileExit, "io"));
        p.add(new HookPoint("sun/nio/ch/FileChannelImpl", "write", "(Ljava/nio/ByteBuffer;)I", fileWrite, fileExit, "io"));
        // threads
        p.add(new HookPoint(THREAD, "start", "()V", call("threadStart", "(Ljava/lang/Thread;)V", THIS), null, "threads"));
        p.add(new HookPoint(THREAD, "exit", "()V", call("threadExit", "()V"), null, "threads"));
        // a new platform thread's first Java frame, unless its class overrides run() without
        // calling it: the thread runs from here, not from its first traced call
        p.add(new HookPoint(THREAD, "run", "()V", call("threadRun", "(Ljava/lang/Thread;)V", THIS), null, "threads"));
        p.add(new HookPoint(VIRTUAL_THREAD, "start", "(Ljdk/internal/vm/ThreadContainer;)V",
                call("threadStart", "(Ljava/lang/Thread;)V", THIS), null, "threads"));
        // virtual threads: mount and unmount on a carrier, and the wake-ups the JDK itself does
        p.add(new HookPoint(VIRTUAL_THREAD, "mount", "()V", call("mount", "(Ljava/lang/Thread;)V", THIS), null, "vthreads"));
        // with its continuation: frozen and not runnable until unmount returns, so its stack can
        // be walked for a block no park hook saw (monitor enter)
        p.add(new HookPoint(VIRTUAL_THREAD, "unmount", "()V", null,
                call("unmounted", "(Ljava/lang/Thread;ILjava/lang/Object;)V", THIS, new HookPoint.IntField("state"),
                        new HookPoint.RefField("cont", "Ljdk/internal/vm/Continuation;")), "vthreads"));
        p.add(new HookPoint(VIRTUAL_THREAD, "unblock", "()V", call("unblockedByJdk", "(Ljava/lang/Thread;)V", THIS), null, "vthreads"));
        p.add(new HookPoint(VIRTUAL_THREAD, "parkTimeoutExpired", "()V", TIMED_OUT, null, "vthreads"));
        p.add(new HookPoint(VIRTUAL_THREAD, "waitTimeoutExpired", "(B)V", TIMED_OUT, null, "vthreads"));
        return List.copyOf(p);
    }

    /**
     * The event families a user can choose with the agent option {@code events}: those of the
     * hook points, and {@code jdk} (monitor contention of platform threads, GC pauses and
     * safepoints from the JDK's own event stream).
     */
    public static final Set<String> FAMILIES = Set.of("park", "sleep", "wait", "io", "threads", "vthreads", "jdk");
}
