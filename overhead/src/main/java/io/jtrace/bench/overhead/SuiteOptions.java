package io.jtrace.bench.overhead;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The suite's command line. Bad input: an IllegalArgumentException whose message is the one line to print. */
record SuiteOptions(int rounds, long warmupMs, long measureMs, List<String> workloads, List<String> configs,
                    Path out, boolean keep, long seed, int jettyConnections, String heap, boolean profile,
                    boolean window) {

    /** 11 rounds: enough for a bootstrap interval of the median that is not just the extreme rounds. */
    static final int DEFAULT_ROUNDS = 11;

    static final List<String> WORKLOADS = List.of("jetty", "h2", "queues", "forkjoin", "vthreads", "caffeine");

    static final String USAGE = """
            usage: bench/overhead.sh [--quick] [--rounds N] [--warmup SECONDS] [--measure SECONDS]
                                     [--workloads a,b,…] [--configs a,b,…] [--out DIR] [--keep]
                                     [--seed N] [--connections N] [--heap SIZE]
                   bench/overhead.sh --profile [--window] [--configs a,b,…] [--rounds N] [--workloads a,b,…] …
              workloads: jetty, h2, queues, forkjoin, vthreads, caffeine (default: all)
              configs:   none, noop-agent, jtrace, jtrace-fast, jtrace-slow, jtrace-off, jfr-default,
                         jfr-profile, async-wall-lock, none-pfp (default: all). 'none' is always run: it is the
                         baseline. jtrace is what ./jtrace record runs (with -XX:+PreserveFramePointer)
              --quick    1 round, 1 s warm-up, 1 s measured: a smoke test, not a measurement
              --profile  each workload runs under the jtrace agent with async-profiler (event=itimer);
                         profile.md says which share of the CPU samples is the tracer's. --configs (default
                         jtrace, no 'none' added) and --rounds (default 1) choose the runs, interleaved per
                         workload; with --window, samples per 1,000 ops by where they went, per configuration
              --window   with --profile: profile the measured window only (attached at its start, stopped at
                         its end), not the JVM's whole life: the tracer's share once warmed up
              --seed     the order of the configurations in a round and the bootstrap's resampling
              defaults:  11 rounds, 3 s warm-up, 4 s measured, 128 Jetty connections, -Xms1g -Xmx1g,
                         results in bench/target/overhead""";

    static SuiteOptions parse(String[] args) {
        int rounds = DEFAULT_ROUNDS;
        double warmup = 3;
        double measure = 4;
        List<String> workloads = WORKLOADS;
        List<String> configs = null;
        Path out = Path.of("bench/target/overhead");
        boolean keep = false;
        long seed = 1;
        int connections = 128;
        String heap = "1g";
        boolean profile = false;
        boolean window = false;
        boolean roundsGiven = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> {
                    rounds = 1;
                    warmup = 1;
                    measure = 1;
                }
                case "--rounds" -> {
                    rounds = positiveInt(a, value(args, ++i, a));
                    roundsGiven = true;
                }
                case "--warmup" -> warmup = seconds(a, value(args, ++i, a));
                case "--measure" -> measure = seconds(a, value(args, ++i, a));
                case "--workloads" -> workloads = list(value(args, ++i, a), WORKLOADS, "workload");
                case "--configs" -> configs = List.of(value(args, ++i, a).split(","));
                case "--profile" -> profile = true;
                case "--window" -> window = true;
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--keep" -> keep = true;
                case "--seed" -> seed = integer(a, value(args, ++i, a));
                case "--connections" -> connections = positiveInt(a, value(args, ++i, a));
                case "--heap" -> heap = value(args, ++i, a);
                case "-h", "--help" -> throw new HelpRequested();
                default -> throw new IllegalArgumentException("unknown option '" + a + "' (see --help)");
            }
        }
        if (measure <= 0) {
            throw new IllegalArgumentException("--measure must be more than 0 seconds");
        }
        if (profile && !roundsGiven) {
            rounds = 1; // a profile's shares are ratios inside one run: one run per configuration says much
        }
        if (window && !profile) {
            throw new IllegalArgumentException("option --window applies to --profile only");
        }
        return new SuiteOptions(rounds, (long) (warmup * 1000), (long) (measure * 1000), workloads, configs, out,
                keep, seed, connections, heap, profile, window);
    }

    /** Thrown for --help: print the usage and exit 0. */
    static final class HelpRequested extends RuntimeException {
        HelpRequested() {
            super(null, null, false, false);
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException("option " + option + " needs a value");
        }
        return args[i];
    }

    private static int positiveInt(String option, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("option " + option + " needs a positive integer, not '" + v + "'");
    }

    private static long integer(String option, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + option + " needs an integer, not '" + v + "'");
        }
    }

    private static double seconds(String option, String v) {
        try {
            double d = Double.parseDouble(v);
            if (d >= 0) {
                return d;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("option " + option + " needs seconds (e.g. 2 or 0.5), not '" + v + "'");
    }

    private static List<String> list(String v, List<String> known, String what) {
        List<String> r = new ArrayList<>();
        for (String s : v.split(",")) {
            if (!known.contains(s)) {
                throw new IllegalArgumentException("unknown " + what + " '" + s + "' (known: " + String.join(", ", known) + ")");
            }
            r.add(s);
        }
        return r;
    }
}
