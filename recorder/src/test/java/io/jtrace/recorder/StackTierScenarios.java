package io.jtrace.recorder;

import io.jtrace.TraceOptions;
import io.jtrace.format.StackFrame;
import io.jtrace.format.Wire;
import io.jtrace.recorder.TierProbe.Result;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.attribute.SourceFileAttribute;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.AccessFlag;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The scenarios of jtrace issue 4: for the same call sites, the {@code fast} tier yields exactly
 * the frames the {@code slow} tier yields. Each scenario captures stacks with both tiers at the
 * same points ({@link TierProbe}) and compares every field of every frame and the truncated flag;
 * each also checks that it exercised what it claims to (a lambda frame is on the stack, the class
 * really was redefined, ...).
 *
 * <p>Prints one line per scenario, {@code scenario NAME frames=N mismatches=M}, where N is the
 * number of frames compared and M counts tier disagreements plus failed expectations (each
 * explained on stderr); exits non-zero if any M is not 0. Where the {@code fp} tier runs (with
 * {@code -XX:+PreserveFramePointer}), every probe also cross-checks it ({@link TierProbe#FP}) and
 * a line {@code fp NAME hits=H misses=M fallbacks=F mismatches=X} follows; X counts into M. Scenarios that need an
 * {@link Instrumentation} (the JVM was started with {@code -javaagent:} a jar of {@link TierAgent})
 * print {@code scenario NAME skipped: ...} without one.
 */
public final class StackTierScenarios {
    /** Every scenario, in the order they run. */
    static final List<String> SCENARIOS = List.of("plain", "overloads", "jit-inlined", "lambda", "method-reference",
            "stream", "method-handle", "hidden-class", "reflection", "virtual-thread", "virtual-thread-remount",
            "depth-limit", "backtrace-limit", "clinit-init", "native", "redefined", "redefined-on-stack",
            "redefined-deferred");

    /** The scenarios that redefine a class, run only with {@link TierAgent}'s Instrumentation. */
    static final Set<String> NEED_INSTRUMENTATION = Set.of("redefined", "redefined-on-stack", "redefined-deferred");

    /**
     * The scenarios where slow and fast differ by design or by the JVM, each pinned to the exact
     * fields of the exact frame (see {@link Tally#compareKnown}); printed as
     * {@code known-difference NAME: ...} lines.
     * <ul>
     * <li>redefined-on-stack: a frame still running a method whose class was redefined meanwhile
     *     (an obsolete method). StackWalker resolves the frame's method to the new version but keeps
     *     the old version number, so HotSpot finds the versions differ and gives no line
     *     (java_lang_StackTraceElement::fill_in); the Throwable's backtrace finds the old method among
     *     the class's previous versions and gives its true line. Neither gives a file name. Fast is
     *     the more accurate one here.
     * <li>redefined-deferred: the fast tier symbolizes when the generation is written; a frame of a
     *     class redefined between capture and symbolization gets no file name (the source file is
     *     only given for the current class version) and, once the old version's methods are purged,
     *     no line. Slow symbolized at capture.
     * </ul>
     */
    static final Set<String> KNOWN_DIFFERENCES = Set.of("redefined-on-stack", "redefined-deferred");

    private static final String SELF = StackTierScenarios.class.getName();

    private StackTierScenarios() {}

    public static void main(String[] args) {
        List<String> lines = run(args.length == 0 ? SCENARIOS : List.of(args), System.out, System.err);
        System.exit(lines.stream().allMatch(l -> l.endsWith(" mismatches=0") || l.contains(" skipped: ")) ? 0 : 1);
    }

    /** Runs {@code names}, printing and returning one line per scenario. */
    static List<String> run(List<String> names, PrintStream out, PrintStream err) {
        List<String> lines = new ArrayList<>();
        out.println(TierProbe.FP != null ? "fp tier on" : "fp tier off: " + TierProbe.FP_UNAVAILABLE);
        for (String name : names) {
            String line;
            if (NEED_INSTRUMENTATION.contains(name) && TierAgent.instrumentation == null) {
                line = "scenario " + name + " skipped: no Instrumentation (run with -javaagent)";
            } else {
                Tally t = new Tally(name, err);
                FpStacks fp = TierProbe.FP;
                long[] before = fp == null ? null : fpCounts(fp);
                try {
                    scenario(name, t);
                } catch (Throwable e) {
                    t.mismatches++;
                    err.println("scenario " + name + " threw:");
                    e.printStackTrace(err);
                }
                t.expect(t.frames > 0, "compared at least one frame");
                if (fp != null) {
                    long[] after = fpCounts(fp);
                    long mismatches = after[3] - before[3];
                    // the fp tier's cross-check: its hits compared with the fast tier's stack
                    out.println("fp " + name + " hits=" + (after[0] - before[0]) + " misses=" + (after[1] - before[1])
                            + " fallbacks=" + (after[2] - before[2]) + " mismatches=" + mismatches);
                    t.expect(mismatches == 0, mismatches + " fp hits that stand for another stack than fast captured");
                }
                line = "scenario " + name + " frames=" + t.frames + " mismatches=" + t.mismatches;
                t.known.forEach(out::println);
            }
            out.println(line);
            out.flush();
            lines.add(line);
        }
        return lines;
    }

    private static long[] fpCounts(FpStacks fp) {
        return new long[] {fp.hits(), fp.misses(), fp.fallbacks(), fp.mismatches()};
    }

    /** One scenario's count of compared frames and of disagreements. */
    static final class Tally {
        final String name;
        final PrintStream err;
        int frames;
        int mismatches;
        final List<String> known = new ArrayList<>();

        Tally(String name, PrintStream err) {
            this.name = name;
            this.err = err;
        }

        /** The two tiers agree on {@code r}: every field of every frame, and the truncated flag. */
        Result compare(String what, Result r) {
            frames += r.slowFrames().size();
            if (!r.matches()) {
                mismatches++;
                err.println("scenario " + name + " " + what + ": slow and fast differ\n" + r.difference());
            }
            return r;
        }

        /**
         * The tiers agree on {@code r} except at frame {@code index}, where slow has exactly
         * {@code slowFrame} and fast exactly {@code fastFrame}: a known difference, explained by
         * {@code why}. Any other difference, or a different one there, is a mismatch.
         */
        void compareKnown(String what, Result r, int index, StackFrame slowFrame, StackFrame fastFrame, String why) {
            frames += r.slowFrames().size();
            List<StackFrame> fastPatched = new ArrayList<>(r.fastFrames());
            boolean ok = index < fastPatched.size() && r.slowFrames().size() == fastPatched.size()
                    && r.slowFrames().get(index).equals(slowFrame) && fastPatched.get(index).equals(fastFrame);
            if (ok) {
                fastPatched.set(index, slowFrame);
                ok = fastPatched.equals(r.slowFrames()) && r.slow().truncated() == r.fast().truncated();
            }
            if (!ok) {
                mismatches++;
                err.println("scenario " + name + " " + what + ": not the known difference at #" + index
                        + "\n  expected slow: " + TierProbe.describe(slowFrame)
                        + "\n  expected fast: " + TierProbe.describe(fastFrame) + "\n" + r.difference());
            } else {
                known.add("known-difference " + name + ": " + what + ": frame #" + index + " slow "
                        + TierProbe.describe(slowFrame) + " / fast " + TierProbe.describe(fastFrame) + " (" + why + ")");
            }
        }

        void compareAll(String what, List<Result> rs) {
            expect(!rs.isEmpty(), what + ": captured something");
            for (int i = 0; i < rs.size(); i++) {
                compare(what + " #" + i, rs.get(i));
            }
        }

        void expect(boolean ok, String what) {
            if (!ok) {
                mismatches++;
                err.println("scenario " + name + " expectation failed: " + what);
            }
        }

        void expectTop(String what, Result r, String className, String methodName) {
            StackFrame top = r.slowFrames().isEmpty() ? null : r.slowFrames().get(0);
            expect(top != null && top.className().equals(className) && top.methodName().equals(methodName),
                    what + ": top frame is " + className + "." + methodName + ", got " + TierProbe.describe(top));
        }
    }

    private static void scenario(String name, Tally t) throws Throwable {
        switch (name) {
            case "plain" -> plain(t);
            case "overloads" -> overloads(t);
            case "jit-inlined" -> jitInlined(t);
            case "lambda" -> lambda(t);
            case "method-reference" -> methodReference(t);
            case "stream" -> stream(t);
            case "method-handle" -> methodHandle(t);
            case "hidden-class" -> hiddenClass(t);
            case "reflection" -> reflection(t);
            case "virtual-thread" -> virtualThread(t);
            case "virtual-thread-remount" -> virtualThreadRemount(t);
            case "depth-limit" -> depthLimit(t);
            case "clinit-init" -> clinitInit(t);
            case "native" -> nativeFrame(t);
            case "redefined" -> redefined(t);
            case "redefined-on-stack" -> redefinedOnStack(t);
            case "redefined-deferred" -> redefinedDeferred(t);
            case "backtrace-limit" -> backtraceLimit(t);
            default -> throw new IllegalArgumentException("unknown scenario " + name);
        }
    }

    // ---------------------------------------------------------------- plain calls

    static final class Plain {
        static Result a(int depth) {
            return b(depth, "x");
        }

        static Result b(int depth, String s) {
            return c(depth, s, new long[depth + 1]);
        }

        static Result c(int depth, String s, long[] arr) {
            return TierProbe.capture();
        }

        synchronized Result sync(Object o) {
            return TierProbe.capture();
        }

        private Result priv(double d, char c, boolean z) {
            return TierProbe.capture();
        }
    }

    interface Greeter {
        default Result greet(List<String> names) {
            return site(names.size());
        }

        Result site(int n);
    }

    static final class GreeterImpl implements Greeter {
        @Override
        public Result site(int n) {
            return TierProbe.capture();
        }
    }

    private static void plain(Tally t) {
        Result r = t.compare("a->b->c", Plain.a(3));
        t.expectTop("a->b->c", r, Plain.class.getName(), "c");
        List<StackFrame> f = r.slowFrames();
        t.expect(f.size() > 3 && f.get(1).methodName().equals("b") && f.get(2).methodName().equals("a"),
                "frames below c are b and a: " + f);
        StackFrame c = f.get(0);
        t.expect(c.descriptor().equals("(ILjava/lang/String;[J)Lio/jtrace/recorder/TierProbe$Result;"),
                "c's descriptor, got " + c.descriptor());
        t.expect(c.fileName().equals("StackTierScenarios.java") && c.line() > 0 && c.bci() >= 0
                && c.kind() == Wire.FRAME_UNKNOWN, "c has file, line and bci: " + TierProbe.describe(c));
        Plain p = new Plain();
        t.expectTop("synchronized", t.compare("synchronized", p.sync(p)), Plain.class.getName(), "sync");
        t.expectTop("private", t.compare("private", p.priv(1, 'c', true)), Plain.class.getName(), "priv");
        Result g = t.compare("interface default method", new GreeterImpl().greet(List.of("a")));
        t.expect(g.slowFrames().get(1).className().equals(Greeter.class.getName())
                && g.slowFrames().get(1).methodName().equals("greet"), "default method frame below site");
    }

    // ---------------------------------------------------------------- overloads and bridges

    static final class Overloads implements Comparable<Overloads> {
        static Result over(int i) {
            return TierProbe.capture();
        }

        static Result over(String s) {
            return TierProbe.capture();
        }

        static Result over(int i, int j) {
            return TierProbe.capture();
        }

        static Result over(Object[] o) {
            return TierProbe.capture();
        }

        static final List<Result> COMPARED = new ArrayList<>();

        @Override
        public int compareTo(Overloads o) {
            COMPARED.add(TierProbe.capture());
            return 0;
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void overloads(Tally t) {
        Set<String> descriptors = new LinkedHashSet<>();
        for (Result r : List.of(Overloads.over(1), Overloads.over("s"), Overloads.over(1, 2),
                Overloads.over(new Object[0]))) {
            t.compare("over", r);
            t.expectTop("over", r, Overloads.class.getName(), "over");
            descriptors.add(r.slowFrames().get(0).descriptor());
        }
        t.expect(descriptors.size() == 4, "four distinct overload descriptors: " + descriptors);
        Overloads.COMPARED.clear();
        Comparable raw = new Overloads();
        raw.compareTo(new Overloads()); // through the synthetic bridge compareTo(Object)
        Result r = t.compare("bridge", Overloads.COMPARED.get(0));
        List<StackFrame> f = r.slowFrames();
        t.expect(f.get(0).methodName().equals("compareTo") && f.get(1).methodName().equals("compareTo")
                        && f.get(0).descriptor().equals("(Lio/jtrace/recorder/StackTierScenarios$Overloads;)I")
                        && f.get(1).descriptor().equals("(Ljava/lang/Object;)I"),
                "compareTo(Overloads) called from its bridge compareTo(Object): " + f.subList(0, 2));
    }

    // ---------------------------------------------------------------- JIT-compiled and inlined

    interface Op {
        int apply(int i);
    }

    /**
     * Small methods a warm loop calls, so the JIT compiles the loop (OSR) and the methods with all
     * of them inlined; {@code leaf} captures on every 1000th iteration through {@code capture}.
     */
    static final class Warm implements Op {
        static final int ROUNDS = 10;
        static final int ITERATIONS = 20_000;
        static final List<Result> CAPTURED = new ArrayList<>();
        static int sink;

        static void loop(Op op, int n) {
            for (int i = 0; i < n; i++) {
                sink += outer(op, i);
            }
        }

        static int outer(Op op, int i) {
            return op.apply(i) + 1;
        }

        @Override
        public int apply(int i) {
            return middle(i) ^ i;
        }

        static int middle(int i) {
            return leaf(i) * 3;
        }

        static int leaf(int i) {
            if (i % 1000 == 999) {
                capture();
            }
            return i & 7;
        }

        static void capture() {
            CAPTURED.add(TierProbe.capture());
        }
    }

    private static void jitInlined(Tally t) {
        Warm.CAPTURED.clear();
        Op op = new Warm();
        for (int round = 0; round < Warm.ROUNDS; round++) {
            Warm.loop(op, Warm.ITERATIONS);
        }
        int expected = Warm.ROUNDS * Warm.ITERATIONS / 1000;
        t.expect(Warm.CAPTURED.size() == expected, expected + " captures, got " + Warm.CAPTURED.size());
        t.compareAll("warm loop", Warm.CAPTURED);
        Result first = Warm.CAPTURED.get(0);
        List<String> names = first.slowFrames().subList(0, 6).stream().map(StackFrame::methodName).toList();
        t.expect(names.equals(List.of("capture", "leaf", "middle", "apply", "outer", "loop")),
                "capture..loop frames: " + names);
        for (Result r : Warm.CAPTURED) {
            t.expect(r.slowFrames().equals(first.slowFrames()), "every capture of the warm loop is the same stack");
        }
    }

    // ---------------------------------------------------------------- lambdas and method references

    private static void lambda(Tally t) {
        List<Result> out = new ArrayList<>();
        Runnable r = () -> out.add(TierProbe.capture());
        r.run();
        Supplier<Result> s = () -> TierProbe.capture();
        out.add(s.get());
        int k = out.size();
        Function<Integer, Result> f = i -> i + k > 0 ? TierProbe.capture() : null;
        out.add(f.apply(1));
        Runnable nested = () -> {
            Supplier<Result> inner = () -> TierProbe.capture();
            out.add(inner.get());
        };
        nested.run();
        t.compareAll("lambda", out);
        for (Result x : out) {
            StackFrame top = x.slowFrames().get(0);
            t.expect(top.className().equals(SELF) && top.methodName().startsWith("lambda$"),
                    "a lambda body is the top frame: " + TierProbe.describe(top));
            t.expect(x.slowFrames().stream().noneMatch(fr -> fr.className().contains("$$Lambda")),
                    "no lambda proxy frames (hidden classes)");
        }
    }

    /** Call sites for method references, reflection and method handles. */
    static final class Sites {
        final List<Result> out;

        Sites(List<Result> out) {
            this.out = out;
            out.add(TierProbe.capture());
        }

        Sites() {
            this.out = null;
        }

        static Result staticSite() {
            return TierProbe.capture();
        }

        Result instanceSite() {
            return TierProbe.capture();
        }

        Result withArgs(int i, String s) {
            return TierProbe.capture();
        }
    }

    private static void methodReference(Tally t) {
        Supplier<Result> probe = TierProbe::capture;
        Result direct = t.compare("TierProbe::capture", probe.get());
        t.expectTop("TierProbe::capture", direct, SELF, "methodReference");
        Supplier<Result> st = Sites::staticSite;
        t.expectTop("static", t.compare("static", st.get()), Sites.class.getName(), "staticSite");
        Sites sites = new Sites();
        Supplier<Result> bound = sites::instanceSite;
        t.expectTop("bound", t.compare("bound", bound.get()), Sites.class.getName(), "instanceSite");
        Function<Sites, Result> unbound = Sites::instanceSite;
        t.expectTop("unbound", t.compare("unbound", unbound.apply(sites)), Sites.class.getName(), "instanceSite");
        List<Result> out = new ArrayList<>();
        Function<List<Result>, Sites> ctor = Sites::new;
        ctor.apply(out);
        t.expectTop("constructor", t.compare("constructor", out.get(0)), Sites.class.getName(), "<init>");
    }

    private static void stream(Tally t) {
        List<Result> out = Collections.synchronizedList(new ArrayList<>());
        List.of(1, 2, 3).stream().map(i -> i * 2).filter(i -> i > 2).forEach(i -> out.add(TierProbe.capture()));
        IntStream.range(0, 2).boxed().forEach(i -> out.add(TierProbe.capture()));
        Map<Integer, Result> m = IntStream.range(0, 2).boxed()
                .collect(Collectors.toMap(i -> i, i -> TierProbe.capture()));
        out.addAll(m.values());
        List.of(1).forEach(i -> out.add(TierProbe.capture()));
        new LinkedHashMap<>(Map.of(1, 2)).forEach((a, b) -> out.add(TierProbe.capture()));
        t.compareAll("stream", out);
        t.expect(out.size() == 8, "8 captures, got " + out.size());
        t.expect(out.get(0).slowFrames().stream().anyMatch(f -> f.className().startsWith("java.util.stream.")),
                "stream pipeline frames are on the stack");
    }

    private static void methodHandle(Tally t) throws Throwable {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        MethodHandle st = lookup.findStatic(Sites.class, "staticSite", MethodType.methodType(Result.class));
        Result r = t.compare("invokeExact", (Result) st.invokeExact());
        t.expectTop("invokeExact", r, Sites.class.getName(), "staticSite");
        t.expect(r.slowFrames().get(1).className().equals(SELF), "caller of the method handle below it");
        t.compare("invoke", (Result) st.invoke());
        MethodHandle args = lookup.findVirtual(Sites.class, "withArgs",
                MethodType.methodType(Result.class, int.class, String.class));
        MethodHandle bound = MethodHandles.insertArguments(args, 0, new Sites(), 7);
        t.expectTop("bound", t.compare("bound", (Result) bound.invoke("s")), Sites.class.getName(), "withArgs");
        t.compare("spread", (Result) args.asSpreader(Object[].class, 2).invoke(new Sites(), new Object[] {1, "x"}));
        for (Result x : List.of(r)) {
            t.expect(x.slowFrames().stream().noneMatch(f -> f.className().startsWith("java.lang.invoke.LambdaForm")),
                    "no lambda form frames");
        }
    }

    // ---------------------------------------------------------------- hidden classes

    /**
     * A hidden class made with java.lang.classfile: {@code static void call(Runnable r)} runs
     * {@code r}; {@code static Object probe()} captures directly.
     */
    static Class<?> defineHiddenCaller() throws IllegalAccessException {
        ClassDesc self = ClassDesc.of("io.jtrace.recorder.HiddenCaller");
        ClassDesc runnable = ClassDesc.of("java.lang.Runnable");
        ClassDesc probe = ClassDesc.of("io.jtrace.recorder.TierProbe");
        ClassDesc result = ClassDesc.of("io.jtrace.recorder.TierProbe$Result");
        byte[] bytes = ClassFile.of().build(self, cb -> cb
                .withFlags(AccessFlag.PUBLIC, AccessFlag.FINAL)
                .with(SourceFileAttribute.of("HiddenCaller.java"))
                .withMethodBody("call", MethodTypeDesc.of(ConstantDescs.CD_void, runnable),
                        ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, code -> code
                                .lineNumber(10)
                                .aload(0)
                                .invokeinterface(runnable, "run", MethodTypeDesc.of(ConstantDescs.CD_void))
                                .lineNumber(11)
                                .return_())
                .withMethodBody("probe", MethodTypeDesc.of(ConstantDescs.CD_Object),
                        ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, code -> code
                                .lineNumber(20)
                                .invokestatic(probe, "capture", MethodTypeDesc.of(result))
                                .areturn()));
        return MethodHandles.lookup().defineHiddenClass(bytes, true).lookupClass();
    }

    private static void hiddenClass(Tally t) throws Throwable {
        Class<?> hidden = defineHiddenCaller();
        t.expect(hidden.isHidden(), "the class is hidden: " + hidden);
        MethodHandle call = MethodHandles.lookup().findStatic(hidden, "call",
                MethodType.methodType(void.class, Runnable.class));
        List<Result> out = new ArrayList<>();
        call.invokeExact((Runnable) () -> out.add(TierProbe.capture()));
        MethodHandle probe = MethodHandles.lookup().findStatic(hidden, "probe", MethodType.methodType(Object.class));
        out.add((Result) (Object) probe.invokeExact());
        Method reflected = hidden.getMethod("call", Runnable.class);
        reflected.invoke(null, (Runnable) () -> out.add(TierProbe.capture()));
        t.compareAll("hidden class", out);
        for (Result r : out) {
            t.expect(r.slowFrames().stream().noneMatch(f -> f.className().startsWith("io.jtrace.recorder.HiddenCaller")),
                    "the hidden class's frames are left out by both tiers");
        }
        StackFrame lambda = out.get(0).slowFrames().get(0);
        t.expect(lambda.className().equals(SELF) && lambda.methodName().startsWith("lambda$hiddenClass$"),
                "the top frame is the lambda the hidden class ran: " + TierProbe.describe(lambda));
        t.expectTop("direct", out.get(1), SELF, "hiddenClass");
    }

    // ---------------------------------------------------------------- reflection

    private static void reflection(Tally t) throws Exception {
        List<Result> out = new ArrayList<>();
        Method st = Sites.class.getDeclaredMethod("staticSite");
        Method inst = Sites.class.getDeclaredMethod("instanceSite");
        Method args = Sites.class.getDeclaredMethod("withArgs", int.class, String.class);
        Constructor<Sites> ctor = Sites.class.getDeclaredConstructor(List.class);
        Sites sites = new Sites();
        for (int i = 0; i < 20; i++) {
            out.add((Result) st.invoke(null));
            out.add((Result) inst.invoke(sites));
            out.add((Result) args.invoke(sites, i, "s"));
            ctor.newInstance(out);
        }
        t.compareAll("reflection", out);
        t.expect(out.get(0).slowFrames().stream().anyMatch(f -> f.className().equals("java.lang.reflect.Method")
                && f.methodName().equals("invoke")), "Method.invoke is on the stack");
        t.expect(out.get(3).slowFrames().stream().anyMatch(f -> f.className().equals("java.lang.reflect.Constructor")
                && f.methodName().equals("newInstance")), "Constructor.newInstance is on the stack");
        t.expectTop("constructor", out.get(3), Sites.class.getName(), "<init>");
    }

    // ---------------------------------------------------------------- virtual threads

    private static void virtualThread(Tally t) throws Exception {
        List<Result> out = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Boolean> virtual = new AtomicReference<>();
        Thread vt = Thread.ofVirtual().start(() -> {
            virtual.set(Thread.currentThread().isVirtual());
            out.add(TierProbe.capture());
            out.add(Plain.a(2));
            Runnable r = () -> out.add(TierProbe.capture());
            r.run();
        });
        vt.join();
        t.expect(Boolean.TRUE.equals(virtual.get()), "ran in a virtual thread");
        t.compareAll("virtual thread", out);
        List<StackFrame> f = out.get(0).slowFrames();
        t.expect(f.getLast().className().equals("java.lang.VirtualThread") && f.getLast().methodName().equals("run"),
                "the walk ends at the virtual thread's continuation: " + f.getLast());
    }

    /** A virtual thread that parks at the top of a deep stack, so it unmounts and remounts. */
    static final class Remount {
        final List<Result> out = Collections.synchronizedList(new ArrayList<>());
        final Set<String> carriers = Collections.synchronizedSet(new LinkedHashSet<>());
        volatile boolean parked;

        Result deep(int n) {
            if (n == 0) {
                for (int i = 0; i < 20; i++) {
                    out.add(TierProbe.capture());
                    carriers.add(carrier());
                    if (i % 3 == 2) {
                        Thread.yield();
                    } else if (i % 3 == 1) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    } else {
                        parked = true;
                        LockSupport.park();
                    }
                    carriers.add(carrier());
                }
                return TierProbe.capture();
            }
            Result r = deep(n - 1);
            if (n % 10 == 0) {
                out.add(TierProbe.capture()); // in a frame that was frozen and is being thawed lazily
            }
            return r;
        }

        static String carrier() {
            String s = Thread.currentThread().toString();
            return s.substring(s.indexOf('@') + 1);
        }
    }

    private static void virtualThreadRemount(Tally t) throws Exception {
        Remount remount = new Remount();
        Thread vt = Thread.ofVirtual().start(() -> remount.out.add(remount.deep(40)));
        while (vt.isAlive()) {
            if (remount.parked && vt.getState() == Thread.State.WAITING) {
                remount.parked = false;
                LockSupport.unpark(vt);
            }
            Thread.onSpinWait();
        }
        vt.join();
        t.expect(remount.out.size() == 25, "25 captures, got " + remount.out.size());
        t.compareAll("remounted virtual thread", remount.out);
        t.expect(!remount.carriers.isEmpty(), "ran on a carrier");
        t.err.println("scenario " + t.name + " carriers: " + remount.carriers);
    }

    // ---------------------------------------------------------------- depth limit

    static Result recurse(int n, int limit) {
        return n == 0 ? TierProbe.capture(limit) : recurse(n - 1, limit);
    }

    private static void depthLimit(Tally t) throws Throwable {
        List<Throwable> failure = new ArrayList<>();
        Thread th = Thread.ofPlatform().stackSize(16 << 20).start(() -> {
            try {
                depthLimitIn(t);
            } catch (Throwable e) {
                failure.add(e);
            }
        });
        th.join();
        if (!failure.isEmpty()) {
            throw failure.get(0);
        }
    }

    private static void depthLimitIn(Tally t) {
        int below = recurse(0, TierProbe.DEFAULT_DEPTH).slowFrames().size() - 1; // frames under the recursion
        Result r = t.compare("limit 16, recursion 40", recurse(40, 16));
        t.expect(r.slow().truncated() && r.slowFrames().size() == 16
                && r.slowFrames().stream().allMatch(f -> f.methodName().equals("recurse")),
                "16 recurse frames, truncated");
        for (int limit : new int[] {1, 2, 16, 31, 32, 33, 63, 64, 65, 100, 500}) {
            int exact = limit - 1 - below; // recursion giving exactly limit frames
            if (exact >= 0) {
                Result e = t.compare("exactly " + limit, recurse(exact, limit));
                t.expect(!e.slow().truncated() && e.slowFrames().size() == limit,
                        "exactly at the limit " + limit + " is not truncated");
                Result over = t.compare("one over " + limit, recurse(exact + 1, limit));
                t.expect(over.slow().truncated() && over.slowFrames().size() == limit,
                        "one over the limit " + limit + " is truncated");
            }
            Result deep = t.compare("far over " + limit, recurse(limit + 40, limit));
            t.expect(deep.slow().truncated() && deep.slowFrames().size() == limit, "far over " + limit + " truncated");
        }
    }

    // ---------------------------------------------------------------- <clinit> and <init>

    static final List<Result> INIT_CAPTURES = Collections.synchronizedList(new ArrayList<>());

    static final class WithClinit {
        static final Result CAPTURED = TierProbe.capture();

        static void touch() {}
    }

    static class Base {
        Base(String s, List<Result> out) {
            out.add(TierProbe.capture());
        }
    }

    static final class Derived extends Base {
        Derived(int i, List<Result> out) {
            super(String.valueOf(i), out);
        }

        Derived(List<Result> out) {
            this(7, out);
        }
    }

    static final class ClinitConstructs {
        static final Derived D = new Derived(INIT_CAPTURES);

        static void touch() {}
    }

    private static void clinitInit(Tally t) {
        WithClinit.touch();
        Result clinit = t.compare("<clinit>", WithClinit.CAPTURED);
        t.expectTop("<clinit>", clinit, WithClinit.class.getName(), "<clinit>");
        t.expect(clinit.slowFrames().get(0).descriptor().equals("()V"), "<clinit>'s descriptor");
        StackFrame trigger = clinit.slowFrames().get(1);
        t.expect(trigger.className().equals(SELF) && trigger.methodName().equals("clinitInit"),
                "the class is initialized from clinitInit: " + TierProbe.describe(trigger));
        INIT_CAPTURES.clear();
        new Derived(INIT_CAPTURES);
        Result init = t.compare("<init> chain", INIT_CAPTURES.get(0));
        List<StackFrame> f = init.slowFrames();
        t.expect(f.get(0).methodName().equals("<init>") && f.get(1).methodName().equals("<init>")
                        && f.get(2).methodName().equals("<init>")
                        && f.get(0).descriptor().equals("(Ljava/lang/String;Ljava/util/List;)V")
                        && f.get(1).descriptor().equals("(ILjava/util/List;)V")
                        && f.get(2).descriptor().equals("(Ljava/util/List;)V"),
                "Base(String, List) <- Derived(int, List) <- Derived(List): " + f.subList(0, 3));
        INIT_CAPTURES.clear();
        ClinitConstructs.touch();
        Result both = t.compare("<init> under <clinit>", INIT_CAPTURES.get(0));
        t.expect(both.slowFrames().stream().anyMatch(x -> x.methodName().equals("<clinit>")
                && x.className().equals(ClinitConstructs.class.getName())), "<clinit> under the constructors");
    }

    // ---------------------------------------------------------------- native frames

    /** The VM calls loadClass from the native Class.forName0, so a native frame is under it. */
    static final class CapturingLoader extends ClassLoader {
        final List<Result> out = new ArrayList<>();

        CapturingLoader() {
            super(StackTierScenarios.class.getClassLoader());
        }

        @Override
        public Class<?> loadClass(String name) throws ClassNotFoundException {
            if (name.equals("jtrace.test.Marker")) {
                out.add(TierProbe.capture());
                throw new ClassNotFoundException(name);
            }
            return super.loadClass(name);
        }
    }

    private static void nativeFrame(Tally t) {
        CapturingLoader loader = new CapturingLoader();
        try {
            Class.forName("jtrace.test.Marker", false, loader);
        } catch (ClassNotFoundException expected) {
            // the loader captured and refused
        }
        t.compareAll("loadClass under Class.forName0", loader.out);
        List<StackFrame> f = loader.out.get(0).slowFrames();
        t.expect(f.stream().anyMatch(x -> x.kind() == Wire.FRAME_NATIVE && x.className().equals("java.lang.Class")
                && x.methodName().equals("forName0") && x.line() == -1 && x.bci() == -1),
                "a native Class.forName0 frame: " + f);
    }

    // ---------------------------------------------------------------- redefinition

    /** The class file of {@code c} as compiled. */
    static byte[] classBytes(Class<?> c) throws IOException {
        try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    /** {@code bytes} with {@code nops} NOPs at the start of every method, so every bci shifts by that. */
    static byte[] withLeadingNops(byte[] bytes, int nops) {
        ClassFile cf = ClassFile.of();
        return cf.transformClass(cf.parse(bytes), ClassTransform.transformingMethodBodies(new CodeTransform() {
            @Override
            public void atStart(CodeBuilder b) {
                for (int i = 0; i < nops; i++) {
                    b.nop();
                }
            }

            @Override
            public void accept(CodeBuilder b, CodeElement e) {
                b.with(e);
            }
        }));
    }

    static void redefine(Class<?> c, byte[] bytes) {
        try {
            TierAgent.instrumentation.redefineClasses(new ClassDefinition(c, bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void redefined(Tally t) throws IOException {
        t.expect(TierAgent.instrumentation.isRedefineClassesSupported(), "redefinition supported");
        byte[] original = classBytes(RedefineTarget.class);
        redefine(RedefineTarget.class, original);
        Result before = t.compare("before", RedefineTarget.site());
        redefine(RedefineTarget.class, withLeadingNops(original, 1));
        Result after = t.compare("after", RedefineTarget.site());
        StackFrame b = before.slowFrames().get(0);
        StackFrame a = after.slowFrames().get(0);
        t.expect(a.className().equals(b.className()) && a.methodName().equals("site") && a.line() == b.line()
                && a.bci() == b.bci() + 1, "site's bci shifted by one NOP: before " + TierProbe.describe(b)
                + ", after " + TierProbe.describe(a));
        redefine(RedefineTarget.class, withLeadingNops(original, 3));
        Result again = t.compare("again", RedefineTarget.site());
        t.expect(again.slowFrames().get(0).bci() == b.bci() + 3, "site's bci shifted by three NOPs");
    }

    /**
     * A stack captured before its class is redefined but symbolized after (the fast tier
     * symbolizes when the generation ends): a known difference, see {@link #KNOWN_DIFFERENCES}.
     */
    private static void redefinedDeferred(Tally t) throws IOException {
        byte[] original = classBytes(RedefineTarget.class);
        redefine(RedefineTarget.class, original);
        TierProbe.Raw pending = RedefineTarget.siteRaw();
        redefine(RedefineTarget.class, withLeadingNops(original, 1));
        redefine(RedefineTarget.class, withLeadingNops(original, 2)); // purges the first version's methods
        Result r = pending.symbolize();
        StackFrame slow = r.slowFrames().get(0);
        t.expect(slow.methodName().equals("siteRaw") && slow.fileName().equals("RedefineTarget.java")
                && slow.line() > 0, "slow symbolized siteRaw when it captured: " + TierProbe.describe(slow));
        t.compareKnown("captured before, symbolized after", r, 0, slow,
                withFileAndLine(slow, "", -1),
                "the frame's class was redefined after the capture; HotSpot gives a Throwable's frame of an older "
                        + "class version no file name, and no line once that version's methods are purged");
    }

    static StackFrame withFileAndLine(StackFrame f, String fileName, int line) {
        return new StackFrame(f.className(), f.methodName(), f.descriptor(), fileName, line, f.bci(), f.kind());
    }

    /** This JVM's -XX:MaxJavaStackTraceDepth: how many frames a Throwable's backtrace keeps. */
    static int maxJavaStackTraceDepth() {
        return Integer.parseInt(java.lang.management.ManagementFactory
                .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                .getVMOption("MaxJavaStackTraceDepth").getValue());
    }

    /**
     * HotSpot cuts a Throwable's backtrace at -XX:MaxJavaStackTraceDepth (1024 by default) where
     * StackWalker walks on: the fast tier must refuse depth limits it cannot honour (StackTier.of
     * then falls back to slow) and agree with slow up to the deepest limit it accepts.
     */
    private static void backtraceLimit(Tally t) throws Throwable {
        int vmLimit = maxJavaStackTraceDepth();
        t.expect(vmLimit > 100, "a MaxJavaStackTraceDepth this scenario can test: " + vmLimit);
        int deepest = vmLimit - Backtraces.CHUNK_SIZE - 1; // a limit fast still accepts
        t.expect(FastStacks.availability(deepest) == null, "fast accepts stackdepth=" + deepest);
        t.expect(FastStacks.availability(deepest + 1) != null, "fast refuses stackdepth=" + (deepest + 1));
        t.expect(FastStacks.availability(2000) != null, "fast refuses stackdepth=2000");
        TraceOptions options = TraceOptions.defaults().withStacks(TraceOptions.Stacks.FAST);
        t.expect(StackTier.of(options.withStackDepth(2000)).name().equals("slow"),
                "stacks=fast with stackdepth=2000 falls back to slow");
        t.expect(StackTier.of(options.withStackDepth(deepest)).name().equals("fast"),
                "stacks=fast with stackdepth=" + deepest + " stays fast");
        List<Throwable> failure = new ArrayList<>();
        Thread th = Thread.ofPlatform().stackSize(64 << 20).start(() -> {
            try {
                int below = recurse(0, TierProbe.DEFAULT_DEPTH).slowFrames().size() - 1;
                Result far = t.compare("limit " + deepest + ", recursion " + (vmLimit + 100),
                        recurse(vmLimit + 100, deepest));
                t.expect(far.slow().truncated() && far.slowFrames().size() == deepest, "truncated at " + deepest);
                Result exact = t.compare("exactly " + deepest, recurse(deepest - 1 - below, deepest));
                t.expect(!exact.slow().truncated() && exact.slowFrames().size() == deepest,
                        "exactly " + deepest + " frames, not truncated");
                Result over = t.compare("one over " + deepest, recurse(deepest - below, deepest));
                t.expect(over.slow().truncated() && over.slowFrames().size() == deepest, "one over, truncated");
            } catch (Throwable e) {
                failure.add(e);
            }
        });
        th.join();
        if (!failure.isEmpty()) {
            throw failure.get(0);
        }
    }

    private static void redefinedOnStack(Tally t) throws IOException {
        byte[] original = classBytes(RedefineTarget.class);
        redefine(RedefineTarget.class, withLeadingNops(original, 1));
        Result before = t.compare("before", RedefineTarget.outer(TierProbe::capture));
        t.expectTop("before", before, RedefineTarget.class.getName(), "outer");
        int oldBci = before.slowFrames().get(0).bci();
        // redefine while outer runs: its frame keeps running the old (now obsolete) method
        Result during = RedefineTarget.outer(() -> {
            redefine(RedefineTarget.class, withLeadingNops(original, 2));
            return TierProbe.capture();
        });
        StackFrame outer = during.slowFrames().get(1);
        t.expect(outer.methodName().equals("outer") && outer.bci() == oldBci,
                "the obsolete outer frame keeps its old bci " + oldBci + ": " + TierProbe.describe(outer));
        StackFrame current = before.slowFrames().get(0); // the same frame before the redefinition
        t.compareKnown("obsolete frame", during, 1, withFileAndLine(current, "", -1),
                withFileAndLine(current, "", current.line()),
                "outer was redefined while it ran: StackWalker gives the obsolete method's frame no line, "
                        + "the Throwable's backtrace finds its line in the previous class version; neither a file");
        Result after = t.compare("after", RedefineTarget.outer(TierProbe::capture));
        t.expect(after.slowFrames().get(0).bci() == oldBci + 1, "the new outer's bci is one more");
    }
}
