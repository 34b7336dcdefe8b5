package io.jtrace.agent;

import jdk.internal.misc.Unsafe;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Puts the tracer's classes (the recorder, the hooks, the agent's start-up) into the bootstrap
 * class loader, where the JDK classes it instruments can see them, without appending the agent
 * jar to the bootstrap class path: that append makes HotSpot keep class-data sharing (CDS, the
 * AOT cache) for boot classes only ("Sharing is only supported for boot loader classes because
 * bootstrap classpath has been appended"), so the application's classes would all load without
 * it. Each class is defined from the jar once, at start-up; one whose superclass or interfaces
 * are not defined yet is tried again after the others.
 */
final class BootClasses {
    private BootClasses() {}

    /**
     * Defines every class of the jar under {@code io/jtrace/} but this one and {@link Agent}.
     * {@link Startup} goes first: its module is the bootstrap loader's unnamed module, which
     * java.base must read and export jdk.internal.misc and jdk.internal.vm to before the classes
     * that extend or use them are defined (the hooks' carrier-local buffers, raw backtraces,
     * continuations).
     */
    static void define(Instrumentation inst, JarFile jar) throws IOException {
        Module base = Object.class.getModule();
        inst.redefineModule(base, Set.of(), Map.of("jdk.internal.misc", Set.of(BootClasses.class.getModule())),
                Map.of(), Set.of(), Map.of());
        Unsafe unsafe = Unsafe.getUnsafe();
        String startup = Startup.class.getName().replace('.', '/');
        byte[] startupFile = classFile(jar, jar.getJarEntry(startup + ".class"));
        Module ours = unsafe.defineClass(startup, startupFile, 0, startupFile.length, null, null).getModule();
        inst.redefineModule(base, Set.of(ours), Map.of("jdk.internal.misc", Set.of(ours), "jdk.internal.vm", Set.of(ours)),
                Map.of(), Set.of(), Map.of());

        List<String> names = new ArrayList<>();
        List<byte[]> classFiles = new ArrayList<>();
        for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
            JarEntry entry = e.nextElement();
            String file = entry.getName();
            if (file.startsWith("io/jtrace/") && file.endsWith(".class") && !loadedByTheApplicationLoader(file)
                    && !file.equals(startup + ".class")) {
                classFiles.add(classFile(jar, entry));
                names.add(file.substring(0, file.length() - ".class".length()));
            }
        }
        while (!names.isEmpty()) {
            List<String> laterNames = new ArrayList<>();
            List<byte[]> laterFiles = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                byte[] b = classFiles.get(i);
                try {
                    unsafe.defineClass(names.get(i), b, 0, b.length, null, null);
                } catch (NoClassDefFoundError supertypeNotYetDefined) {
                    laterNames.add(names.get(i));
                    laterFiles.add(b);
                }
            }
            if (laterNames.size() == names.size()) {
                throw new NoClassDefFoundError("the agent jar's classes " + names + " need classes it does not have");
            }
            names = laterNames;
            classFiles = laterFiles;
        }
    }

    private static byte[] classFile(JarFile jar, JarEntry entry) throws IOException {
        try (InputStream in = jar.getInputStream(entry)) {
            return entry.getSize() >= 0 ? in.readNBytes((int) entry.getSize()) : in.readAllBytes();
        }
    }

    private static boolean loadedByTheApplicationLoader(String file) {
        return file.startsWith("io/jtrace/agent/Agent.") || file.startsWith("io/jtrace/agent/Agent$")
                || file.startsWith("io/jtrace/agent/BootClasses.") || file.startsWith("io/jtrace/agent/BootClasses$");
    }
}
