package io.jtrace.bench.overhead;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One configuration under test: the JVM options it adds to the workload's JVM, given where its
 * recording goes. Everything else on the command line is the same for every configuration.
 */
record Config(String name, String description, Recording recording, boolean optional, ArgsFactory args) {

    interface ArgsFactory {
        List<String> args(Path recordingFile);
    }

    List<String> jvmArgs(Path recordingFile) {
        return args.args(recordingFile);
    }

    String fileSuffix() {
        return switch (recording) {
            case NONE -> "";
            case JTRACE -> ".jtrace";
            case JFR -> ".jfr";
        };
    }

    /** Every configuration the suite knows, in report order. */
    static List<Config> all(Path agentJar, Path noopAgentJar, Path asyncProfilerLib) {
        List<Config> all = new ArrayList<>();
        all.add(new Config("none", "no tracing", Recording.NONE, false, f -> List.of()));
        all.add(new Config("noop-agent", "a java agent whose premain does nothing", Recording.NONE, false,
                f -> List.of("-javaagent:" + noopAgentJar)));
        // `jtrace` is what `./jtrace record` launches: the agent with its defaults and
        // -XX:+PreserveFramePointer, so stacks=auto uses the fp tier; the others are the agent alone
        all.add(new Config("jtrace", "jtrace as ./jtrace record runs it: agent, default options, "
                + "-XX:+PreserveFramePointer (stacks=auto: fp)", Recording.JTRACE, false,
                f -> List.of("-XX:+PreserveFramePointer", "-javaagent:" + agentJar + "=file=" + f)));
        all.add(new Config("jtrace-fast", "jtrace agent alone (-javaagent), default options: stacks=auto is fast "
                + "without -XX:+PreserveFramePointer", Recording.JTRACE, false,
                f -> List.of("-javaagent:" + agentJar + "=file=" + f)));
        all.add(new Config("jtrace-slow", "jtrace agent, stacks=slow", Recording.JTRACE, false,
                f -> List.of("-javaagent:" + agentJar + "=file=" + f + ",stacks=slow")));
        all.add(new Config("jtrace-off", "jtrace agent, stacks=off", Recording.JTRACE, false,
                f -> List.of("-javaagent:" + agentJar + "=file=" + f + ",stacks=off")));
        all.add(new Config("jfr-default", "JFR, settings=default (default.jfc)", Recording.JFR, false,
                f -> List.of("-XX:StartFlightRecording=settings=default,filename=" + f)));
        all.add(new Config("jfr-profile", "JFR, settings=profile (profile.jfc)", Recording.JFR, false,
                f -> List.of("-XX:StartFlightRecording=settings=profile,filename=" + f)));
        all.add(new Config("async-wall-lock", "async-profiler 4.2 agent, event=wall, lock=10us, JFR output",
                Recording.JFR, false,
                f -> List.of("-agentpath:" + asyncProfilerLib + "=start,event=wall,lock=10us,file=" + f)));
        all.add(new Config("none-pfp", "no tracing, -XX:+PreserveFramePointer: the flag's own cost", Recording.NONE,
                false, f -> List.of("-XX:+PreserveFramePointer")));
        return all;
    }
}
