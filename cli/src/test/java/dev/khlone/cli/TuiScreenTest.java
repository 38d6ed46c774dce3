package dev.khlone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TuiScreenTest {
    private static TuiScreen fed(String... chunks) {
        TuiScreen screen = new TuiScreen();
        for (String chunk : chunks) {
            screen.feed(chunk.getBytes(StandardCharsets.UTF_8));
        }
        return screen;
    }

    @Test
    void aTuiThatLeftTheAlternateScreenAndSaidGoodbyeOnALineOfItsOwnNeedsNeitherUndone() {
        TuiScreen screen = fed("\u001b[?1049h\u001b[2J\u001b[Hthe TUI", "\u001b[?1049l", "Resume this session with:\r\n");
        assertThat(screen.alternate()).isFalse();
        assertThat(screen.atLineStart()).isTrue();
    }

    @Test
    void aTuiStillOnTheAlternateScreenIsSeenThereEvenWithTheSequenceSplitAcrossChunks() {
        TuiScreen screen = fed("\u001b[?104", "9h\u001b[5;10Hprompt> ");
        assertThat(screen.alternate()).isTrue();
        assertThat(screen.atLineStart()).isFalse();
        screen.leftAlternate();
        assertThat(screen.alternate()).isFalse();
        assertThat(screen.atLineStart()).isTrue();
    }

    @Test
    void aGoodbyeWithoutItsNewlineOrACursorMovedAlongTheLineIsNotALineStart() {
        assertThat(fed("bye").atLineStart()).isFalse();
        assertThat(fed("bye\n\u001b[?25h\u001b[0m").atLineStart()).as("modes after the newline move nothing").isTrue();
        assertThat(fed("bye\n\u001b[3C").atLineStart()).isFalse();
        assertThat(fed("bye\u001b[12;1H").atLineStart()).isTrue();
        assertThat(fed("bye\u001b[1G").atLineStart()).isTrue();
    }

    @Test
    void titlesAndOtherStringsAreNoText() {
        assertThat(fed("\n\u001b]0;a title\u0007").atLineStart()).isTrue();
        assertThat(fed("\n\u001b]8;;http://x\u001b\\").atLineStart()).isTrue();
        assertThat(fed("\u001b[?1049h\u001bP?1049l\u001b\\").alternate()).as("inside a DCS").isTrue();
    }
}
