package io.jtrace.recorder;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link ParkPermits} reads of the JDK's virtual threads is there, with the type it reads. */
class ParkPermitsTest {
    @Test
    void virtualThreadsHaveTheBooleanParkPermitThatIsRead() throws Exception {
        assertThat(Class.forName("java.lang.VirtualThread").getDeclaredField("parkPermit").getType())
                .isEqualTo(boolean.class);
        assertThat(ParkPermits.available()).isTrue();
    }
}
