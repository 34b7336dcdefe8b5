package io.jtrace.format;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** A string is written as its UTF-8 length and bytes, whichever path (ASCII or not) writes it. */
class ByteSinkTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "jetty-vt12345", "java/lang/Thread", "\u007f\u0000", "worker-\u00fc",
            "\u65e5\u672c\u8a9e", "emoji \ud83d\ude00", "lone \ud83d surrogate"})
    void stringIsItsUtf8LengthThenItsUtf8Bytes(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        byte[] len = new byte[Varint.MAX_BYTES];
        expected.write(len, 0, Varint.put(len, 0, utf8.length));
        expected.writeBytes(utf8);

        ByteSink sink = new ByteSink(16).u8(7).string(s).u8(9); // between other bytes, past the first capacity

        byte[] got = sink.toByteArray();
        assertThat(got[0]).isEqualTo((byte) 7);
        assertThat(got[got.length - 1]).isEqualTo((byte) 9);
        assertThat(java.util.Arrays.copyOfRange(got, 1, got.length - 1)).isEqualTo(expected.toByteArray());
    }
}
