package io.jtrace.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class TerminalProgressTest {
    private final StringWriter text = new StringWriter();
    private final AtomicLong now = new AtomicLong(0);
    private final TerminalProgress progress = new TerminalProgress(new PrintWriter(text), now::get);

    @Test
    void aShortReadShowsNothing() {
        progress.update(500, 1000);
        now.set(TerminalProgress.QUIET_NANOS - 1);
        progress.update(1000, 1000);
        progress.close();

        assertThat(text.toString()).isEmpty();
    }

    @Test
    void aLongReadRewritesOneLineAFewTimesASecondThenErasesIt() {
        now.set(TerminalProgress.QUIET_NANOS);
        progress.update(250_000_000, 1_000_000_000);
        now.addAndGet(100_000_000); // too soon after the last line
        progress.update(300_000_000, 1_000_000_000);
        now.addAndGet(200_000_000);
        progress.update(500_000_000, 1_000_000_000);
        progress.close();

        assertThat(text.toString()).isEqualTo(
                "\rjtrace: reading the trace:  25% (250.0 of 1000.0 MB)"
                        + "\rjtrace: reading the trace:  50% (500.0 of 1000.0 MB)"
                        + "\r\033[K");
    }

    @Test
    void aFileThatGrewPastItsSizeStopsAtAHundredPercent() {
        now.set(TerminalProgress.QUIET_NANOS);
        progress.update(1200, 1000);

        assertThat(text.toString()).contains("100%");
    }
}
