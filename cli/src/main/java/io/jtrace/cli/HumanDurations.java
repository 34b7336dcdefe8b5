package io.jtrace.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Durations as people write them: "850ns", "12.3µs", "4.56ms", "1.234s"; and back, for options. */
final class HumanDurations {
    private HumanDurations() {}

    static String format(long nanos) {
        if (nanos < 1_000) {
            return nanos + "ns";
        }
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.1fµs", nanos / 1e3);
        }
        if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.2fms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.3fs", nanos / 1e9);
    }

    /** "500us", "1ms", "2.5s", "1m", "1h" → nanoseconds; anything else throws one line saying what is expected. */
    static long parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        String[][] units = {{"ns", "1"}, {"us", "1000"}, {"µs", "1000"}, {"ms", "1000000"}, {"s", "1000000000"},
            {"m", "60000000000"}, {"h", "3600000000000"}};
        String unit = null; // the longest matching suffix: "ms" rather than "s"
        long scale = 0;
        for (String[] u : units) {
            if (t.endsWith(u[0]) && (unit == null || u[0].length() > unit.length())) {
                unit = u[0];
                scale = Long.parseLong(u[1]);
            }
        }
        if (unit == null) {
            throw bad(text);
        }
        try {
            double v = Double.parseDouble(t.substring(0, t.length() - unit.length()));
            double ns = v * scale;
            if (!(ns >= 1) || ns > Long.MAX_VALUE / 2.0) {
                throw bad(text);
            }
            return Math.round(ns);
        } catch (NumberFormatException e) {
            throw bad(text);
        }
    }

    /** A comma-separated list of durations. */
    static List<Long> parseList(String text) {
        List<Long> list = new ArrayList<>();
        for (String part : text.split(",")) {
            list.add(parse(part));
        }
        return list;
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("\"" + text + "\" is not a duration: expected e.g. 500us, 10ms, 1.5s or 1m");
    }
}
