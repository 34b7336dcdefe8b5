package io.jtrace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Starting while a recording runs is refused, and never touches the file being written. */
class TraceLifecycleTest {
    @Test
    void aSecondStartIsRefusedWithoutTruncatingTheTraceBeingWritten(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.jtrace");
        Trace.start(file, TraceOptions.defaults().withGenerationPeriod(java.time.Duration.ofMillis(20)));
        try {
            Trace.log("before", "the second start");
            Thread.sleep(150); // generations have ended and been flushed to the file by now
            long size = Files.size(file);
            assertThat(size).isPositive();
            assertThatThrownBy(() -> Trace.start(file, TraceOptions.defaults()))
                    .isInstanceOf(IllegalStateException.class).hasMessage("tracing is already on");
            assertThat(Files.size(file)).isGreaterThanOrEqualTo(size);
        } finally {
            Trace.stop();
        }
        assertThat(TraceFiles.readAll(file).truncated()).isFalse();
        assertThat(Trace.isEnabled()).isFalse();
    }
}
