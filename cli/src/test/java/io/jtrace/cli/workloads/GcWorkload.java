package io.jtrace.cli.workloads;

/**
 * {@link #COLLECTIONS} explicit collections of a heap with some live data, 300 ms apart; then
 * 1.5 s for the JVM's event stream to deliver the pauses.
 */
public final class GcWorkload {
    public static final int COLLECTIONS = 4;
    static Object[] live;

    public static void main(String[] args) throws Exception {
        if (!io.jtrace.Trace.awaitJdkEvents(java.time.Duration.ofSeconds(60))) { // they start a moment after the JVM
            throw new IllegalStateException("the JDK's events are not recorded");
        }
        live = new Object[200_000];
        for (int i = 0; i < live.length; i++) {
            live[i] = new byte[64];
        }
        for (int i = 0; i < COLLECTIONS; i++) {
            Thread.sleep(300);
            System.gc();
        }
        Thread.sleep(1500);
        System.out.println("done " + live.length);
    }
}
