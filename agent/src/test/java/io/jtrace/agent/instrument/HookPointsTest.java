package io.jtrace.agent.instrument;

import io.jtrace.agent.hooks.Hooks;
import org.junit.jupiter.api.Test;

import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hook table and the hooks agree: every call a hook point injects names a public static
 * method of {@link Hooks} with that descriptor (a typo would otherwise surface as a
 * NoSuchMethodError inside the JDK method the hook is injected into), and every hooked JDK
 * method exists in this JDK with its descriptor.
 */
class HookPointsTest {
    private static List<HookPoint.Call> calls() {
        return HookPoints.all().stream().flatMap(p -> Stream.of(p.onEntry(), p.onExit())).filter(Objects::nonNull).toList();
    }

    @Test
    void everyInjectedCallNamesAPublicStaticHookWithThatDescriptor() {
        List<String> missing = new ArrayList<>();
        for (HookPoint.Call c : calls()) {
            MethodType type = MethodType.fromMethodDescriptorString(c.descriptor(), Hooks.class.getClassLoader());
            try {
                Method m = Hooks.class.getMethod(c.hook(), type.parameterArray());
                if (!Modifier.isStatic(m.getModifiers()) || m.getReturnType() != type.returnType()) {
                    missing.add(c.hook() + c.descriptor() + " (not static, or returns " + m.getReturnType() + ")");
                }
            } catch (NoSuchMethodException e) {
                missing.add(c.hook() + c.descriptor());
            }
            assertThat(c.args()).as(c.hook() + ": one argument per parameter")
                    .hasSize(MethodTypeDesc.ofDescriptor(c.descriptor()).parameterCount());
        }
        assertThat(missing).as("hooks the table names but Hooks lacks").isEmpty();
    }

    @Test
    void everyPublicHookIsCalledFromSomeHookPoint() {
        Set<String> called = calls().stream().map(c -> c.hook() + c.descriptor()).collect(Collectors.toSet());
        List<String> unused = Stream.of(Hooks.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()))
                .map(m -> m.getName() + MethodType.methodType(m.getReturnType(), m.getParameterTypes()).toMethodDescriptorString())
                .filter(h -> !called.contains(h))
                .toList();
        assertThat(unused).as("public hooks no hook point calls (dead, or a table entry is missing)").isEmpty();
    }

    @Test
    void everyHookedJdkMethodExistsInThisJdk() throws Exception {
        List<String> missing = new ArrayList<>();
        for (HookPoint p : HookPoints.all()) {
            Class<?> owner = Class.forName(p.owner().replace('/', '.'), false, null);
            MethodType type = MethodType.fromMethodDescriptorString(p.descriptor(), null);
            boolean found = Stream.of(owner.getDeclaredMethods()).anyMatch(m -> m.getName().equals(p.method())
                    && MethodType.methodType(m.getReturnType(), m.getParameterTypes()).equals(type));
            if (!found) {
                missing.add(p.owner() + "." + p.method() + p.descriptor());
            }
        }
        assertThat(missing).as("hook points this JDK does not have").isEmpty();
    }
}
