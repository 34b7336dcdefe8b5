package io.jtrace.recorder;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * jtrace issue 4: for the same call sites, the {@code fast} stack tier yields exactly the frames
 * the {@code slow} tier yields. Runs {@link StackTierScenarios} in this JVM (default JIT, no
 * redefinition) and in child JVMs interpreted only, C1 only and C2 only, each with an agent so
 * that a class can be redefined; every scenario must report {@code mismatches=0}. The child JVMs
 * run with {@code -XX:+PreserveFramePointer}, so the {@code fp} tier cross-checks each of its hits
 * against the {@code fast} stack of the same capture (jtrace issue 7): no mismatch either.
 */
class FastTierMatchesSlowTierTest {
    private static final String WARM_LOOP = "io.jtrace.recorder.StackTierScenarios$Warm::loop";
    /** The inlining log of the warm loop's compilation shows leaf inlined into it. */
    private static final Pattern LEAF_INLINED = Pattern.compile("Warm::leaf \\(\\d+ bytes\\)\\s+inline");

    @TempDir
    static Path dir;
    private static Path agentJar;

    /** A jar holding only {@link TierAgent}, with a manifest that makes it a redefining agent. */
    @BeforeAll
    static void buildAgentJar() throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", TierAgent.class.getName());
        manifest.getMainAttributes().putValue("Can-Redefine-Classes", "true");
        agentJar = dir.resolve("tier-agent.jar");
        String entry = TierAgent.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(agentJar);
             JarOutputStream jar = new JarOutputStream(file, manifest);
             InputStream in = TierAgent.class.getResourceAsStream("TierAgent.class")) {
            jar.putNextEntry(new JarEntry(entry));
            in.transferTo(jar);
            jar.closeEntry();
        }
    }

    @Test
    void inThisJvmWithTheDefaultJit() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> lines;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            lines = StackTierScenarios.run(StackTierScenarios.SCENARIOS, o, e);
        }
        String report = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertThat(TierAgent.instrumentation).as("no agent in the test JVM").isNull();
        for (String scenario : StackTierScenarios.SCENARIOS) {
            if (StackTierScenarios.NEED_INSTRUMENTATION.contains(scenario)) {
                assertThat(lines).as(report).anyMatch(l -> l.startsWith("scenario " + scenario + " skipped: "));
            } else {
                assertThat(lines).as(report).anyMatch(l -> passed(l, scenario));
            }
        }
        assertThat(lines).as(report).hasSize(StackTierScenarios.SCENARIOS.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-Xint", "-XX:TieredStopAtLevel=1", "-XX:-TieredCompilation"})
    void inAChildJvm(String mode) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add(mode);
        command.add("-XX:+PreserveFramePointer"); // the fp tier runs and cross-checks itself on every probe
        boolean compiles = !mode.equals("-Xint");
        if (compiles) { // log the warm loop's inlining, to show its frames were compiled and inlined
            command.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:CompileCommand=quiet",
                    "-XX:CompileCommand=PrintInlining," + WARM_LOOP, "-XX:+DisplayVMOutputToStderr"));
        }
        command.add("-javaagent:" + agentJar);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StackTierScenarios.class.getName());
        Process p = new ProcessBuilder(command).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(45, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        String stdout = out.get(10, TimeUnit.SECONDS);
        String stderr = err.get(10, TimeUnit.SECONDS);
        String report = String.join(" ", command) + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        assertThat(p.isAlive()).as(report).isFalse();
        assertThat(p.exitValue()).as(report).isZero();
        List<String> lines = stdout.lines().toList();
        for (String scenario : StackTierScenarios.SCENARIOS) {
            assertThat(lines).as(report).anyMatch(l -> passed(l, scenario));
        }
        for (String scenario : StackTierScenarios.KNOWN_DIFFERENCES) {
            assertThat(lines).as(report).anyMatch(l -> l.startsWith("known-difference " + scenario + ": "));
        }
        if (!Boolean.getBoolean("jtrace.fp.skip") && FpHelper.platform() != null) {
            assertThat(lines).as(report).contains("fp tier on");
            long hits = 0;
            for (String scenario : StackTierScenarios.SCENARIOS) {
                String fp = lines.stream().filter(l -> l.startsWith("fp " + scenario + " ")).findFirst().orElse("");
                assertThat(fp).as(report).matches("fp " + Pattern.quote(scenario)
                        + " hits=\\d+ misses=\\d+ fallbacks=\\d+ mismatches=0");
                hits += Long.parseLong(fp.replaceAll(".* hits=(\\d+) .*", "$1"));
            }
            assertThat(hits).as("fp hits compared with the fast tier\n" + report).isGreaterThan(100);
        }
        if (compiles) {
            assertThat(LEAF_INLINED.matcher(stderr).find()).as("leaf inlined into the compiled loop\n" + report)
                    .isTrue();
        }
    }

    /** {@code line} reports {@code scenario} compared some frames and found no mismatch. */
    private static boolean passed(String line, String scenario) {
        return line.matches("scenario " + Pattern.quote(scenario) + " frames=[1-9]\\d* mismatches=0");
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
