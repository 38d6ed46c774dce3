package dev.khlone.protocol.brain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLinesTest {
    /** What the handler heard, in order: "json: TEXT_FIELD | LINE" or "other: LINE". */
    private final List<String> heard = new ArrayList<>();

    private final JsonLines.Handler handler = new JsonLines.Handler() {
        @Override
        public void object(Map<String, Object> json, byte[] line) {
            heard.add("json: " + json.get("text") + " | " + new String(line, StandardCharsets.UTF_8));
        }

        @Override
        public void other(byte[] line) {
            heard.add("other: " + new String(line, StandardCharsets.UTF_8));
        }
    };

    @Test
    void linesWholeInAChunkAndCutAcrossChunksAreHeardAlike() {
        byte[] stream = ("{\"text\":\"héllo ✓\"}\n{\"text\":\"two\"}\r\nnot json\n\n[1,2]\n{broken\n{\"text\":\"last\"}\n")
                .getBytes(StandardCharsets.UTF_8);
        List<String> expected = List.of("json: héllo ✓ | {\"text\":\"héllo ✓\"}", "json: two | {\"text\":\"two\"}", "other: not json",
                "other: [1,2]", "other: {broken", "json: last | {\"text\":\"last\"}");
        for (int step : new int[] {1, 3, 7, stream.length}) {
            heard.clear();
            JsonLines lines = new JsonLines();
            for (int at = 0; at < stream.length; at += step) {
                lines.feed(stream, at, Math.min(step, stream.length - at), handler);
            }
            assertThat(heard).as("fed %d bytes at a time", step).isEqualTo(expected);
        }
    }

    @Test
    void malformedUtf8InAJsonLineIsReadAsReplacementCharactersNotDropped() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        line.writeBytes("{\"text\":\"a".getBytes(StandardCharsets.US_ASCII));
        line.write(0xff);
        line.writeBytes("b\"}\n".getBytes(StandardCharsets.US_ASCII));
        new JsonLines().feed(line.toByteArray(), 0, line.size(), handler);
        assertThat(heard).hasSize(1).first().asString().startsWith("json: a\uFFFDb | ");
    }

    @Test
    void eachObjectBecomesItsEventsAndALineThatMakesNoneIsPassedOnRaw() {
        byte[] stream = "{\"text\":\"a\"}\n{\"type\":\"ping\"}\nnot json\n{\"text\":\"b\"}\n".getBytes(StandardCharsets.UTF_8);
        List<String> events = new ArrayList<>();
        new JsonLines().feed(stream, 0, stream.length,
                json -> json.get("text") instanceof String t ? List.of(new BrainEvent.Text(t), new BrainEvent.Text(t + "!")) : List.of(),
                event -> events.add(event instanceof BrainEvent.Raw raw ? "raw: " + new String(raw.bytes(), StandardCharsets.UTF_8)
                        : "text: " + ((BrainEvent.Text) event).text()));
        assertThat(events).containsExactly("text: a", "text: a!", "raw: {\"type\":\"ping\"}", "raw: not json", "text: b", "text: b!");
    }
}
