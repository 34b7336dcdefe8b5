package io.jtrace.cli;

import io.jtrace.cli.workloads.ManyThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A command that runs out of heap says so in one line, with how to give it more; no stack trace. */
class OutOfMemoryTest {
    @TempDir
    Path dir;

    @Test
    void runningOutOfHeapIsOneLineNamingTheOptionToRaise() throws Exception {
        Path trace = dir.resolve("many.jtrace");
        CliRun rec = CliRun.of("record", "-o", trace.toString(), "--",
                "-cp", System.getProperty("java.class.path"), ManyThreads.class.getName());
        assertThat(rec.exitCode()).as(rec.err()).isZero();

        // the launcher's way (./jtrace sets -Xmx from JTRACE_HEAP, and the parallel collector), with a
        // heap far too small for 50,000 threads
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx16m", "-XX:+UseParallelGC", "-Djtrace.heapOption=JTRACE_HEAP", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "threads", trace.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        List<String> lines = Files.readAllLines(err).stream().filter(l -> !l.startsWith("WARNING")).toList();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(lines).hasSize(1); // the heap a collector reports for -Xmx16m varies by a few MB
        assertThat(lines.get(0)).matches("jtrace: out of memory \\(the heap is \\d+ MB\\): give it more with JTRACE_HEAP=8g \\(or larger\\)");
    }
}
