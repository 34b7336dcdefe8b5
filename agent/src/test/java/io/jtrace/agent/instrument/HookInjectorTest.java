package io.jtrace.agent.instrument;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The injector's account of what it did, which the agent reports: a hook point is missing only
 * once its class was seen without it (classes are instrumented as they load, so a class not
 * loaded yet proves nothing).
 */
class HookInjectorTest {
    private static final String QUEUE = "java/util/concurrent/ArrayBlockingQueue";

    private static final HookPoint TAKE = new HookPoint(QUEUE, "take", "()Ljava/lang/Object;",
            new HookPoint.Call("queueEnter", "()V", List.of()), null, "park");
    private static final HookPoint NO_SUCH_METHOD = new HookPoint(QUEUE, "takeTwice", "()Ljava/lang/Object;",
            new HookPoint.Call("queueEnter", "()V", List.of()), null, "park");
    private static final HookPoint OF_A_CLASS_NOT_LOADED = new HookPoint("java/util/concurrent/DelayQueue", "take",
            "()Ljava/util/concurrent/Delayed;", new HookPoint.Call("queueEnter", "()V", List.of()), null, "park");

    private static byte[] classFile(String internalName) throws IOException {
        try (InputStream in = Object.class.getResourceAsStream("/" + internalName + ".class")) {
            return in.readAllBytes();
        }
    }

    @Test
    void aHookPointIsMissingOnlyOnceItsClassWasSeenWithoutIt() throws IOException {
        HookInjector injector = new HookInjector(List.of(TAKE, NO_SUCH_METHOD, OF_A_CLASS_NOT_LOADED));
        assertThat(injector.missing()).as("nothing seen yet").isEmpty();

        byte[] rewritten = injector.transform(null, null, QUEUE, null, null, classFile(QUEUE));

        assertThat(rewritten).isNotNull();
        assertThat(injector.applied()).containsExactly(TAKE);
        assertThat(injector.missing()).containsExactly(NO_SUCH_METHOD);
        assertThat(injector.failures()).isEmpty();
    }

    @Test
    void aClassWithoutHookPointsIsLeftAsItIs() throws IOException {
        HookInjector injector = new HookInjector(List.of(TAKE));
        assertThat(injector.transform(null, null, "java/util/ArrayList", null, null, classFile("java/util/ArrayList"))).isNull();
        assertThat(injector.missing()).isEmpty();
    }
}
