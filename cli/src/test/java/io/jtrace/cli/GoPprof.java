package io.jtrace.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code go tool pprof} on a profile: the tests read profiles the way users do. */
final class GoPprof {
    private GoPprof() {}

    /** One row of {@code -top}: flat value as printed, and the function. */
    record Row(String flat, String function) {}

    /** The output of {@code go tool pprof ARGS… FILE}; fails the test, saying how to install Go, when go is missing. */
    static String run(Path profile, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("go", "tool", "pprof"));
        cmd.addAll(List.of(args));
        cmd.add(profile.toString());
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("these tests need `go tool pprof`: install Go (Debian: apt-get install golang-go); "
                    + e.getMessage());
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("go tool pprof failed on " + profile + ":\n" + out);
        }
        return out;
    }

    /** The rows of {@code -top} output, largest flat first. */
    static List<Row> top(String output) {
        List<Row> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : output.split("\n")) {
            if (line.strip().startsWith("flat ")) {
                inTable = true;
                continue;
            }
            if (inTable && !line.isBlank()) {
                String[] cols = line.strip().split("\\s+", 6);
                if (cols.length == 6) {
                    rows.add(new Row(cols[0], cols[5]));
                }
            }
        }
        return rows;
    }
}
