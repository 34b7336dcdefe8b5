package io.jtrace.analysis;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ThreadGroupsTest {
    @Test
    void digitRunsCollapseToOneHash() {
        assertThat(ThreadGroups.group("pool-1-thread-3", false)).isEqualTo("pool-#-thread-#");
        assertThat(ThreadGroups.group("pool-12-thread-345", false)).isEqualTo("pool-#-thread-#");
        assertThat(ThreadGroups.group("ForkJoinPool-1-worker-2", false)).isEqualTo("ForkJoinPool-#-worker-#");
        assertThat(ThreadGroups.group("C2 CompilerThread0", false)).isEqualTo("C# CompilerThread#");
        assertThat(ThreadGroups.group("42", true)).isEqualTo("#");
    }

    @Test
    void namesWithoutDigitsAreTheirOwnGroup() {
        assertThat(ThreadGroups.group("main", false)).isEqualTo("main");
        assertThat(ThreadGroups.group("lock-holder", false)).isEqualTo("lock-holder");
    }

    @Test
    void namelessThreads() {
        assertThat(ThreadGroups.group("", true)).isEqualTo("virtual");
        assertThat(ThreadGroups.group("", false)).isEqualTo("unnamed");
        assertThat(ThreadGroups.group(null, false)).isEqualTo("thread ?");
    }

    @Test
    void threadsWithoutANumberedNameGoByTheirEntryMethodWhereKnown() {
        assertThat(ThreadGroups.group("pool-1-thread-3", false, "app.Worker.run")).isEqualTo("pool-#-thread-#");
        assertThat(ThreadGroups.group("Thread-7", false, "app.Worker.run")).isEqualTo("app.Worker.run");
        assertThat(ThreadGroups.group("", true, "app.Handler.handle")).isEqualTo("app.Handler.handle");
        assertThat(ThreadGroups.group("main", false, "app.Main.main")).isEqualTo("app.Main.main");
        assertThat(ThreadGroups.group("Thread-7", false, null)).isEqualTo("Thread-#");
    }

    @Test
    void byThreadKeepsNameAndId() {
        assertThat(ThreadGroups.byThread(17, "pool-1-thread-3", false)).isEqualTo("pool-1-thread-3 #17");
        assertThat(ThreadGroups.byThread(99, "", true)).isEqualTo("virtual #99");
    }
}
