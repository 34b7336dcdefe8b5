package io.jtrace.agent.it.workloads;

import jdk.jfr.FlightRecorder;
import jdk.jfr.RecordingState;

/**
 * The agent starts its JDK-event bridge (monitor contention, GC pauses, safepoints, from Flight
 * Recorder) a moment after the JVM, off its start-up path; a workload whose answers include those
 * events waits for it first, as a user's program would have to.
 */
final class JdkEvents {
    private JdkEvents() {}

    /** Returns once the agent's Flight Recorder recording runs; throws after 60 s. */
    static void awaitBridge() throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        // isInitialized first: asking for the recorder before the agent does would start Flight
        // Recorder for the application, and its threads would count as the application's
        while (!FlightRecorder.isInitialized() || FlightRecorder.getFlightRecorder().getRecordings().stream()
                .noneMatch(r -> r.getName().equals("jtrace") && r.getState() == RecordingState.RUNNING)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the agent's JDK-event recording did not start within 60 s");
            }
            Thread.sleep(10);
        }
    }
}
