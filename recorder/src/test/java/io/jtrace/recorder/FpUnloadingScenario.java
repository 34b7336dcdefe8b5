package io.jtrace.recorder;

import io.jtrace.format.StackFrame;
import io.jtrace.format.StackTrace;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.constant.ClassDesc;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Condition 4 of the {@code fp} tier (reference/jdk25-internals.md): freed code and metadata
 * addresses are reused, so a fingerprint must not outlive class unloading. Each round loads a
 * copy of {@link ShapeTemplate} under a new name in a new class loader, calls it until it is
 * compiled, captures stacks through it with the fp tier, checks every captured stack names this
 * round's class, then drops the loader and collects until the class is unloaded. A stale
 * fingerprint would show the previous round's class name.
 *
 * <p>Prints {@code unloading rounds=R stale=S unloaded=U reused=N} (N: rounds whose compiled
 * frame had the same return address as the unloaded copy's, i.e. the danger was real) and exits
 * non-zero if S is not 0 or a class did not unload. Needs {@code -XX:+PreserveFramePointer}.
 */
public final class FpUnloadingScenario {
    private static final String PREFIX = "io.jtrace.recorder.ShapeCopy";
    private static final int ROUNDS = 6;
    private static final int CALLS = 30_000;

    private FpUnloadingScenario() {}

    public static void main(String[] args) throws Exception {
        String why = FpStacks.availability(128);
        if (why != null) {
            System.out.println("fp tier off: " + why);
            System.exit(2);
        }
        FpStacks tier = FpStacks.create(128, new Class<?>[] {FpStacks.class, FpUnloadingScenario.class}, false);
        tier.startInBackground(); // as the recorder's writer does: the collectors' notifications
        byte[] template = bytes(ShapeTemplate.class);
        int stale = 0;
        int unloaded = 0;
        int reused = 0;
        long[] previousPcs = null;
        for (int round = 0; round < ROUNDS; round++) {
            String name = PREFIX + round;
            Round r = round(tier, template, name);
            stale += r.stale;
            if (previousPcs != null && Arrays.equals(previousPcs, r.pcs)) {
                reused++;
            }
            previousPcs = r.pcs;
            if (waitUntilUnloaded(r.loader)) {
                unloaded++;
            } else {
                System.err.println("round " + round + ": " + name + " was not unloaded");
            }
        }
        System.out.println("unloading rounds=" + ROUNDS + " stale=" + stale + " unloaded=" + unloaded + " reused=" + reused);
        System.exit(stale == 0 && unloaded == ROUNDS ? 0 : 1);
    }

    private record Round(int stale, long[] pcs, WeakReference<ClassLoader> loader) {}

    private static Round round(FpStacks tier, byte[] template, String name) throws Exception {
        ClassLoader loader = new OneClassLoader(name, renamed(template, name));
        Shape shape = (Shape) loader.loadClass(name).getConstructor().newInstance();
        StackTable table = tier.newTable();
        List<Long> ids = new ArrayList<>();
        long[][] pcs = new long[1][];
        for (int i = 0; i < CALLS; i++) {
            Object captured = shape.apply(tier::capture);
            if (i % 100 == 0 || i == CALLS - 1) {
                ids.add(table.id(captured));
            }
        }
        shape.apply(() -> pcs[0] = returnAddressesBelow());
        int stale = 0;
        for (StackTrace s : table.symbolize()) {
            for (StackFrame f : s.frames()) {
                if (f.className().startsWith(PREFIX) && !f.className().equals(name)) {
                    stale++;
                    System.err.println("stale stack in the round of " + name + ": " + s.frames());
                }
            }
        }
        if (table.symbolize().stream().noneMatch(s -> s.frames().stream().anyMatch(f -> f.className().equals(name)))) {
            stale++;
            System.err.println("no stack through " + name);
        }
        table.clear();
        return new Round(stale, pcs[0], new WeakReference<>(loader));
    }

    /** The return addresses of the frames nearest the caller: the shape's compiled frame among them. */
    private static long[] returnAddressesBelow() {
        long[] all = FpHelper.frames(64);
        return Arrays.copyOfRange(all, 0, Math.min(all.length, 8));
    }

    /** Collects until {@code loader} is gone and the JVM counts an unloaded class; false after 20 s. */
    private static boolean waitUntilUnloaded(WeakReference<ClassLoader> loader) throws InterruptedException {
        long before = ManagementFactory.getClassLoadingMXBean().getUnloadedClassCount();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            System.gc();
            if (loader.get() == null && ManagementFactory.getClassLoadingMXBean().getUnloadedClassCount() > before) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private static byte[] renamed(byte[] template, String name) {
        ClassModel model = ClassFile.of().parse(template);
        return ClassFile.of().transformClass(model, ClassDesc.of(name), ClassTransform.dropping(
                e -> e instanceof java.lang.classfile.attribute.InnerClassesAttribute
                        || e instanceof java.lang.classfile.attribute.NestMembersAttribute));
    }

    private static byte[] bytes(Class<?> c) throws IOException {
        try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    /** Defines one class from bytes; everything else from the application class loader. */
    private static final class OneClassLoader extends ClassLoader {
        private final String name;
        private final byte[] bytes;

        OneClassLoader(String name, byte[] bytes) {
            super(FpUnloadingScenario.class.getClassLoader());
            this.name = name;
            this.bytes = bytes;
        }

        @Override
        protected Class<?> findClass(String n) throws ClassNotFoundException {
            if (n.equals(name)) {
                return defineClass(n, bytes, 0, bytes.length);
            }
            throw new ClassNotFoundException(n);
        }
    }
}
