package dev.khlone.daemon.screen;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScreenMirrorTest {

    @Test
    void showsWhatATerminalWouldAfterCursorMovesAndColours() {
        ScreenMirror mirror = new ScreenMirror(40, 6);
        feed(mirror, "first line\r\n\u001b[1;31mred\u001b[0m text\r\n\u001b[2J\u001b[Hredrawn\r\nsecond");
        assertThat(mirror.text()).isEqualTo("redrawn\nsecond");
    }

    @Test
    void aCharacterSplitAcrossChunksIsNotMangled() {
        ScreenMirror mirror = new ScreenMirror(20, 2);
        byte[] bytes = "❯ ok".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            mirror.feed(bytes, i, 1);
        }
        assertThat(mirror.text()).isEqualTo("❯ ok");
    }

    @Test
    void resizingKeepsTheScreen() {
        ScreenMirror mirror = new ScreenMirror(20, 3);
        feed(mirror, "kept");
        mirror.resize(30, 5);
        assertThat(mirror.text()).startsWith("kept");
    }

    @Test
    void theQueriesATuiMakesAsItStartsAreAnsweredAsATerminalWouldAtThatPoint() {
        ScreenMirror mirror = new ScreenMirror(40, 10);
        assertThat(feed(mirror, "\u001b[?1049h\u001b[3;7H\u001b[6nmoved on\u001b[?6n\u001b[5n\u001b[c\u001b[?u"))
                .isEqualTo("\u001b[3;7R\u001b[?3;15R\u001b[0n\u001b[?1;2c");
        assertThat(feed(mirror, "no query here")).isEmpty();
        assertThat(mirror.text()).as("the queries are no text").contains("  moved on").doesNotContain("6n");
    }

    private static String feed(ScreenMirror mirror, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new String(mirror.feed(bytes, 0, bytes.length), StandardCharsets.UTF_8);
    }
}
