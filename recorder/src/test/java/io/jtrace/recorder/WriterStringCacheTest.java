package io.jtrace.recorder;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A writer remembers the id of the string it named last ({@link Writer#string}), which is an id of
 * one generation's strings only: in the next generation the same string is named by that
 * generation's id, also when the buffer is replaced within a generation.
 */
class WriterStringCacheTest {

    @Test
    void theLastStringsIdIsReusedWithinItsGenerationOnly() {
        Writer w = new Writer(1, null);
        GenerationTables first = new GenerationTables(null, 0, 0);
        w.attach(new Buffer(1024), 0, 0, first);
        long blocker = w.string("java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject");
        assertThat(blocker).isPositive().isEqualTo(first.string("java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject"));
        assertThat(w.string("java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject")).isEqualTo(blocker);

        w.attach(new Buffer(1024), 0, 10, first); // a full buffer replaced: the same generation and tables
        assertThat(w.string("java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject")).isEqualTo(blocker);

        GenerationTables second = new GenerationTables(null, 1, 0);
        long other = second.string("sun.nio.ch.Poller"); // the next generation numbers its strings afresh
        w.attach(new Buffer(1024), 1, 20, second);
        long again = w.string("java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject");
        assertThat(again).isEqualTo(second.string("java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject"))
                .isNotEqualTo(other);
        assertThat(w.string(null)).isZero();
        assertThat(w.string("")).isZero();
    }
}
