package io.jtrace.recorder;

import io.jtrace.Trace;
import io.jtrace.TraceOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * jtrace issue 7: {@code stacks=auto} (the default) takes the fp tier exactly when the JVM runs
 * with {@code -XX:+PreserveFramePointer} on a platform the helper supports, else fast;
 * {@code stacks=fp} refuses to start without it, with one line and no trace file.
 */
class FpSelectionTest {
    @TempDir
    Path dir;

    /** Starts a recording with the options in args[1] into args[0] and prints the tier it got. */
    public static final class TierOf {
        public static void main(String[] args) throws IOException {
            Trace.start(Path.of(args[0]), TraceOptions.parse(args[1]));
            System.out.println("tier " + Recorder.active().stackTier());
            Trace.stop();
        }
    }

    @Test
    void withoutTheFlagFpRefusesAndAutoIsFast() throws Exception {
        assumeTrue(!FpStacks.preserveFramePointer(), "this test JVM runs with -XX:+PreserveFramePointer");
        Path file = dir.resolve("fp.jtrace");
        assertThatThrownBy(() -> Trace.start(file, TraceOptions.parse("stacks=fp")))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("stacks=fp: the JVM does not run with -XX:+PreserveFramePointer");
        assertThat(file).doesNotExist();
        assertThat(child(false, "stacks=auto")).isEqualTo("tier fast");
    }

    @Test
    void withTheFlagAutoIsFp() throws Exception {
        assumeTrue(!Boolean.getBoolean("jtrace.fp.skip") && FpHelper.platform() != null,
                "no fp helper in this build or for this platform");
        assertThat(child(true, "stacks=auto")).isEqualTo("tier fp");
        assertThat(child(true, "stacks=fp")).isEqualTo("tier fp");
        assertThat(child(true, "stacks=fast")).isEqualTo("tier fast");
        assertThat(child(true, "period=1s")).as("the default").isEqualTo("tier fp");
    }

    /** The tier a child JVM gets for {@code options}; its stdout and stderr, which must be only that line. */
    private String child(boolean preserveFramePointer, String options) throws Exception {
        List<String> jvm = new ArrayList<>(List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"));
        if (preserveFramePointer) {
            jvm.add("-XX:+PreserveFramePointer");
        }
        ChildJvm.Output o = ChildJvm.run(jvm, TierOf.class, Files.createTempFile(dir, "t", ".jtrace").toString(), options);
        return (o.stdout() + o.stderr()).strip(); // nothing else: no warning about native access, no fallback line
    }
}
