package io.jtrace.recorder;

import org.junit.jupiter.api.Test;

import java.util.List;

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
        ChildJvm.Output o = ChildJvm.run(List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-XX:+PreserveFramePointer",
                // the copies' apply stays a frame of its own in the compiled caller
                "-XX:CompileCommand=quiet", "-XX:CompileCommand=dontinline,io.jtrace.recorder.ShapeCopy*::apply"),
                FpUnloadingScenario.class);
        assertThat(o.stdout()).as(o.stderr()).containsPattern("unloading rounds=6 stale=0 unloaded=6 reused=\\d");
    }
}
