package io.jtrace.agent.hooks;

/**
 * One per hook method of {@link Hooks}: a hook that throws (it must not: the JDK method that
 * called it would) turns itself off, says so once on stderr, and the JDK code around it goes on;
 * the other hooks keep recording.
 */
enum Hook {
    PARK,
    RETURNED,
    TIMED_CALL_RETURNED,
    UNPARK,
    UNPARKED,
    INTERRUPT,
    SLEEP,
    OBJECT_WAIT,
    JOIN_ENTER,
    JOIN_EXIT,
    QUEUE_ENTER,
    QUEUE_EXIT,
    SOCKET_WAIT_ENTER,
    SELECT_ENTER,
    IO_WAIT_EXIT,
    POLLER_WAKE_ENTER,
    POLLER_WAKE_EXIT,
    SOCKET_READ_ENTER,
    SOCKET_WRITE_ENTER,
    SOCKET_ACCEPT_ENTER,
    SOCKET_CONNECT_ENTER,
    SOCKET_CALL_EXIT,
    FILE_READ_ENTER,
    FILE_WRITE_ENTER,
    FILE_IO_EXIT,
    THREAD_START,
    THREAD_EXIT,
    THREAD_RUN,
    MOUNT,
    UNMOUNTED,
    UNBLOCKED_BY_JDK,
    TIMED_OUT,
    POOL_IDLE_ENTER,
    POOL_IDLE_EXIT;

    /** Set when this hook failed: it returns at once from then on. */
    volatile boolean off;

    void failed(Throwable t) {
        if (!off) {
            off = true;
            // printed from a thread of its own: the failing one may hold the lock printing takes
            Thread.ofPlatform().daemon().name("jtrace-report").start(() -> System.err.println(
                    "jtrace: hook " + name().toLowerCase(java.util.Locale.ROOT) + " failed and is off from now on: " + t));
        }
    }
}
