package io.jtrace.analysis;

import io.jtrace.format.StackFrame;

import java.util.List;

/**
 * How analyses group threads, the way Go's tools group goroutines by start function. Threads that
 * do the same work usually differ only in the numbers in their names ({@code pool-1-thread-3},
 * {@code ForkJoinPool-1-worker-2}): such a thread's group is its name with every run of digits
 * replaced by {@code #} ({@code pool-#-thread-#}). Any other thread — a named one, a default-named
 * {@code Thread-N}, an unnamed virtual thread — is grouped by its entry method where the analysis
 * knows it (the outermost frame outside the JDK of its first stack), else by its name; unnamed
 * virtual threads without one form the group {@code virtual}, unnamed platform threads
 * {@code unnamed}, and a thread no table names {@code thread ?}. {@link #byThread} keeps threads
 * apart instead: name and id.
 */
public final class ThreadGroups {
    /** The rule, in one line, for help texts and reports. */
    public static final String RULE = "threads with numbered names are grouped by name with digit runs as # "
            + "(pool-#-thread-#); others by entry method where known, else by name; unnamed virtual threads "
            + "\"virtual\", unnamed platform threads \"unnamed\"";

    private ThreadGroups() {}

    /** The group of a thread whose entry method is not known; {@code name} null: no table named the thread. */
    public static String group(String name, boolean virtual) {
        return group(name, virtual, null);
    }

    /** The group of a thread; {@code entry} is its entry method, or null if not known. */
    public static String group(String name, boolean virtual, String entry) {
        if (name == null) {
            return entry != null ? entry : "thread ?";
        }
        String pattern = digitsAsHash(name);
        if (!pattern.equals(name) && !pattern.equals("Thread-#")) {
            return pattern; // a pool's threads
        }
        if (entry != null) {
            return entry;
        }
        if (name.isEmpty()) {
            return virtual ? "virtual" : "unnamed";
        }
        return pattern;
    }

    /**
     * A thread's entry method for {@link #group}: the outermost frame of its first stack outside
     * the JDK (java.*, jdk.*, sun.*, com.sun.*) and the tracer; null if there is none.
     */
    public static String entryOf(List<StackFrame> frames) {
        for (int i = frames.size() - 1; i >= 0; i--) {
            String c = frames.get(i).className();
            if (!(c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.") || c.startsWith("com.sun.")
                    || c.startsWith("io.jtrace.agent.") || c.startsWith("io.jtrace.recorder."))) {
                return c + "." + frames.get(i).methodName();
            }
        }
        return null;
    }

    /** One thread on its own: its name (or what {@link #group} calls a nameless one) and its id. */
    public static String byThread(long threadId, String name, boolean virtual) {
        String shown = name == null ? "thread ?" : name.isEmpty() ? (virtual ? "virtual" : "unnamed") : name;
        return shown + " #" + threadId;
    }

    private static String digitsAsHash(String name) {
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

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
