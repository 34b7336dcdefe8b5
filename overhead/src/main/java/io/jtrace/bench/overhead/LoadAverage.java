package io.jtrace.bench.overhead;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The machine's 1-minute load average (Linux), NaN elsewhere: the suite records it at every run's
 * start and end and reports it next to its numbers, because other work on the machine is what
 * makes a few percent unresolvable.
 */
final class LoadAverage {
    /** Above this median load the report warns that the machine was not idle. */
    static final double BUSY = 1.0;

    private LoadAverage() {}

    static double oneMinute() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * The report's lines on load: min, median, max over every run's start and end, the value at
     * the first run's start (only the suite's 1 s start-up probes ran before it, so it is mostly
     * other work), and a warning when the median exceeds {@link #BUSY}. Empty where no load was
     * read. {@code runs} are in the order they ran.
     */
    static String describe(List<RunResult> runs, int cpus) {
        double[] loads = runs.stream().flatMap(r -> Stream.of(r.loadAtStart(), r.loadAtEnd()))
                .mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (loads.length == 0) {
            return "";
        }
        double median = Bootstrap.median(loads);
        RunResult first = runs.getFirst();
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "- 1-minute load average at the runs' starts and ends: min %.2f, median %.2f, max %.2f (%d CPUs; at the first run's start: %s)%n",
                loads[0], median, loads[loads.length - 1], cpus, Report.fmt(first.loadAtStart(), "%.2f")));
        if (median > BUSY) {
            s.append(String.format(Locale.ROOT,
                    "- **Warning**: the machine was not idle: the median 1-minute load was %.2f, over %.1f. The load counts the "
                            + "suite's own runnable threads too (one workload JVM at a time, two for jetty); where it is well above "
                            + "that, other work took CPUs, and the intervals are wider for it.%n", median, BUSY));
        }
        return s.toString();
    }
}
