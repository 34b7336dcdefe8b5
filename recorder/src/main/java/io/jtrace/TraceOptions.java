package io.jtrace;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a recording runs. Immutable; start from {@link #defaults()} and change with the
 * {@code with…} methods, or parse the agent's {@code key=value,key=value} form with {@link #parse}.
 *
 * @param generationPeriod how often a generation is closed and its tables written (Go: ~1 s)
 * @param generationBytes  a generation is also closed when its events reach this many bytes
 * @param bufferBytes      size of one writer buffer (one batch on the wire)
 * @param budgetBytes      all buffers together never exceed this; beyond it events are dropped and counted
 * @param stacks           stack capture for events that carry a stack
 * @param stackDepth       innermost frames kept per stack; deeper stacks are marked truncated
 * @param stackCheck       the {@code fp} tier also takes every stack with {@code fast} and counts
 *                         disagreements (reported on stderr when recording stops): a correctness check, slow
 */
public record TraceOptions(Duration generationPeriod, long generationBytes, int bufferBytes, long budgetBytes,
                           Stacks stacks, int stackDepth, boolean stackCheck) {

    /** Stack capture tiers (DESIGN.md, "Stack capture"). */
    public enum Stacks {
        /** No stacks: events carry stack id 0. */
        OFF,
        /** Materialized frames from StackWalker: the reference tier. */
        SLOW,
        /**
         * The VM's raw walk, deduplicated per generation and symbolized once per unique stack;
         * falls back to SLOW (with one warning) where the JDK's internals are closed.
         */
        FAST,
        /**
         * Frame-pointer fingerprints in front of FAST: a stack seen before costs a native walk of
         * its frame chain and no VM walk. Needs {@code -XX:+PreserveFramePointer} and the native
         * helper (Linux x64 and aarch64); recording refuses to start without them.
         */
        FP,
        /** FP where the JVM allows it, else FAST, else SLOW: the default. */
        AUTO
    }

    public TraceOptions {
        // compareTo, not toMillis(): that overflows (ArithmeticException) for huge durations
        check(generationPeriod.compareTo(Duration.ofMillis(10)) >= 0 && generationPeriod.compareTo(Duration.ofHours(24)) < 0,
                "period", "between 10ms and 24h");
        check(bufferBytes >= 1024 && bufferBytes <= (16 << 20), "buffer", "between 1k and 16m");
        check(generationBytes >= bufferBytes && generationBytes <= (1L << 30), "genbytes", "between one buffer and 1g");
        check(budgetBytes >= 4L * bufferBytes && budgetBytes <= (1L << 34), "budget", "between 4 buffers and 16g");
        check(stackDepth >= 1 && stackDepth <= 4096, "stackdepth", "between 1 and 4096");
        if (stacks == null) {
            throw new IllegalArgumentException("stacks must be off, slow, fast, fp or auto");
        }
    }

    /**
     * One-second generations of at most 16 MiB, 16 KiB buffers, a 32 MiB budget, stacks of 128
     * frames from the best tier the JVM allows, no cross-check.
     */
    public static TraceOptions defaults() {
        return new TraceOptions(Duration.ofSeconds(1), 16L << 20, 16 << 10, 32L << 20, Stacks.AUTO, 128, false);
    }

    public TraceOptions withGenerationPeriod(Duration d) {
        return new TraceOptions(d, generationBytes, bufferBytes, budgetBytes, stacks, stackDepth, stackCheck);
    }

    public TraceOptions withGenerationBytes(long n) {
        return new TraceOptions(generationPeriod, n, bufferBytes, budgetBytes, stacks, stackDepth, stackCheck);
    }

    public TraceOptions withBufferBytes(int n) {
        return new TraceOptions(generationPeriod, generationBytes, n, budgetBytes, stacks, stackDepth, stackCheck);
    }

    public TraceOptions withBudgetBytes(long n) {
        return new TraceOptions(generationPeriod, generationBytes, bufferBytes, n, stacks, stackDepth, stackCheck);
    }

    public TraceOptions withStacks(Stacks s) {
        return new TraceOptions(generationPeriod, generationBytes, bufferBytes, budgetBytes, s, stackDepth, stackCheck);
    }

    public TraceOptions withStackDepth(int n) {
        return new TraceOptions(generationPeriod, generationBytes, bufferBytes, budgetBytes, stacks, n, stackCheck);
    }

    public TraceOptions withStackCheck(boolean on) {
        return new TraceOptions(generationPeriod, generationBytes, bufferBytes, budgetBytes, stacks, stackDepth, on);
    }

    /**
     * Applies {@code key=value} pairs separated by commas to the defaults: {@code period} (e.g. 1s,
     * 500ms), {@code genbytes}, {@code buffer}, {@code budget} (sizes: 64k, 16m, 1g or bytes),
     * {@code stacks} (off|slow|fast|fp|auto), {@code stackdepth},
     * {@code stackcheck} (on|off). Keys in {@code ignoredKeys} are left for the
     * caller. Throws IllegalArgumentException with a one-line message naming the bad option.
     */
    public static TraceOptions parse(String spec, String... ignoredKeys) {
        TraceOptions o = defaults();
        if (spec == null || spec.isBlank()) {
            return o;
        }
        outer:
        for (String part : split(spec)) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("option '" + part + "' is not of the form key=value");
            }
            String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = part.substring(eq + 1).trim();
            for (String ignored : ignoredKeys) {
                if (ignored.equals(key)) {
                    continue outer;
                }
            }
            try {
                o = apply(o, key, value);
            } catch (OutOfRange e) {
                // the record's own check knows the key, not the value as given (another key's
                // range, such as genbytes against a larger buffer, keeps its own message)
                throw new IllegalArgumentException(e.key.equals(key)
                        ? "option " + key + "=" + value + ": must be " + e.range : e.getMessage());
            }
        }
        return o;
    }

    /** {@code o} with the option {@code key} set to {@code value}. */
    private static TraceOptions apply(TraceOptions o, String key, String value) {
        return switch (key) {
            case "period" -> o.withGenerationPeriod(duration(key, value));
            case "genbytes" -> o.withGenerationBytes(size(key, value));
            case "buffer" -> o.withBufferBytes((int) Math.min(Integer.MAX_VALUE, size(key, value)));
            case "budget" -> o.withBudgetBytes(size(key, value));
            case "stacks" -> o.withStacks(switch (value.toLowerCase(Locale.ROOT)) {
                case "off" -> Stacks.OFF;
                case "slow" -> Stacks.SLOW;
                case "fast" -> Stacks.FAST;
                case "fp" -> Stacks.FP;
                case "auto", "on" -> Stacks.AUTO;
                default -> throw new IllegalArgumentException("option stacks=" + value
                        + ": expected off, slow, fast, fp or auto");
            });
            case "stackcheck" -> o.withStackCheck(switch (value.toLowerCase(Locale.ROOT)) {
                case "on", "true" -> true;
                case "off", "false" -> false;
                default -> throw new IllegalArgumentException("option stackcheck=" + value + ": expected on or off");
            });
            case "stackdepth" -> o.withStackDepth(Math.clamp(number(key, value, value), Integer.MIN_VALUE, Integer.MAX_VALUE));
            default -> throw new IllegalArgumentException("unknown option '" + key
                    + "' (known: period, genbytes, buffer, budget, stacks, stackdepth, stackcheck)");
        };
    }

    private static void check(boolean ok, String key, String range) {
        if (!ok) {
            throw new OutOfRange(key, range);
        }
    }

    /** A value outside its option's range, found by the record's own check. */
    private static final class OutOfRange extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        final String key;
        final String range;

        OutOfRange(String key, String range) {
            super("option " + key + " must be " + range);
            this.key = key;
            this.range = range;
        }
    }

    /**
     * The options of {@code spec}, split at its commas; in a value, a backslash before a comma makes it part
     * of the value, and two backslashes stand for one (a file name with a comma: {@link #escape}).
     */
    public static List<String> split(String spec) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        for (int i = 0; i < spec.length(); i++) {
            char c = spec.charAt(i);
            if (c == '\\' && i + 1 < spec.length() && (spec.charAt(i + 1) == ',' || spec.charAt(i + 1) == '\\')) {
                part.append(spec.charAt(++i));
            } else if (c == ',') {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return parts;
    }

    /** {@code value} as an option value that {@link #split} gives back unchanged. */
    public static String escape(String value) {
        return value.replace("\\", "\\\\").replace(",", "\\,");
    }

    /** The number {@code digits}, part of the value {@code given} (which the message echoes as given). */
    private static long number(String key, String given, String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + key + "=" + given + ": not a number");
        }
    }

    private static long size(String key, String v) {
        String s = v.toLowerCase(Locale.ROOT);
        long mult = 1;
        if (s.endsWith("k") || s.endsWith("m") || s.endsWith("g")) {
            mult = switch (s.charAt(s.length() - 1)) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                default -> 1L << 30;
            };
            s = s.substring(0, s.length() - 1);
        }
        long n = number(key, v, s);
        if (n < 0 || n > Long.MAX_VALUE / mult) {
            throw new IllegalArgumentException("option " + key + "=" + v + ": out of range");
        }
        return n * mult;
    }

    private static Duration duration(String key, String v) {
        try {
            return parseDuration(key, v);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("option " + key + "=" + v + ": out of range");
        }
    }

    private static Duration parseDuration(String key, String v) {
        String s = v.toLowerCase(Locale.ROOT);
        String unit = s.endsWith("ms") ? "ms" : s.endsWith("s") ? "s" : s.endsWith("m") ? "m" : null;
        String digits = unit == null ? null : s.substring(0, s.length() - unit.length());
        if (digits == null || digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9' || c == '-')) {
            // 1ns, 1.5s, 10 (no unit): say what is understood rather than "not a number"
            throw new IllegalArgumentException("option " + key + "=" + v
                    + ": expected a whole number of ms, s or m, such as 500ms, 1s or 1m");
        }
        long n = number(key, v, digits);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
    }
}
