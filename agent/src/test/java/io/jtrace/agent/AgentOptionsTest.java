package io.jtrace.agent;

import io.jtrace.agent.instrument.HookInjector;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentOptionsTest {
    @Test
    void theAgentsOwnKeysAreCaseInsensitiveLikeTheRecordersKeys() {
        AgentOptions o = AgentOptions.parse("FILE=/tmp/x.jtrace,Events=park+sleep,ClassCache=off,PERIOD=2s");
        assertThat(o.file()).isEqualTo(Path.of("/tmp/x.jtrace"));
        assertThat(o.families()).containsExactlyInAnyOrder("park", "sleep");
        assertThat(o.classCache()).isNull();
        assertThat(o.trace().generationPeriod()).isEqualTo(java.time.Duration.ofSeconds(2));
    }

    @Test
    void theClassCacheIsTheUsersByDefaultAndCanBeMoved() {
        assertThat(AgentOptions.parse("").classCache()).isEqualTo(HookInjector.defaultCacheDir());
        assertThat(HookInjector.defaultCacheDir().toString()).endsWith("jtrace/instrumented");
        assertThat(AgentOptions.parse("classcache=/tmp/c").classCache()).isEqualTo(Path.of("/tmp/c"));
        assertThatThrownBy(() -> AgentOptions.parse("classcache=")).hasMessage("option classcache= needs a directory or off");
    }

    @Test
    void anUnknownKeyIsAnErrorThatNamesTheAgentsKeys() {
        assertThatThrownBy(() -> AgentOptions.parse("fiel=x.jtrace")).hasMessageContaining("fiel")
                .hasMessageContaining("file=PATH, events=FAMILY+… and classcache=DIR|off");
    }
}
