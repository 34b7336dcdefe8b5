package io.jtrace.recorder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The trace clock read from the CPU's time-stamp counter through the {@code fp} helper (a
 * critical downcall) instead of {@code System.nanoTime()} (the vDSO reads the same counter and
 * converts), as Go's tracer reads {@code cputicks}: 25 against 41 ns on one machine, but 24 against
 * 24 ns on another once the read was ordered (RDTSCP; docs/performance.md, 2026-12-04). It gives {@code nanoTime}'s
 * scale: ticks are turned into nanoseconds by a {@link Scale} fitted to {@code nanoTime}, which
 * the background writer refits at every generation ({@link #refit}) so that the two never drift
 * apart; a refit's line starts where the old one is, a little ahead of the refit, so the clock
 * never jumps and never goes back (an earlier version switched at once, and a reader held up
 * between reading the scale and the counter read microseconds back).
 *
 * <p>Used only where the counter runs at one rate on every CPU, and the kernel trusts it for its
 * own clock ({@link #create}); otherwise the trace keeps {@code System.nanoTime()}.
 */
final class TickClock {
    /**
     * nanoTime = nanos0 + (ticks − ticks0) × nanosPerTick from {@code switchTicks} on, and the
     * scale it replaced ({@code before}'s line) until then; immutable, replaced whole. A refit
     * switches rates at a counter value still in the future, so that when it is published every
     * reader still gets the old line's time: the clock stays continuous whatever the rates.
     */
    private record Scale(long ticks0, long nanos0, double nanosPerTick, long switchTicks, Line before) {
        long at(long ticks) {
            return ticks >= switchTicks ? nanos0 + (long) ((ticks - ticks0) * nanosPerTick) : before.at(ticks);
        }

        Line line() {
            return new Line(ticks0, nanos0, nanosPerTick);
        }
    }

    private record Line(long ticks0, long nanos0, double nanosPerTick) {
        long at(long ticks) {
            return nanos0 + (long) ((ticks - ticks0) * nanosPerTick);
        }
    }

    /** How long the first fit measures: its error (~0.1 ‰) lasts only until the first refit. */
    private static final long FIRST_FIT_NANOS = 2_000_000;
    /** A refit removes the clock's lead or lag on nanoTime over this long, not at once. */
    private static final double CORRECT_OVER_NANOS = 1e9;
    /**
     * How far ahead a refit puts its switch: longer than the refitting thread can be held between
     * choosing the switch and publishing it (Java threads do not read the clock in a safepoint,
     * so only the OS's preemption counts).
     */
    private static final long SWITCH_AHEAD_NANOS = 50_000_000;

    /** Where the first fit began: every refit measures the rate from here. */
    private final long originTicks;
    private final long originNanos;
    private volatile Scale scale;

    private TickClock(long originTicks, long originNanos, Scale first) {
        this.originTicks = originTicks;
        this.originNanos = originNanos;
        this.scale = first;
    }

    /**
     * A clock on the time-stamp counter, or null where it is not to be trusted: the helper is not
     * loaded, or the CPU does not say its counter is constant-rate and keeps running in sleep
     * states ({@code constant_tsc}, {@code nonstop_tsc}), or the kernel does not use it for its
     * own clock (the clock source it checked for synchronized counters across CPUs).
     */
    static TickClock create() {
        if (!FpHelper.ticksLoaded() || !counterTrusted()) {
            return null;
        }
        long[] first = pair();
        long[] last;
        do {
            Thread.onSpinWait();
            last = pair();
        } while (last[1] - first[1] < FIRST_FIT_NANOS);
        long ticks = last[0] - first[0];
        if (first[0] <= 0 || ticks <= 0) {
            return null;
        }
        return new TickClock(first[0], first[1], new Scale(last[0], last[1], (double) (last[1] - first[1]) / ticks, Long.MIN_VALUE, null));
    }

    private static boolean counterTrusted() {
        try {
            String source = Files.readString(Path.of("/sys/devices/system/clocksource/clocksource0/current_clocksource")).strip();
            if (!source.equals("tsc")) {
                return false;
            }
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.toLowerCase(Locale.ROOT).startsWith("flags")) {
                    String flags = " " + line.substring(line.indexOf(':') + 1) + " ";
                    return flags.contains(" constant_tsc ") && flags.contains(" nonstop_tsc ");
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false; // not Linux, or not readable: nanoTime
        }
    }

    /** A (ticks, nanoTime) pair read as close together as this thread can: the tightest of a few tries. */
    private static long[] pair() {
        long best = Long.MAX_VALUE;
        long[] out = new long[2];
        for (int i = 0; i < 5; i++) {
            long before = System.nanoTime();
            long ticks = FpHelper.ticks();
            long after = System.nanoTime();
            if (after - before < best) {
                best = after - before;
                out[0] = ticks;
                out[1] = before + (after - before) / 2;
            }
        }
        return out;
    }

    /**
     * Now, on {@code System.nanoTime()}'s scale: the counter read while the scale it is turned
     * with was the current one (read again after the counter), so that a reader held up between
     * the two reads cannot turn a late counter value with a scale a refit has since replaced.
     */
    long nanoTime() {
        Scale s;
        long t;
        do {
            s = scale;
            t = FpHelper.ticks();
        } while (s != scale);
        return s.at(t);
    }

    /**
     * Refits the scale (the background writer, once per generation): the rate measured from the
     * first fit to now, corrected so that the clock's present lead or lag on nanoTime is gone in
     * about {@link #CORRECT_OVER_NANOS}, switched to {@link #SWITCH_AHEAD_NANOS} from now where
     * the new line meets the old. Does nothing while the last refit's switch is still ahead.
     */
    void refit() {
        Scale old = scale;
        long[] now = pair();
        long ticks = now[0] - originTicks;
        if (ticks <= 0 || now[0] < old.switchTicks()) {
            return;
        }
        double rate = (double) (now[1] - originNanos) / ticks;
        double lead = old.at(now[0]) - now[1];
        double corrected = rate * (1 - lead / CORRECT_OVER_NANOS);
        if (!(corrected > 0)) {
            return; // a lead of a second or more: something is badly off; keep the old scale
        }
        long switchTicks = FpHelper.ticks() + (long) (SWITCH_AHEAD_NANOS / old.nanosPerTick());
        scale = new Scale(switchTicks, old.at(switchTicks), corrected, switchTicks, old.line());
    }

    /** How far the clock is from nanoTime now, in ns (+: ahead); for tests. */
    long leadNanos() {
        long[] now = pair();
        return scale.at(now[0]) - now[1];
    }
}
