package io.jtrace.bench.overhead;

/**
 * A child JVM of the suite: {@code WorkloadMain NAME WARMUP_MS MEASURE_MS}. Starts the workload,
 * lets it warm up, measures one window (its start and end each a line), prints one result line and exits (which also ends any
 * recording the JVM runs, the way it ends for a real application).
 */
public final class WorkloadMain {
    /** With this property true, the JVM waits for a line on stdin after its window's end, before its result. */
    static final String AWAIT_AFTER_WINDOW = "overhead.awaitAfterWindow";

    private WorkloadMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: WorkloadMain NAME WARMUP_MS MEASURE_MS");
            System.exit(2);
        }
        String name = args[0];
        long warmupMs = Long.parseLong(args[1]);
        long measureMs = Long.parseLong(args[2]);
        Workload w = switch (name) {
            case "h2" -> new H2Workload();
            case "queues" -> new QueuePipelineWorkload();
            case "forkjoin" -> new ForkJoinWorkload();
            case "vthreads" -> new VirtualThreadFanOutWorkload();
            case "caffeine" -> new CaffeineWorkload();
            case "probe" -> new ProbeWorkload();
            default -> {
                System.err.println("unknown workload '" + name + "'");
                System.exit(2);
                yield null;
            }
        };
        Meter meter = new Meter();
        w.start(meter);
        meter.measure(warmupMs * 1_000_000L);
        System.out.println(Meter.WINDOW_START);
        System.out.flush();
        Meter.Window window = meter.measure(measureMs * 1_000_000L);
        System.out.println(Meter.WINDOW_END);
        System.out.flush();
        if (Boolean.getBoolean(AWAIT_AFTER_WINDOW)) {
            // the suite profiles the window from outside: it stops the profiler, then lets us exit
            new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
        }
        System.out.println(window.resultLine(name));
        System.out.flush();
        System.exit(0);
    }
}
