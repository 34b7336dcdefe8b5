package io.jtrace.analysis.threads;

import io.jtrace.analysis.timeline.ThreadDescription;

import java.util.regex.Pattern;

/**
 * Groups threads the way Go groups goroutines by start function. A pool's threads have numbered
 * names ({@code pool-1-thread-3}, {@code ForkJoinPool-1-worker-2}): they are grouped by the name
 * with every run of digits replaced by {@code #} ({@code pool-#-thread-#}). Any other thread —
 * a named one, a default-named {@code Thread-N}, an unnamed virtual thread — is grouped by its
 * entry method: the outermost frame outside the JDK of the first stack it recorded. Without one,
 * by its name; an unnamed thread with no stack is "(unnamed)".
 */
public final class ThreadGroups {
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    private ThreadGroups() {}

    public static String groupOf(ThreadDescription t) {
        String name = t.name() == null ? "" : t.name();
        String pattern = DIGITS.matcher(name).replaceAll("#");
        if (!pattern.equals(name) && !pattern.equals("Thread-#")) {
            return pattern;
        }
        if (t.entry() != null) {
            return t.entry();
        }
        return name.isEmpty() ? "(unnamed)" : pattern;
    }
}
