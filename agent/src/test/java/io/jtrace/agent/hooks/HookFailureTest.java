package io.jtrace.agent.hooks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** A hook that throws never lets the exception into the JDK method that called it. */
class HookFailureTest {
    @Test
    void aFailingHookTurnsItselfOffAndTheOthersStayOn() {
        // Object.wait's hook dereferences the monitor: null makes it throw inside
        assertThatCode(() -> Hooks.objectWait(null)).doesNotThrowAnyException();
        assertThat(Hook.OBJECT_WAIT.off).isTrue();
        assertThat(Hook.PARK.off).isFalse();
        assertThatCode(() -> Hooks.objectWait(null)).doesNotThrowAnyException(); // off: returns at once
        assertThatCode(() -> Hooks.park(new Object())).doesNotThrowAnyException();
        assertThat(Hook.PARK.off).isFalse();
    }
}
