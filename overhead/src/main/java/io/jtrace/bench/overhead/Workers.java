package io.jtrace.bench.overhead;

/** Daemon platform threads that loop forever: the workloads never stop before the JVM exits. */
final class Workers {
    private Workers() {}

    interface Body {
        void run() throws Exception;
    }

    static void start(String name, int count, Body body) {
        for (int i = 0; i < count; i++) {
            Thread t = new Thread(() -> {
                try {
                    body.run();
                } catch (Exception e) {
                    System.err.println(Thread.currentThread().getName() + " failed: " + e);
                    e.printStackTrace();
                    System.exit(1);
                }
            }, name + "-" + i);
            t.setDaemon(true);
            t.start();
        }
    }
}
