package io.jtrace.recorder;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@code fp} helper's walk of a platform thread the JVM started ({@link FpHelper#STARTED})
 * stops at the thread's outermost Java frame, which its first walk learns: that first walk's
 * fingerprint is the one every later walk from the same place gets, places that differ in any Java
 * frame (the outermost one included) get different fingerprints, and the walk is not the whole
 * chain's (whose fingerprint at the same place differs). Run in a child JVM with -XX:+PreserveFramePointer.
 */
class StartedThreadWalkTest {

    /** The child: prints {@code name=fingerprint} lines, then the frames of a whole walk and of a stopped one. */
    public static final class Walks {
        static final Map<String, Long> OUT = new HashMap<>();

        static long at(int kind) {
            return FpHelper.walk(kind, 0);
        }

        static void here(String name, int kind) {
            OUT.put(name, at(kind));
        }

        static final class RunA extends Thread {
            @Override
            public void run() {
                for (int i = 0; i < 3; i++) {
                    for (int kind : new int[] {FpHelper.STARTED, FpHelper.PLATFORM}) {
                        OUT.put("a" + kind + "-" + i, at(kind)); // the first STARTED walk learns where to stop
                    }
                }
                deeper();
            }

            private static void deeper() {
                here("a-deeper", FpHelper.STARTED);
            }
        }

        static final class RunB extends Thread {
            @Override
            public void run() {
                here("b", FpHelper.STARTED); // the same frames above the outermost one as a's, another outermost
            }
        }

        public static void main(String[] args) throws Exception {
            if (FpHelper.unavailable() != null) {
                System.out.println("unavailable " + FpHelper.unavailable());
                return;
            }
            for (Thread t : List.of(new RunA(), new RunB())) {
                t.start();
                t.join();
            }
            OUT.forEach((k, v) -> System.out.println(k + "=" + Long.toHexString(v)));
        }
    }

    @Test
    void aStartedThreadsWalkStopsAtItsOutermostJavaFrameAndStillTellsStacksApart() throws Exception {
        assumeTrue(!Boolean.getBoolean("jtrace.fp.skip") && FpHelper.platform() != null,
                "no fp helper in this build or for this platform");
        ChildJvm.Output o = ChildJvm.run(List.of("-XX:+PreserveFramePointer", "--enable-native-access=ALL-UNNAMED"),
                Walks.class);
        String out = o.stdout() + o.stderr();
        Map<String, String> f = new HashMap<>();
        for (String line : out.strip().split("\n")) {
            String[] kv = line.split("=");
            assertThat(kv).as(out).hasSize(2);
            f.put(kv[0], kv[1]);
        }
        String started = f.get("a2-0");
        assertThat(started).as(out).isNotEqualTo("0").isEqualTo(f.get("a2-1")).isEqualTo(f.get("a2-2"));
        assertThat(f.get("a0-0")).as(out).isNotEqualTo("0").isEqualTo(f.get("a0-1")).isEqualTo(f.get("a0-2"));
        // the same place walked whole: other frames (the VM's below the outermost Java one), so another fingerprint
        assertThat(f.get("a0-0")).as(out).isNotEqualTo(started);
        assertThat(f.get("a-deeper")).as(out).isNotEqualTo("0").isNotEqualTo(started);
        assertThat(f.get("b")).as(out).isNotEqualTo("0").isNotEqualTo(started);
    }
}
