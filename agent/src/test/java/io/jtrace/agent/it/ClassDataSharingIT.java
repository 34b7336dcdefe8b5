package io.jtrace.agent.it;

import io.jtrace.agent.it.workloads.SleepThenExit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent leaves class-data sharing to the application's classes: a program with its own CDS
 * archive (the way AppCDS and the AOT cache are used) loads its classes from that archive under
 * the agent too, and the JVM prints no warning about sharing.
 */
class ClassDataSharingIT {
    @TempDir
    Path dir;

    @Test
    void theApplicationsClassesStillComeFromItsArchive() throws Exception {
        Path jar = dir.resolve("app.jar"); // CDS archives classes from jars, not from directories
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String c : List.of(SleepThenExit.class.getName(), SleepThenExit.class.getPackageName() + ".Work")) {
                String file = c.replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(file));
                out.write(Files.readAllBytes(Path.of(System.getProperty("jtrace.testClasses"), file)));
            }
        }
        Path archive = dir.resolve("app.jsa");
        AgentRun dump = AgentRun.java(dir, List.of("-XX:ArchiveClassesAtExit=" + archive, "-cp", jar.toString(),
                SleepThenExit.class.getName(), "1"));
        assertThat(archive).as(dump.stderr()).exists();

        Path trace = dir.resolve("app.jtrace");
        AgentRun traced = AgentRun.java(dir, List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:class+load=info",
                "-javaagent:" + System.getProperty("jtrace.agentJar") + "=file=" + trace,
                "-cp", jar.toString(), SleepThenExit.class.getName(), "1"));
        assertThat(traced.exitCode()).as(traced.stderr()).isZero();
        assertThat(traced.stderr()).doesNotContain("Sharing is only supported");
        assertThat(traced.stdout().lines().filter(l -> l.contains(" " + SleepThenExit.class.getName() + " source:")))
                .as("how the workload's class was loaded").singleElement().asString().contains("shared objects file");
        assertThat(RecordedTrace.read(trace).errors).isEmpty();
    }
}
