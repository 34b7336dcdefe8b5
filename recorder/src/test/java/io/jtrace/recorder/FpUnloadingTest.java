package io.jtrace.recorder;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * jtrace issue 7: a class unloaded and a same-shaped class loaded in a new class loader (its code
 * at the addresses the old one used) never gets the old class's stack from the fp tier
 * ({@link FpUnloadingScenario}, in a child JVM with -XX:+PreserveFramePointer).
 */
class FpUnloadingTest {
    @Test
    void noStaleStackAfterClassUnloading() throws Exception {
        assumeTrue(!Boolean.getBoolean("jtrace.fp.skip") && FpHelper.platform() != null,
                "no fp helper in this build or for this platform");
        List<String> command = List.of(ProcessHandle.current().info().command()
                        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()),
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-XX:+PreserveFramePointer",
                // the copies' apply stays a frame of its own in the compiled caller
                "-XX:CompileCommand=quiet", "-XX:CompileCommand=dontinline,io.jtrace.recorder.ShapeCopy*::apply",
                "-cp", System.getProperty("java.class.path"), FpUnloadingScenario.class.getName());
        Process p = new ProcessBuilder(command).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        String report = String.join(" ", command) + "\n--- stdout\n" + out.get(10, TimeUnit.SECONDS)
                + "--- stderr\n" + err.get(10, TimeUnit.SECONDS);
        assertThat(p.isAlive()).as(report).isFalse();
        assertThat(p.exitValue()).as(report).isZero();
        assertThat(out.get()).as(report).containsPattern("unloading rounds=6 stale=0 unloaded=6 reused=\\d");
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
