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

/**
 * The agent's start-up, run from the bootstrap class path: parse options, open the JDK internals
 * the recorder uses, initialize every hook class eagerly (a failing static initializer later,
 * inside LockSupport.park, would make every park throw), instrument the JDK classes, start
 * recording. Any failure: one line on stderr, and the application runs untraced.
 */
public final class Startup {
    private Startup() {}

    public static void start(String args, Instrumentation inst) {
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
            instrument(inst, options);
            Trace.start(options.file(), options.trace());
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
     * java.base must read the hooks (the bootstrap loader's unnamed module) and export to them
     * jdk.internal.misc (carrier-local buffers, raw backtraces) and jdk.internal.vm (continuations).
     */
    private static void openInternals(Instrumentation inst) {
        Module base = Object.class.getModule();
        Module ours = Startup.class.getModule();
        inst.redefineModule(base, Set.of(ours),
                Map.of("jdk.internal.misc", Set.of(ours), "jdk.internal.vm", Set.of(ours)), Map.of(), Set.of(), Map.of());
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
        try {
            io.jtrace.agent.jfr.JdkEventBridge.start();
        } catch (Exception | LinkageError e) {
            System.err.println("jtrace: monitor, GC and safepoint events unavailable (" + e + "); recording the rest");
        }
    }

    private static boolean jvmtiTracksVirtualThreadTransitions() {
        try {
            var vm = java.lang.management.ManagementFactory.getPlatformMXBean(
                    com.sun.management.HotSpotDiagnosticMXBean.class);
            return !"false".equals(vm.getVMOption("DoJVMTIVirtualThreadTransitions").getValue());
        } catch (RuntimeException | LinkageError e) {
            return true; // not HotSpot, or no such flag: nothing to avoid
        }
    }

    private static void initializeEagerly() throws ClassNotFoundException {
        for (String c : List.of("io.jtrace.agent.hooks.Hooks", "io.jtrace.agent.hooks.BlockerReasons",
                "io.jtrace.agent.hooks.ContinuationStacks", "io.jtrace.agent.hooks.Hook",
                "io.jtrace.recorder.Events", "io.jtrace.recorder.Recorder", "io.jtrace.format.BlockReason",
                "io.jtrace.format.WakerKind", "io.jtrace.format.UnmountReason", "io.jtrace.format.EventType")) {
            Class.forName(c, true, null);
        }
    }

    private static void instrument(Instrumentation inst, AgentOptions options) throws Exception {
        List<HookPoint> points = new ArrayList<>();
        for (HookPoint p : HookPoints.all()) {
            if (options.families().contains(p.family())) {
                points.add(p);
            }
        }
        HookInjector injector = options.classCache() == null ? new HookInjector(points)
                : new HookInjector(points, options.classCache());
        inst.addTransformer(injector, true);
        List<Class<?>> classes = new ArrayList<>();
        for (String owner : injector.owners()) {
            Class<?> c = Class.forName(owner.replace('/', '.'), false, null);
            if (inst.isModifiableClass(c)) {
                classes.add(c);
            }
        }
        inst.retransformClasses(classes.toArray(Class<?>[]::new));
        for (String failure : injector.failures()) {
            System.err.println("jtrace: could not instrument " + failure);
        }
        for (HookPoint p : points) {
            if (!injector.applied().contains(p)) {
                System.err.println("jtrace: hook point " + p.owner() + "." + p.method() + p.descriptor()
                        + " not found in this JDK: its events are not recorded");
            }
        }
    }
}
