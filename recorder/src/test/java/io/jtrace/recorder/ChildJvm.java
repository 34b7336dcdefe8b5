package io.jtrace.recorder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A child JVM on this test's classpath, for what needs its own JVM flags (the fp tier's -XX:+PreserveFramePointer). */
final class ChildJvm {
    private ChildJvm() {}

    /** What {@code main} printed (stdout and stderr apart), asserting that it exited with 0 within two minutes. */
    record Output(String stdout, String stderr) {}

    static Output run(List<String> jvmOptions, Class<?> main, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString())));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        Output o = new Output(out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
        String report = String.join(" ", command) + "\n--- stdout\n" + o.stdout() + "--- stderr\n" + o.stderr();
        assertThat(p.isAlive()).as(report).isFalse();
        assertThat(p.exitValue()).as(report).isZero();
        return o;
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
