package io.jtrace.analysis;

/**
 * How analyses group threads, the way Go's tools group goroutines: threads that do the same work
 * usually differ only in the numbers in their names ({@code pool-1-thread-3},
 * {@code ForkJoinPool-1-worker-2}), so a group is the name with every run of digits replaced by
 * {@code #} ({@code pool-#-thread-#}). Unnamed virtual threads (the common case) form the group
 * {@code virtual}; unnamed platform threads {@code unnamed}; a thread no table names
 * {@code thread ?}. {@link #byThread} keeps threads apart instead: name and id.
 */
public final class ThreadGroups {
    /** The rule, in one line, for help texts and reports. */
    public static final String RULE = "threads are grouped by name with digit runs as # (pool-#-thread-#); "
            + "unnamed virtual threads are \"virtual\", unnamed platform threads \"unnamed\"";

    private ThreadGroups() {}

    /** The group of a thread with this name; {@code name} null means no table named the thread. */
    public static String group(String name, boolean virtual) {
        if (name == null) {
            return "thread ?";
        }
        if (name.isEmpty()) {
            return virtual ? "virtual" : "unnamed";
        }
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isDigit(c)) {
                b.append(c);
            } else if (i == 0 || !isDigit(name.charAt(i - 1))) {
                b.append('#'); // one # for a whole run of digits
            }
        }
        return b.toString();
    }

    /** One thread on its own: its name (or what {@link #group} calls a nameless one) and its id. */
    public static String byThread(long threadId, String name, boolean virtual) {
        String shown = name == null ? "thread ?" : name.isEmpty() ? (virtual ? "virtual" : "unnamed") : name;
        return shown + " #" + threadId;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
