package io.jtrace.agent.it.workloads;

/** Sleeps the milliseconds of its argument, then returns from main (the JVM exits). */
public final class SleepThenExit {
    public static void main(String[] args) {
        Work.sleep(Long.parseLong(args[0]));
        System.out.println("done");
    }
}
