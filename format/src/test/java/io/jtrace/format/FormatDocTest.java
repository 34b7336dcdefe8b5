package io.jtrace.format;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/format.md is the contract: its event table must say exactly what EventType says. */
class FormatDocTest {
    private static final Pattern ROW = Pattern.compile(
            "^\\| (0x[0-9A-F]{2}) \\| ([A-Z_]+) \\| (yes|no) \\| ([^|]+) \\| ([^|]+) \\|$");

    @Test
    void theEventTableOfFormatMdMatchesEventType() throws IOException {
        Path doc = Path.of("..", "docs", "format.md");
        List<String> documented = new ArrayList<>();
        for (String line : Files.readAllLines(doc)) {
            Matcher m = ROW.matcher(line.strip());
            if (m.matches()) {
                documented.add(String.join(" | ", m.group(1), m.group(2), m.group(3), m.group(4).strip(), m.group(5).strip()));
            }
        }
        List<String> declared = new ArrayList<>();
        for (EventType t : EventType.values()) {
            String args = t.args.isEmpty() ? "—"
                    : t.args.stream().map(a -> a.name() + ":" + a.kind()).collect(Collectors.joining(", "));
            declared.add(String.join(" | ", String.format("0x%02X", t.code), t.name(), t.timed ? "yes" : "no", args,
                    t.hasTail ? "message" : "—"));
        }
        assertThat(documented).containsExactlyElementsOf(declared);
    }

    @Test
    void theDocumentedVersionIsTheWireVersion() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "format.md"));
        assertThat(doc).startsWith("# jtrace trace format, version " + Wire.VERSION + "\n");
    }
}
