package io.jtrace.agent;

import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.jar.JarFile;

/**
 * {@code -javaagent:jtrace-agent.jar=file=app.jtrace,…}: records a complete execution trace of
 * an unmodified application. This class runs in the application class loader and only puts the
 * agent's classes into the bootstrap class loader ({@link BootClasses}), so that the JDK classes
 * it instruments can call the hooks and the recorder; everything else happens in {@link Startup},
 * defined there (a second copy of the recorder in the application loader would record nothing).
 */
public final class Agent {
    private Agent() {}

    public static void premain(String args, Instrumentation inst) {
        start(args, inst);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst);
    }

    private static void start(String args, Instrumentation inst) {
        try {
            Path jar = Path.of(Agent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            JarFile jarFile = new JarFile(jar.toFile());
            BootClasses.define(inst, jarFile);
            Class.forName("io.jtrace.agent.Startup", true, null)
                    .getMethod("start", String.class, Instrumentation.class, JarFile.class)
                    .invoke(null, args, inst, jarFile);
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            System.err.println("jtrace: not tracing: " + cause);
        } catch (Exception | LinkageError e) {
            System.err.println("jtrace: not tracing: " + e);
        }
    }
}
