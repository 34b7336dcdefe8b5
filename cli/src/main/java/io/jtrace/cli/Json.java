package io.jtrace.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.Writer;

/** JSON output of the commands (Jackson's streaming generator: output is never held whole). */
final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {}

    /** A generator over {@code out} that leaves {@code out} open when closed. */
    static JsonGenerator generator(Writer out) throws IOException {
        JsonGenerator j = FACTORY.createGenerator(out);
        j.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        return j;
    }
}
