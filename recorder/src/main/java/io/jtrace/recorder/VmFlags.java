package io.jtrace.recorder;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;

/**
 * The JVM's flags (HotSpot's {@code -XX:} options), read the cheap way where it is open to us.
 * Through the platform MXBean the first read costs ~25 ms (it builds the management registry), on
 * the agent's start-up path; jdk.management's own implementation class, which the agent exports to
 * the tracer, answers in ~2 ms. Without that export (the recorder used as a library) the MXBean.
 */
public final class VmFlags {
    private VmFlags() {}

    /** The flag's value as text, or null if this JVM has no such flag or no way to read it. */
    public static String value(String name) {
        try {
            return diagnostics().getVMOption(name).getValue();
        } catch (RuntimeException | LinkageError noSuchFlagOrNotHotSpot) {
            return null;
        }
    }

    private static HotSpotDiagnosticMXBean diagnostics() {
        try {
            // its native methods are in the library that the module's MBean provider loads
            Class.forName("com.sun.management.internal.PlatformMBeanProviderImpl", true, null);
            return (HotSpotDiagnosticMXBean) Class.forName("com.sun.management.internal.HotSpotDiagnostic", true, null)
                    .getConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError notOpenToUs) {
            return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        }
    }
}
