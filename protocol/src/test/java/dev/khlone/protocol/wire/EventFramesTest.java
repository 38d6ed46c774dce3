package dev.khlone.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.store.TranscriptEntry;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EventFramesTest {
    @Test
    void aTranscriptLineUnderEachStreamsHeadIsTheFrameTheCodecWrites() throws Exception {
        TranscriptEntry entry = new TranscriptEntry(1_700_000_000_000L, "t-1", TranscriptEntry.Kind.TOOL,
                "ls \"-la\"\n✓ \u001b[2J", "Bash", true);
        for (String re : new String[] {"7", "w\"1\\ ✓\n"}) {
            byte[] frame = OutputFramesTest.concat(EventFrames.head(re, "foreman.1"), EventFrames.body(entry.toLine()));
            assertThat(frame).isEqualTo(Codec.encode(new Push.Event(re, "foreman.1", entry)));
            Push.Event read = (Push.Event) Codec.decode(Arrays.copyOf(frame, frame.length - 1));
            assertThat(read).isEqualTo(new Push.Event(re, "foreman.1", entry));
        }
    }
}
