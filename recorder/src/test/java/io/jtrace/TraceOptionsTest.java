package io.jtrace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The agent's option string: what parses, and what a user sees when it doesn't. */
class TraceOptionsTest {

    @Test
    void emptyOrBlankGivesTheDefaults() {
        assertThat(TraceOptions.parse(null)).isEqualTo(TraceOptions.defaults());
        assertThat(TraceOptions.parse("")).isEqualTo(TraceOptions.defaults());
        assertThat(TraceOptions.parse("  ")).isEqualTo(TraceOptions.defaults());
        assertThat(TraceOptions.parse(",,")).isEqualTo(TraceOptions.defaults());
    }

    @Test
    void everyOptionParses() {
        TraceOptions o = TraceOptions.parse("period=250ms,genbytes=8m,buffer=64k,budget=1g,stacks=off,stackdepth=32");

        assertThat(o.generationPeriod()).isEqualTo(Duration.ofMillis(250));
        assertThat(o.generationBytes()).isEqualTo(8L << 20);
        assertThat(o.bufferBytes()).isEqualTo(64 << 10);
        assertThat(o.budgetBytes()).isEqualTo(1L << 30);
        assertThat(o.stacks()).isEqualTo(TraceOptions.Stacks.OFF);
        assertThat(o.stackDepth()).isEqualTo(32);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "period=2s            | PT2S",
            "period=1m            | PT1M",
            "PERIOD = 10ms        | PT0.01S",
            "period=23h           | ",
    })
    void durations(String spec, String iso) {
        if (iso == null) {
            assertThatThrownBy(() -> TraceOptions.parse(spec)).isInstanceOf(IllegalArgumentException.class);
        } else {
            assertThat(TraceOptions.parse(spec).generationPeriod()).isEqualTo(Duration.parse(iso));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "budget=123456789 | 123456789",
            "budget=64K       | 65536",
            "budget=3M        | 3145728",
            "budget=2g        | 2147483648",
    })
    void sizes(String spec, long bytes) {
        assertThat(TraceOptions.parse(spec).budgetBytes()).isEqualTo(bytes);
    }

    @Test
    void theRemovedClockOptionIsAnUnknownOption() {
        // the trace clock is System.nanoTime() only since 2026-12-07: clock=auto|system is gone
        assertThatThrownBy(() -> TraceOptions.parse("clock=system")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option 'clock' (known: period, genbytes, buffer, budget, stacks, stackdepth, stackcheck)");
    }

    @Test
    void stacksAcceptsOnAsTheDefaultTierAndAnyCase() {
        assertThat(TraceOptions.parse("stacks=on").stacks()).isEqualTo(TraceOptions.defaults().stacks())
                .isNotEqualTo(TraceOptions.Stacks.OFF);
        assertThat(TraceOptions.parse("stacks=SLOW").stacks()).isEqualTo(TraceOptions.Stacks.SLOW);
        assertThat(TraceOptions.parse("stacks=Off").stacks()).isEqualTo(TraceOptions.Stacks.OFF);
    }

    @Test
    void autoIsTheDefaultTierAndFpCanBeAskedFor() {
        assertThat(TraceOptions.defaults().stacks()).isEqualTo(TraceOptions.Stacks.AUTO);
        assertThat(TraceOptions.parse("stacks=fp").stacks()).isEqualTo(TraceOptions.Stacks.FP);
        assertThat(TraceOptions.parse("stacks=Auto").stacks()).isEqualTo(TraceOptions.Stacks.AUTO);
        assertThat(TraceOptions.parse("stacks=fast").stacks()).isEqualTo(TraceOptions.Stacks.FAST);
    }

    @Test
    void stackCheckIsOffUnlessAskedFor() {
        assertThat(TraceOptions.defaults().stackCheck()).isFalse();
        assertThat(TraceOptions.parse("stacks=fp,stackcheck=on").stackCheck()).isTrue();
        assertThat(TraceOptions.parse("stackcheck=on,stackcheck=off").stackCheck()).isFalse();
        assertThat(TraceOptions.parse("stackcheck=on").withStackDepth(9).stackCheck()).isTrue();
    }

    @Test
    void ignoredKeysAreLeftForTheCaller() {
        assertThat(TraceOptions.parse("file=app.jtrace,period=2s", "file").generationPeriod())
                .isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> TraceOptions.parse("file=app.jtrace"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("file");
    }

    @Test
    void aBackslashKeepsACommaInAValue() {
        assertThat(TraceOptions.split("file=/tmp/a\\,b.jtrace,period=2s")).containsExactly("file=/tmp/a,b.jtrace", "period=2s");
        assertThat(TraceOptions.split("file=C:\\dir\\\\x")).containsExactly("file=C:\\dir\\x");
        for (String path : new String[] {"/tmp/a,b.jtrace", "/tmp/back\\slash,", ",,", "/plain"}) {
            assertThat(TraceOptions.split("file=" + TraceOptions.escape(path) + ",stacks=off"))
                    .containsExactly("file=" + path, "stacks=off");
        }
        assertThat(TraceOptions.parse("file=/tmp/a\\,b.jtrace,period=2s", "file").generationPeriod())
                .isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aBadValueIsEchoedAsGiven() {
        assertThatThrownBy(() -> TraceOptions.parse("period=1ns"))
                .hasMessage("option period=1ns: expected a whole number of ms, s or m, such as 500ms, 1s or 1m");
        assertThatThrownBy(() -> TraceOptions.parse("period=1.5s"))
                .hasMessage("option period=1.5s: expected a whole number of ms, s or m, such as 500ms, 1s or 1m");
        assertThatThrownBy(() -> TraceOptions.parse("budget=12xk")).hasMessage("option budget=12xk: not a number");
        assertThatThrownBy(() -> TraceOptions.parse("period=5ms")).hasMessage("option period=5ms: must be between 10ms and 24h");
        assertThatThrownBy(() -> TraceOptions.parse("stackdepth=5000"))
                .hasMessage("option stackdepth=5000: must be between 1 and 4096");
    }

    @Test
    void laterOptionsWin() {
        assertThat(TraceOptions.parse("stackdepth=5,stackdepth=7").stackDepth()).isEqualTo(7);
    }

    /** Each bad option fails with one line that names it. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "period=5                      | period",
            "period=fast                   | period",
            "period=5ms                    | period",
            "period=-1s                    | period",
            "period=25h                    | period",
            "period=ms                     | period",
            "period=1.5s                   | period",
            "period=9223372036854775807s   | period",
            "period=9223372036854775807m   | period",
            "period=9223372036854775807ms  | period",
            "genbytes=1k                   | genbytes",
            "genbytes=2g                   | genbytes",
            "genbytes=lots                 | genbytes",
            "buffer=512                    | buffer",
            "buffer=32m                    | buffer",
            "buffer=-4k                    | buffer",
            "buffer=99999999999999999999   | buffer",
            "budget=1k                     | budget",
            "budget=17g                    | budget",
            "budget=9999999999g            | budget",
            "budget=                       | budget",
            "stacks=fast-please            | stacks",
            "stacks=                       | stacks",
            "stackcheck=sometimes          | stackcheck",
            "stackdepth=0                  | stackdepth",
            "stackdepth=5000               | stackdepth",
            "stackdepth=4294967297         | stackdepth",
            "stackdepth=-4294967295        | stackdepth",
            "stackdepth=deep               | stackdepth",
            "colour=blue                   | colour",
            "period                        | period",
            "=1s                           | =1s",
    })
    void badOptionsFailWithOneLineNamingTheOption(String spec, String named) {
        assertThatThrownBy(() -> TraceOptions.parse(spec))
                .as("parse(\"%s\")", spec)
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(named)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void constructorChecksTheSameRanges() {
        TraceOptions d = TraceOptions.defaults();
        assertThatThrownBy(() -> d.withBufferBytes(100)).hasMessageContaining("buffer");
        assertThatThrownBy(() -> d.withGenerationPeriod(Duration.ofDays(365 * 1000L))).hasMessageContaining("period");
        assertThatThrownBy(() -> d.withGenerationPeriod(Duration.ofSeconds(Long.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("period");
        assertThatThrownBy(() -> d.withStacks(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stacks");
        assertThat(d.withBufferBytes(1024).withBudgetBytes(4096).budgetBytes()).isEqualTo(4096);
    }
}
