package io.jtrace.bench.overhead;

import java.util.Locale;

/**
 * One run of one workload under one configuration. {@code events}, {@code lostEvents} and
 * {@code validationErrors} (the impossible transitions the state machine found in a jtrace
 * recording: a recorder bug, never the workload's) are -1 where they are not known; {@code error} is null for a good run. The load averages (1 minute,
 * NaN where the OS does not tell) are read just before the run's first JVM starts and just after
 * its last one exits: they show whether something else wanted the CPUs meanwhile.
 */
record RunResult(int round, String workload, String config, double opsPerSec, double p99Micros, double cpuMicrosPerOp,
                 long events, long lostEvents, long validationErrors, long bytes, double elapsedSeconds, double loadAtStart, double loadAtEnd, String error,
                 String note) {

    boolean ok() {
        return error == null;
    }

    static RunResult failed(int round, String workload, String config, double elapsedSeconds, double loadAtStart,
                            double loadAtEnd, String error) {
        return new RunResult(round, workload, config, Double.NaN, Double.NaN, Double.NaN, -1, -1, -1, -1, elapsedSeconds,
                loadAtStart, loadAtEnd, error, null);
    }

    static String csvHeader() {
        return "round,workload,config,opsPerSec,p99Micros,cpuMicrosPerOp,events,lostEvents,validationErrors,bytes,elapsedSeconds,loadAverage1mStart,loadAverage1mEnd,error,note";
    }

    String csv() {
        return String.format(Locale.ROOT, "%d,%s,%s,%.1f,%s,%s,%d,%d,%d,%d,%.3f,%.2f,%.2f,%s,%s", round, workload, config, opsPerSec,
                Double.isNaN(p99Micros) ? "" : String.format(Locale.ROOT, "%.1f", p99Micros),
                Double.isNaN(cpuMicrosPerOp) ? "" : String.format(Locale.ROOT, "%.4f", cpuMicrosPerOp), events, lostEvents, validationErrors, bytes,
                elapsedSeconds, loadAtStart, loadAtEnd, quote(error), quote(note));
    }

    private static String quote(String s) {
        return s == null ? "" : '"' + s.replace('"', '\'') + '"';
    }
}
