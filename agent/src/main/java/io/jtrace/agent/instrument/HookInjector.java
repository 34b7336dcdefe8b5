package io.jtrace.agent.instrument;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.MethodTransform;
import java.lang.classfile.TypeKind;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.instrument.ClassFileTransformer;
import java.lang.reflect.AccessFlag;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Injects the calls of {@link HookPoints} into JDK classes with the JDK's own
 * {@code java.lang.classfile}: an entry call first thing, an exit call before every return and,
 * through a catch-all handler that rethrows, before an exception leaves the method; for a hook
 * point with {@code around}, the same around each of the method's calls it names instead
 * ({@link CallSiteInjection}). Stack maps are recomputed by the library.
 *
 * <p>The JVM swallows exceptions thrown by a transformer; this one keeps them in
 * {@link #failures()} so that the agent can report them.
 */
public final class HookInjector implements ClassFileTransformer {
    private static final ClassDesc HOOKS = ClassDesc.of("io.jtrace.agent.hooks.Hooks");
    /**
     * Hook classes that reading the class cache loads (a file channel, and the channel interface
     * its input stream tests for). One loaded inside a transform is not shown to the transformer;
     * loaded before the transformer is added, they are retransformed with the others.
     */
    public static final List<String> LOADED_BY_ITS_CACHE = List.of("sun.nio.ch.FileChannelImpl", "sun.nio.ch.SelChImpl");

    private final Map<String, List<HookPoint>> byOwner = new HashMap<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    /**
     * By identity: the points are the caller's own instances, and a record's hashCode would link
     * ObjectMethods' bootstrap on the agent's start-up path (~6 ms, docs/performance.md).
     */
    private final Set<HookPoint> applied = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    /** Owners this transformer has seen (loaded, or retransformed), with or without success. */
    private final Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final InstrumentedClassCache cache;

    /** An injector that rewrites each class anew. */
    public HookInjector(List<HookPoint> points) {
        this(points, InstrumentedClassCache.NONE);
    }

    /**
     * An injector that keeps the classes it rewrote in {@code cacheDir} and takes them from
     * there when the same class meets the same hook points again (see {@link InstrumentedClassCache}).
     */
    public HookInjector(List<HookPoint> points, java.nio.file.Path cacheDir) {
        this(points, cacheDir, null);
    }

    /** The same, for an injector loaded from {@code agentJar} (its directory keys the cache cheaply). */
    public HookInjector(List<HookPoint> points, java.nio.file.Path cacheDir, java.util.jar.JarFile agentJar) {
        this(points, InstrumentedClassCache.in(cacheDir, agentJar));
    }

    /** The cache directory {@link #HookInjector(List, java.nio.file.Path)} uses unless told otherwise. */
    public static java.nio.file.Path defaultCacheDir() {
        return InstrumentedClassCache.defaultDir();
    }

    private HookInjector(List<HookPoint> points, InstrumentedClassCache cache) {
        this.cache = cache;
        for (HookPoint p : points) {
            byOwner.computeIfAbsent(p.owner(), k -> new ArrayList<>()).add(p);
        }
    }

    /** Internal names of the classes to retransform. */
    public Set<String> owners() {
        return byOwner.keySet();
    }

    /** What went wrong while transforming, one line each. */
    public List<String> failures() {
        return failures;
    }

    /** Hook points found in their class and instrumented. */
    public Set<HookPoint> applied() {
        return applied;
    }

    /** Whether this transformer has been shown the class {@code internalName} (loaded or retransformed). */
    public boolean saw(String internalName) {
        return seen.contains(internalName);
    }

    /**
     * Hook points whose class this transformer has seen without finding them in it: this JDK has
     * no such method (or no longer makes the calls an {@code around} names).
     */
    public List<HookPoint> missing() {
        List<HookPoint> missing = new ArrayList<>();
        for (Map.Entry<String, List<HookPoint>> e : byOwner.entrySet()) {
            if (seen.contains(e.getKey())) {
                for (HookPoint p : e.getValue()) {
                    if (!applied.contains(p)) {
                        missing.add(p);
                    }
                }
            }
        }
        return missing;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                            ProtectionDomain domain, byte[] bytes) {
        List<HookPoint> points = className == null ? null : byOwner.get(className);
        if (points == null) {
            return null;
        }
        seen.add(className);
        try {
            InstrumentedClassCache.Entry e = cache.find(bytes, points);
            if (e == null) {
                e = instrument(bytes, points);
                cache.keep(bytes, points, e);
            }
            applied.addAll(e.applied());
            return e.bytes();
        } catch (Throwable t) {
            failures.add(className + ": " + t);
            return null;
        }
    }

    /** The class with the hook points of {@code points} that it declares instrumented. */
    private static InstrumentedClassCache.Entry instrument(byte[] bytes, List<HookPoint> points) {
        ClassFile cf = ClassFile.of();
        ClassModel model = cf.parse(bytes);
        ClassDesc owner = model.thisClass().asSymbol();
        List<HookPoint> found = new ArrayList<>();
        byte[] rewritten = cf.transformClass(model, (cb, ce) -> {
            HookPoint p = ce instanceof MethodModel m ? pointFor(m, points) : null;
            if (p == null) {
                cb.with(ce);
                return;
            }
            MethodModel m = (MethodModel) ce;
            boolean isStatic = m.flags().has(AccessFlag.STATIC);
            if (p.around() == null) {
                cb.transformMethod(m, MethodTransform.transformingCode(new Injection(owner, p, isStatic)));
                found.add(p);
                return;
            }
            int calls = aroundCalls(m, p.around());
            if (calls == 0) {
                cb.with(ce); // the method no longer makes the calls: reported as a hook point not found
                return;
            }
            cb.transformMethod(m, MethodTransform.transformingCode(new CallSiteInjection(owner, p, isStatic, calls)));
            found.add(p);
        });
        return new InstrumentedClassCache.Entry(rewritten, found);
    }

    private static boolean isAroundCall(CodeElement e, HookPoint.Around around) {
        return e instanceof InvokeInstruction i && i.owner().asInternalName().equals(around.owner())
                && i.name().stringValue().startsWith(around.namePrefix());
    }

    private static int aroundCalls(MethodModel m, HookPoint.Around around) {
        int n = 0;
        if (m.code().isPresent()) {
            for (CodeElement e : m.code().get()) {
                if (isAroundCall(e, around)) {
                    n++;
                }
            }
        }
        return n;
    }

    private static HookPoint pointFor(MethodModel m, List<HookPoint> points) {
        for (HookPoint p : points) {
            if (m.methodName().equalsString(p.method()) && m.methodType().equalsString(p.descriptor())) {
                return p;
            }
        }
        return null;
    }

    /**
     * The code transform for a hook point with {@code around}: the entry hook before each such
     * call, the exit hook after it and, through a catch-all handler of that call alone that
     * rethrows, when it throws. The handlers are declared first thing, so that they come before
     * the method's own in the exception table (a queue's {@code finally} that unlocks and rethrows
     * must not catch the exception before the exit hook has seen it), and each stands next to its
     * call, so that its rethrow is still inside the method's own protected range (at the end of
     * the method it would skip that {@code finally}, and the queue's lock would stay locked).
     */
    private static final class CallSiteInjection implements CodeTransform {
        /** Makes the hook calls (the whole-method injection knows how to pass their arguments). */
        private final Injection hookCalls;
        private final HookPoint.Around around;
        private final Label[] starts;
        private final Label[] ends;
        private final Label[] handlers;
        private int next;

        CallSiteInjection(ClassDesc owner, HookPoint point, boolean isStatic, int count) {
            this.hookCalls = new Injection(owner, point, isStatic);
            this.around = point.around();
            this.starts = new Label[count];
            this.ends = new Label[count];
            this.handlers = new Label[count];
        }

        @Override
        public void atStart(CodeBuilder b) {
            for (int i = 0; i < starts.length; i++) {
                starts[i] = b.newLabel();
                ends[i] = b.newLabel();
                handlers[i] = b.newLabel();
                b.exceptionCatchAll(starts[i], ends[i], handlers[i]);
            }
        }

        @Override
        public void accept(CodeBuilder b, CodeElement e) {
            if (next < starts.length && isAroundCall(e, around)) {
                HookPoint p = hookCalls.point;
                if (p.onEntry() != null) {
                    hookCalls.emit(b, p.onEntry());
                }
                b.labelBinding(starts[next]);
                b.with(e);
                b.labelBinding(ends[next]);
                Label after = b.newLabel();
                if (p.onExit() != null) {
                    hookCalls.emit(b, p.onExit());
                }
                b.goto_(after);
                // the handler stands right here, inside whatever the method protects this call with:
                // its rethrow still reaches the method's own handlers (a queue's finally that unlocks)
                b.labelBinding(handlers[next]);
                if (p.onExit() != null) {
                    hookCalls.emit(b, p.onExit()); // the exception stays on the operand stack across the call
                }
                b.athrow();
                b.labelBinding(after);
                next++;
                return;
            }
            b.with(e);
        }
    }

    /** The code transform for one hook point. */
    private static final class Injection implements CodeTransform {
        private final ClassDesc owner;
        private final HookPoint point;
        private final boolean isStatic;
        private Label start;

        Injection(ClassDesc owner, HookPoint point, boolean isStatic) {
            this.owner = owner;
            this.point = point;
            this.isStatic = isStatic;
        }

        @Override
        public void atStart(CodeBuilder b) {
            if (point.onEntry() != null) {
                emit(b, point.onEntry());
            }
            start = b.newBoundLabel();
        }

        @Override
        public void accept(CodeBuilder b, CodeElement e) {
            if (point.onExit() != null && e instanceof ReturnInstruction) {
                emit(b, point.onExit());
            }
            b.with(e);
        }

        @Override
        public void atEnd(CodeBuilder b) {
            if (point.onExit() == null) {
                return;
            }
            Label end = b.newBoundLabel();
            Label handler = b.newLabel();
            b.exceptionCatchAll(start, end, handler);
            b.labelBinding(handler);
            emit(b, point.onExit()); // the exception stays on the operand stack across the call
            b.athrow();
        }

        private void emit(CodeBuilder b, HookPoint.Call call) {
            for (HookPoint.Arg a : call.args()) {
                switch (a) {
                    case HookPoint.This t -> b.aload(0);
                    case HookPoint.Null n -> b.aconst_null();
                    case HookPoint.Param p -> b.loadLocal(TypeKind.from(parameter(p.slot())), slotOf(p.slot()));
                    case HookPoint.IntField f -> {
                        b.aload(0);
                        b.getfield(owner, f.name(), ConstantDescs.CD_int);
                    }
                    case HookPoint.RefField f -> {
                        b.aload(0);
                        b.getfield(owner, f.name(), ClassDesc.ofDescriptor(f.descriptor()));
                    }
                }
            }
            b.invokestatic(HOOKS, call.hook(), MethodTypeDesc.ofDescriptor(call.descriptor()));
        }

        private ClassDesc parameter(int index) {
            return MethodTypeDesc.ofDescriptor(point.descriptor()).parameterList().get(index);
        }

        /** The local variable slot of parameter {@code index}. */
        private int slotOf(int index) {
            int slot = isStatic ? 0 : 1;
            for (int i = 0; i < index; i++) {
                slot += TypeKind.from(parameter(i)).slotSize();
            }
            return slot;
        }
    }
}
