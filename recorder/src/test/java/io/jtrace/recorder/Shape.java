package io.jtrace.recorder;

import java.util.function.Supplier;

/** What {@link ShapeTemplate} implements: not generic, so the class has no bridge method naming itself. */
public interface Shape {
    Object apply(Supplier<Object> s);
}
