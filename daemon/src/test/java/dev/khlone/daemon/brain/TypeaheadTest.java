package dev.khlone.daemon.brain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class TypeaheadTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final List<String> written = new CopyOnWriteArrayList<>();

    private Typeahead typeahead(Duration quiet, Duration atMost) {
        return new Typeahead(b -> written.add(new String(b, StandardCharsets.UTF_8)), quiet, atMost);
    }

    private static void heard(Typeahead keys, String output) {
        byte[] bytes = output.getBytes(StandardCharsets.UTF_8);
        keys.heard(bytes, bytes.length);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void keysWaitForTheTuiToShowItsCursorAndSettleWhileTheTerminalsAnswersGoAtOnce() {
        Typeahead keys = typeahead(Duration.ofMinutes(1), Duration.ofMinutes(1));
        heard(keys, "\u001b[?1049h\u001b[?25l\u001b[6n\u001b[c");
        keys.typed(bytes("hel\u001b[12;1R\u001b]11;rgb:0000/0000/0000\u0007lo\u001b[A\u001b[?62;22c\u001b[?2026;2$y"));
        keys.typed(bytes("\u001bP>|tmux 3.4\u001b\\ world\r"));
        assertThat(written).containsExactly("\u001b[12;1R", "\u001b]11;rgb:0000/0000/0000\u0007", "\u001b[?62;22c",
                "\u001b[?2026;2$y", "\u001bP>|tmux 3.4\u001b\\");
        heard(keys, "\u001b[?2026h ask anything \u001b[?2");
        heard(keys, "5h"); // the cursor shown, the sequence split across two reads: the drawing goes on for a minute
        assertThat(written).hasSize(5);
    }

    @Test
    void whatWasKeptGoesOnceTheShownPromptHasSettledEachEnterApartAndLaterKeysAfterIt() {
        Typeahead keys = typeahead(Duration.ofMillis(100), Duration.ofMinutes(1));
        keys.typed(bytes("fix the bug\rand"));
        keys.typed(bytes(" the test\r"));
        heard(keys, "\u001b[?25hprompt> ");
        Await.until(WAIT, "the kept keys to go", () -> written.size() == 3);
        keys.typed(bytes("!"));
        // Keys that come all at once are a paste to codex, and an Enter in a paste is a new line.
        assertThat(written).containsExactly("fix the bug", "\rand the test", "\r", "!");
    }

    @Test
    void aTuiThatNeverShowsItsCursorGetsTheKeysAfterAWhile() {
        Typeahead keys = typeahead(Duration.ofMillis(100), Duration.ofMillis(200));
        keys.typed(bytes("typed early"));
        Await.until(WAIT, "the kept keys to go", () -> written.equals(List.of("typed early")));
    }
}
