package dev.khlone.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.khlone.protocol.store.TranscriptEntry;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventFramesTest {
    private static final List<TranscriptEntry> ENTRIES = List.of(
            new TranscriptEntry(1_700_000_000_000L, "t-1", TranscriptEntry.Kind.TOOL, "ls \"-la\"\n✓ \u001b[2J", "Bash", true),
            new TranscriptEntry(1_700_000_000_001L, "t-2", TranscriptEntry.Kind.TEXT, "y".repeat(1000), null, false),
            new TranscriptEntry(-5, null, TranscriptEntry.Kind.RESULT, "Résumé: 3 tests ✓ — done?", null, false),
            new TranscriptEntry(0, "t-3", TranscriptEntry.Kind.NOTE, "", "", true));

    @Test
    void aTranscriptLineUnderEachStreamsHeadIsTheFrameTheCodecWrites() throws Exception {
        for (TranscriptEntry entry : ENTRIES) {
            for (String re : new String[] {"7", "w\"1\\ ✓\n"}) {
                byte[] frame = OutputFramesTest.concat(EventFrames.head(re, "foreman.1"), EventFrames.body(entry.toLine()));
                assertThat(frame).isEqualTo(Codec.encode(new Push.Event(re, "foreman.1", entry)));
                assertThat(Codec.decode(Arrays.copyOf(frame, frame.length - 1))).isEqualTo(new Push.Event(re, "foreman.1", entry));
            }
        }
    }

    @Test
    void framesOfPlainEntriesAreReadWithoutTheGeneralPathAndOthersAreLeftToIt() throws Exception {
        byte[] plain = Codec.encode(new Push.Event("7", "foreman.1", ENTRIES.get(1)));
        assertThat(EventFrames.read(Arrays.copyOf(plain, plain.length - 1))).isEqualTo(new Push.Event("7", "foreman.1", ENTRIES.get(1)));
        byte[] escaped = Codec.encode(new Push.Event("7", "foreman.1", ENTRIES.get(0)));
        assertThat(EventFrames.read(Arrays.copyOf(escaped, escaped.length - 1))).as("an escape").isNull();
    }

    @Test
    void anEventInAnotherFormIsReadAsTheGeneralPathReadsIt() throws Exception {
        Push.Event expected = new Push.Event("7", "foreman.1", new TranscriptEntry(12, "t-1", TranscriptEntry.Kind.TEXT, "hi", null, false));
        for (String frame : List.of(
                "{\"type\":\"event\",\"re\":\"7\",\"clone\":\"foreman.1\",\"entry\":{\"timeMs\":12,\"task\":\"t-1\",\"kind\":\"text\",\"text\":\"hi\"}}",
                "{\"type\":\"event\",\"re\":\"7\",\"clone\":\"foreman.1\",\"entry\":{\"kind\":\"text\",\"text\":\"hi\",\"task\":\"t-1\",\"timeMs\":12,\"isError\":false}}",
                "{\"type\":\"event\",\"re\":\"7\",\"clone\":\"foreman.1\",\"entry\": {\"timeMs\": 12, \"task\":\"t-1\",\"kind\":\"text\",\"text\":\"h\\u0069\"}}",
                "{\"re\":\"7\",\"type\":\"event\",\"entry\":{\"timeMs\":12,\"task\":\"t-1\",\"kind\":\"text\",\"text\":\"hi\"},\"clone\":\"foreman.1\"}")) {
            assertThat(Codec.decode(frame.getBytes(StandardCharsets.UTF_8))).as(frame).isEqualTo(expected);
        }
    }

    @Test
    void aBrokenEventIsRefusedAsTheGeneralPathRefusesIt() {
        for (String frame : List.of(
                "{\"type\":\"event\",\"re\":\"7\",\"clone\":\"foreman.1\",\"entry\":{\"timeMs\":12,\"kind\":\"text\",\"text\":\"hi\"}",
                "{\"type\":\"event\",\"re\":\"7\",\"clone\":\"foreman.1\",\"entry\":{\"timeMs\":1.5,\"kind\":\"text\"}}",
                "{\"type\":\"event\",\"re\":\"7\",\"clone\":\"foreman.1\",\"entry\":{\"timeMs\":012,\"kind\":\"text\"}}",
                "{\"type\":\"event\",\"re\":\"7\",\"clone\":\"foreman.1\",\"entry\":{\"timeMs\":12,\"kind\":\"nonsense\"}}",
                "{\"type\":\"event\",\"re\":\"7\",\"clone\":\"foreman.1\",\"entry\":{\"kind\":\"text\"}}",
                "{\"type\":\"event\",\"re\":\"7\",\"clone\":\"foreman.1\",\"entry\":{\"timeMs\":12,\"kind\":\"text\",\"text\":\"a\u0001b\"}}",
                "{\"type\":\"event\",\"re\":\"7\",\"clone\":\"foreman.1\",\"entry\":{\"timeMs\":12,\"kind\":\"text\"}}x")) {
            assertThatThrownBy(() -> Codec.decode(frame.getBytes(StandardCharsets.UTF_8))).as(frame).isInstanceOf(ProtocolException.class);
        }
    }
}
