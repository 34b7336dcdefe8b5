package io.jtrace.recorder;

import java.util.function.Supplier;

/**
 * The class {@link FpUnloadingScenario} loads again and again under new names, each copy in its
 * own class loader: same bytecode, so its interpreted frames and compiled code can land at the
 * addresses a dropped copy used.
 */
public final class ShapeTemplate implements Shape {
    @Override
    public Object apply(Supplier<Object> s) {
        return s.get();
    }
}
