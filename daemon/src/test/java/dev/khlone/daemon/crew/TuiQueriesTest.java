package dev.khlone.daemon.crew;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.daemon.watch.Audience;
import dev.khlone.protocol.wire.Push;
import dev.khlone.protocol.wire.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who answers a starting TUI's terminal queries: the screen mirror until the talker's terminal shows the TUI. */
class TuiQueriesTest {
    private final List<String> answered = new ArrayList<>();
    private final Audience audience = new Audience("foreman.1");
    private final RecordingClient talker = new RecordingClient();

    private void output(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        audience.bytes(bytes, 0, bytes.length);
    }

    @Test
    void theMirrorAnswersUntilTheTalkersTerminalIsAttachedThenOnlyTheTerminalDoes() {
        audience.watch(talker, "t", true);
        audience.interactive(80, 24, "foreman.1 is talking with a person now", talker,
                b -> answered.add(new String(b, StandardCharsets.UTF_8)));

        output("\u001b[?1049h\u001b[5;3H\u001b[6n\u001b[c");
        assertThat(answered).containsExactly("\u001b[5;3R\u001b[?1;2c");

        audience.attached(talker, new Reply.Talking("t", "foreman.1"));
        output("\u001b[6n");
        assertThat(answered).hasSize(1);
        // The talker's terminal gets the query after Talking, and answers it itself.
        List<Reply> got = talker.received();
        assertThat(got.get(got.size() - 1)).isInstanceOfSatisfying(Push.Output.class,
                o -> assertThat(new String(o.data(), StandardCharsets.UTF_8)).isEqualTo("\u001b[6n"));
        assertThat(got).filteredOn(Reply.Talking.class::isInstance).hasSize(1);
    }
}
