package io.jtrace.cli;

/**
 * An option or argument the command cannot take (a value outside its choices, options that
 * exclude each other): one line on stderr and exit status 2, as for picocli's own usage errors.
 */
final class BadUsage extends RuntimeException {
    BadUsage(String message) {
        super(message);
    }

    /** Runs {@code parse}, turning the IllegalArgumentException a parser throws for a bad value into BadUsage. */
    static <T> T parsing(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new BadUsage(e.getMessage());
        }
    }
}
