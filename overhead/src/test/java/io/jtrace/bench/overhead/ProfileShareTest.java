package io.jtrace.bench.overhead;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/** Counting a small hand-written collapsed profile (async-profiler's format with the threads option). */
class ProfileShareTest {
    private static final String COLLAPSED = """
            [producer-0 tid=11];java/lang/Thread.run;io/jtrace/bench/overhead/QueuePipelineWorkload.produce;java/util/concurrent/ArrayBlockingQueue.put 50
            [producer-0 tid=11];java/lang/Thread.run;io/jtrace/bench/overhead/QueuePipelineWorkload.produce;java/util/concurrent/locks/LockSupport.unpark;io/jtrace/agent/hooks/Hooks.unpark;io/jtrace/recorder/Recorder.wake;io/jtrace/recorder/FastStacks.capture 20
            [stage-a-0 tid=12];java/lang/Thread.run;java/util/concurrent/locks/LockSupport.park;io/jtrace/agent/hooks/Hooks.park;io/jtrace/recorder/Recorder.block 10
            [stage-a-0 tid=12];java/lang/Thread.run;java/util/concurrent/locks/LockSupport.unpark;io/jtrace/agent/hooks/Hooks.unpark;io/jtrace/recorder/Recorder.wake 5
            [jtrace-writer tid=13];java/lang/Thread.run;io/jtrace/recorder/GenerationWriter.run;sun/nio/ch/FileChannelImpl.write 8
            [jtrace-writer tid=13];__GI___clone3;start_thread 2
            [jtrace-jdk-events tid=14];java/lang/Thread.run;io/jtrace/agent/jfr/JdkEventBridge$$Lambda.0x000000001b085ec0.run 3
            [jtrace-jdk-events tid=14];java/lang/Thread.run;io/jtrace/agent/jfr/JdkEventBridge$$Lambda.0x000000001b099999.run 1
            [main tid=2];sun/instrument/InstrumentationImpl.loadClassAndCallPremain;io/jtrace/agent/Agent.premain;io/jtrace/agent/Startup.start;io/jtrace/agent/instrument/HookInjector.transform 6
            [main tid=2];sun/instrument/InstrumentationImpl.loadClassAndCallPremain;java/lang/ClassLoader.loadClass 2
            [main tid=2];io/jtrace/agent/Startup.instrument 1
            [JFR Periodic Tasks tid=20];jdk/jfr/internal/PlatformRecorder.periodicTask 4
            [C2 CompilerThre tid=5];clone3;start_thread;C2Compiler::compile_method 30
            [consumer-0 tid=15];java/lang/Thread.run;io/jtrace/recorder/FpStacks.capture;jtfp_capture 1
            [consumer-0 tid=15];java/lang/Thread.run;jtfp_capture 1
            not a stack line
            """;

    @Test
    void countsTheTracersSamplesApartFromTheWorkloadStartUpAndJfr(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("profile-queues.collapsed");
        Files.writeString(file, COLLAPSED);
        ProfileShare s = ProfileShare.read(file);

        assertThat(s.total()).isEqualTo(144);
        assertThat(s.stacks()).isEqualTo(15);
        // frames of io.jtrace (not io.jtrace.bench) or jtfp_, or a jtrace- thread; start-up excluded:
        // 20 + 10 + 5 (hooks) + 8 + 2 (writer) + 3 + 1 (JDK-event bridge) + 1 + 1 (fp helper)
        assertThat(s.tracer()).isEqualTo(51);
        assertThat(s.writer()).isEqualTo(10);
        assertThat(s.startUp()).isEqualTo(9);
        assertThat(s.jfrThreads()).isEqualTo(4);
        assertThat(s.percent(s.tracer())).isCloseTo(100.0 * 51 / 144, offset(1e-9));

        List<Map.Entry<String, Long>> top = s.top(8);
        assertThat(top).extracting(Map.Entry::getKey).containsExactly(
                "io/jtrace/agent/hooks/Hooks.unpark",
                "io/jtrace/agent/hooks/Hooks.park",
                "io/jtrace/recorder/GenerationWriter.run",
                "io/jtrace/agent/jfr/JdkEventBridge$$Lambda.run",
                ProfileShare.THREAD_ONLY,
                "io/jtrace/recorder/FpStacks.capture",
                "jtfp_capture");
        assertThat(top).extracting(Map.Entry::getValue).containsExactly(25L, 10L, 8L, 4L, 2L, 1L, 1L);
        assertThat(s.top(2)).hasSize(2);

        // every sample but the start-up's in one place: 51 tracer + 30 JIT + 4 JFR + 50 the producer's put
        assertThat(s.where(ProfileShare.Where.TRACER)).isEqualTo(51);
        assertThat(s.where(ProfileShare.Where.JIT)).isEqualTo(30);
        assertThat(s.where(ProfileShare.Where.JFR)).isEqualTo(4);
        assertThat(s.where(ProfileShare.Where.APPLICATION)).isEqualTo(50);
        assertThat(s.where(ProfileShare.Where.GC) + s.where(ProfileShare.Where.VM)).isZero();

        ProfileShare twice = ProfileShare.sum(List.of(s, s));
        assertThat(twice.total()).isEqualTo(288);
        assertThat(twice.where(ProfileShare.Where.JIT)).isEqualTo(60);
        assertThat(twice.top(1)).containsExactly(Map.entry("io/jtrace/agent/hooks/Hooks.unpark", 50L));
    }

    @Test
    void namesTheJvmsOwnThreads() {
        assertThat(ProfileShare.Where.ofThread("C2 CompilerThre")).isEqualTo(ProfileShare.Where.JIT);
        assertThat(ProfileShare.Where.ofThread("GC Thread#1")).isEqualTo(ProfileShare.Where.GC);
        assertThat(ProfileShare.Where.ofThread("G1 Conc#0")).isEqualTo(ProfileShare.Where.GC);
        assertThat(ProfileShare.Where.ofThread("")).as("a nameless native thread").isEqualTo(ProfileShare.Where.GC);
        assertThat(ProfileShare.Where.ofThread("VM Thread")).isEqualTo(ProfileShare.Where.VM);
        assertThat(ProfileShare.Where.ofThread("JFR Periodic Tasks")).isEqualTo(ProfileShare.Where.JFR);
        assertThat(ProfileShare.Where.ofThread("qtp1234-17")).isEqualTo(ProfileShare.Where.APPLICATION);
        assertThat(ProfileShare.Where.ofThread(null)).isEqualTo(ProfileShare.Where.APPLICATION);
    }

    @Test
    void recognisesThreadsAndTracerFrames() {
        assertThat(ProfileShare.threadName("[jtrace-writer tid=4242]")).isEqualTo("jtrace-writer");
        assertThat(ProfileShare.threadName("[C2 CompilerThre tid=7]")).isEqualTo("C2 CompilerThre");
        assertThat(ProfileShare.threadName("java/lang/Thread.run")).isNull();
        assertThat(ProfileShare.isTracer("io/jtrace/recorder/Recorder.wake")).isTrue();
        assertThat(ProfileShare.isTracer("io.jtrace.Trace.start")).isTrue();
        assertThat(ProfileShare.isTracer("io/jtrace/bench/overhead/Meter.count")).isFalse();
        assertThat(ProfileShare.isTracer("io.jtrace.bench.overhead.Meter.count")).isFalse();
        assertThat(ProfileShare.isTracer("java/lang/Thread.run")).isFalse();
    }

    @Test
    void aProfileWithoutThreadFramesStillCounts() {
        ProfileShare s = ProfileShare.of("java/lang/Thread.run;io/jtrace/recorder/Recorder.wake 3\njava/lang/Thread.run 7".lines());
        assertThat(s.total()).isEqualTo(10);
        assertThat(s.tracer()).isEqualTo(3);
        assertThat(s.writer()).isZero();
    }

    @Test
    void aThreadFrameWithoutANameIsAThreadOfNoName() {
        assertThat(ProfileShare.threadName("[G1 Refine#0 tid=7]")).isEqualTo("G1 Refine#0");
        assertThat(ProfileShare.threadName("[tid=10033]")).as("async-profiler could not read its name").isEmpty();
        assertThat(ProfileShare.threadName("java/lang/Thread.run")).isNull();
    }
}
