package io.jtrace.agent;

import io.jtrace.Trace;
import io.jtrace.agent.instrument.HookInjector;
import io.jtrace.agent.instrument.HookPoint;
import io.jtrace.agent.instrument.HookPoints;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;

/**
 * The agent's start-up, in the bootstrap loader ({@link BootClasses}): parse options, open the JDK internals
 * the recorder uses, initialize every hook class eagerly (a failing static initializer later,
 * inside LockSupport.park, would make every park throw), instrument the JDK classes, start
 * recording. Any failure: one line on stderr, and the application runs untraced.
 */
public final class Startup {
    private Startup() {}

    /** {@code agentJar}: the jar the agent runs from (its classes are defined from it). */
    public static void start(String args, Instrumentation inst, JarFile agentJar) {
        AgentOptions options;
        try {
            options = AgentOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("jtrace: not tracing: " + e.getMessage());
            return;
        }
        try {
            openInternals(inst);
            String refused = io.jtrace.recorder.Recorder.refusal(options.trace());
            if (refused != null) {
                System.err.println("jtrace: not tracing: " + refused); // e.g. stacks=fp where it can't run
                return;
            }
            initializeEagerly();
            io.jtrace.recorder.Events.hideFrames(io.jtrace.agent.hooks.Hooks.class);
            HookInjector injector = instrument(inst, options, agentJar);
            Trace.start(options.file(), options.trace());
            io.jtrace.recorder.LateEvents.beforeStop(() -> report(inst, injector, owners(injector))); // what loaded since
            if (options.families().contains("jdk")) {
                startJdkEvents();
            }
        } catch (IllegalStateException e) {
            System.err.println("jtrace: not tracing: " + e.getMessage()); // e.g. stacks=fp where it can't run
        } catch (Exception | LinkageError e) {
            System.err.println("jtrace: not tracing: " + e);
        }
    }

    /**
     * jdk.management, if present, exports its implementation of the diagnostic MXBean to the
     * tracer: the fast way to read the JVM's flags at start-up ({@link io.jtrace.recorder.VmFlags});
     * jdk.jfr its options ({@link io.jtrace.agent.jfr.JdkEventBridge}).
     * What the tracer needs of java.base, {@link BootClasses} opened before defining the tracer.
     */
    private static void openInternals(Instrumentation inst) {
        Module ours = Startup.class.getModule();
        java.util.Optional<Module> management = ModuleLayer.boot().findModule("jdk.management");
        if (management.isPresent()) { // no lambda here: its first link costs start-up time
            inst.redefineModule(management.get(), Set.of(), Map.of("com.sun.management.internal", Set.of(ours)),
                    Map.of(), Set.of(), Map.of());
        }
        java.util.Optional<Module> jfr = ModuleLayer.boot().findModule("jdk.jfr");
        if (jfr.isPresent()) { // its options: the JDK-event bridge keeps the repository it reads until it is done
            inst.redefineModule(jfr.get(), Set.of(), Map.of("jdk.jfr.internal", Set.of(ours)), Map.of(), Set.of(), Map.of());
        }
    }

    /** Monitor contention of platform threads, GC pauses and safepoints, from the JDK's event stream. */
    private static void startJdkEvents() {
        if (!jvmtiTracksVirtualThreadTransitions()) {
            // Measured on JDK 25 (docs/performance.md): with the flag off, JFR's shutdown waits for
            // virtual-thread transitions nobody counts, and the JVM's exit hangs in most runs under
            // virtual-thread load. The tracer must never hang the program: no JFR then.
            System.err.println("jtrace: -XX:-DoJVMTIVirtualThreadTransitions is set: not recording monitor, GC and "
                    + "safepoint events (JFR would hang the JVM's exit)");
            return;
        }
        io.jtrace.agent.jfr.DeferredStart.begin(); // Flight Recorder's start off the application's start-up path
    }

    private static boolean jvmtiTracksVirtualThreadTransitions() {
        return !"false".equals(io.jtrace.recorder.VmFlags.value("DoJVMTIVirtualThreadTransitions")); // null: nothing to avoid
    }

    private static void initializeEagerly() throws ClassNotFoundException {
        for (String c : List.of("io.jtrace.agent.hooks.Hooks", "io.jtrace.agent.hooks.BlockerReasons",
                "io.jtrace.agent.hooks.ContinuationStacks", "io.jtrace.agent.hooks.Hook",
                "io.jtrace.recorder.Events", "io.jtrace.recorder.Recorder", "io.jtrace.format.BlockReason",
                "io.jtrace.format.WakerKind", "io.jtrace.format.UnmountReason", "io.jtrace.format.EventType")) {
            Class.forName(c, true, null);
        }
    }

    /**
     * Registers the injector and retransforms the hook classes loaded by now; the others it takes
     * as the application loads them, so that the start-up neither loads them nor retransforms them
     * (docs/performance.md, "Agent start-up"). What turns up while the application runs (a hook
     * point this JDK lacks, a failed transform, a hook class the transformer was never shown) is
     * said when the trace stops.
     */
    private static HookInjector instrument(Instrumentation inst, AgentOptions options, JarFile agentJar) throws Exception {
        List<HookPoint> points = new ArrayList<>();
        for (HookPoint p : HookPoints.all()) {
            if (options.families().contains(p.family())) {
                points.add(p);
            }
        }
        HookInjector injector = options.classCache() == null ? new HookInjector(points)
                : new HookInjector(points, options.classCache(), agentJar);
        for (String c : HookInjector.LOADED_BY_ITS_CACHE) {
            Class.forName(c, false, null); // now, so that one retransformation below takes them too
        }
        inst.addTransformer(injector, true);
        Set<String> owners = owners(injector);
        // a class loaded inside a transform (the class cache's reads load some) is not shown to
        // the transformer (the JDK's agent does not re-enter it): retransform until none is left
        List<Class<?>> unseen = unseenOwners(inst, owners, injector);
        for (int round = 0; !unseen.isEmpty() && round < 4; round++) {
            inst.retransformClasses(unseen.toArray(new Class<?>[0]));
            unseen = unseenOwners(inst, owners, injector);
        }
        report(inst, injector, owners);
        return injector;
    }

    /** The binary names of the classes the injector instruments. */
    private static Set<String> owners(HookInjector injector) {
        Set<String> owners = new java.util.HashSet<>();
        for (String owner : injector.owners()) {
            owners.add(owner.replace('/', '.'));
        }
        return owners;
    }

    /** The loaded hook classes the injector has not seen yet. */
    private static List<Class<?>> unseenOwners(Instrumentation inst, Set<String> owners, HookInjector injector) {
        List<Class<?>> unseen = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            // the name first: this runs over every loaded class, interpreted, several times at start-up
            if (owners.contains(c.getName()) && c.getClassLoader() == null && !injector.saw(c.getName().replace('.', '/'))
                    && inst.isModifiableClass(c)) {
                unseen.add(c);
            }
        }
        return unseen;
    }

    /** Problems of the instrumentation said so far. */
    private static final Set<String> SAID = new java.util.HashSet<>();

    /** Says each failure, each missing hook point and each hook class never instrumented, once. */
    private static synchronized void report(Instrumentation inst, HookInjector injector, Set<String> owners) {
        for (String failure : injector.failures()) {
            if (SAID.add(failure)) {
                System.err.println("jtrace: could not instrument " + failure);
            }
        }
        for (Class<?> c : unseenOwners(inst, owners, injector)) {
            if (SAID.add(c.getName())) { // loaded inside another class's transform, where the JDK shows no class to it
                System.err.println("jtrace: " + c.getName() + " was loaded where the agent could not instrument it: "
                        + "its events are not recorded");
            }
        }
        for (HookPoint p : injector.missing()) {
            String point = p.owner() + "." + p.method() + p.descriptor();
            if (SAID.add(point)) {
                System.err.println("jtrace: hook point " + point + " not found in this JDK: its events are not recorded");
            }
        }
    }
}
